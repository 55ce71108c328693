// CloudWatchMetricSource against a scripted CloudWatch, for what neither emulator does: pages
// with NextToken, result status codes and messages, and throttling. What the emulators can do is
// in cloudwatch-metric-source.contract.test.ts.

import {
  InvalidParameterValueException,
  type GetMetricDataCommandInput,
  type GetMetricDataCommandOutput,
  type MetricDataResult,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { CloudWatchMetricSource } from '../../shared/aws/cloudwatch-metric-source.js';
import { MetricQueryFailed, TransientError } from '../../shared/aws/errors.js';
import { analysisMetricSchema, type AnalysisMetric } from '../../shared/domain/catalog-schema.js';
import { MINUTE, T0, TARGET } from '../support/metric-target.js';

const WINDOW = { start: T0, end: T0 + 10 * MINUTE };
const at = (minute: number) => new Date(T0 + minute * MINUTE);
const metric = (name: string, builtin = 'error-rate'): AnalysisMetric =>
  analysisMetricSchema.parse({ name, source: { builtin } });

type Page = Omit<GetMetricDataCommandOutput, '$metadata'>;

/**
 * Answers each GetMetricData with `answer(input)`, keeping every request. Requests and answers
 * are written as the SDK has them (Dates) and go over the JSON protocol's calls as it has them
 * (epoch seconds).
 */
function scripted(answer: (input: GetMetricDataCommandInput) => Page) {
  const requests: GetMetricDataCommandInput[] = [];
  const calls = {
    call: <Output>(
      operation: string,
      wire: Omit<GetMetricDataCommandInput, 'StartTime' | 'EndTime'> & { StartTime: number; EndTime: number },
    ) => {
      expect(operation).toBe('GetMetricData');
      const input = {
        ...wire,
        StartTime: new Date(wire.StartTime * 1000),
        EndTime: new Date(wire.EndTime * 1000),
      };
      requests.push(input);
      return Promise.resolve().then(() => {
        const page = answer(input);
        const results = page.MetricDataResults?.map((r) => ({
          ...r,
          Timestamps: r.Timestamps?.map((t) => t.getTime() / 1000),
        }));
        return { ...page, ...(results === undefined ? {} : { MetricDataResults: results }) } as Output;
      });
    },
  };
  return { source: new CloudWatchMetricSource(calls), requests };
}

const result = (id: string, points: [number, number][], more: Partial<MetricDataResult> = {}) => ({
  Id: id,
  Timestamps: points.map(([minute]) => at(minute)),
  Values: points.map(([, value]) => value),
  StatusCode: 'Complete' as const,
  ...more,
});

describe('CloudWatchMetricSource', () => {
  it('follows NextToken, joining each metric’s points across pages, oldest first', async () => {
    const { source, requests } = scripted((input) =>
      input.NextToken === undefined
        ? {
            MetricDataResults: [
              result(
                'm0',
                [
                  [0, 1],
                  [1, 2],
                ],
                { StatusCode: 'PartialData' },
              ),
              result('m1', [[0, 0.2]], { StatusCode: 'PartialData' }),
            ],
            NextToken: 'page-2',
          }
        : { MetricDataResults: [result('m0', [[2, 3]]), result('m1', [[3, 0.4]])] },
    );

    await expect(
      source.series([metric('errors'), metric('p99', 'latency-p99')], TARGET, WINDOW, 60),
    ).resolves.toMatchObject([
      { name: 'errors', values: [1, 2, 3] },
      { name: 'p99', values: [0.2, 0.4] },
    ]);
    expect(requests.map((r) => r.NextToken)).toEqual([undefined, 'page-2']);
    expect(requests[1]!.MetricDataQueries).toEqual(requests[0]!.MetricDataQueries);
    expect(requests[0]).toMatchObject({
      StartTime: new Date(WINDOW.start),
      EndTime: new Date(WINDOW.end),
      ScanBy: 'TimestampAscending',
    });
  });

  it('splits more than 500 queries into calls of at most 500, never splitting a metric', async () => {
    // 4 queries each: target 5xx, the load balancer's own 5xx, requests, and the rate.
    const metrics = Array.from({ length: 170 }, (_, i) => metric(`errors-${i}`));
    const { source, requests } = scripted((input) => ({
      MetricDataResults: input
        .MetricDataQueries!.filter((q) => q.ReturnData)
        .map((q) => result(q.Id!, [[0, Number(q.Id!.slice(1))]])),
    }));

    const series = await source.series(metrics, TARGET, WINDOW, 60);

    expect(series.map((s) => s.values)).toEqual(metrics.map((_, i) => [i]));
    expect(requests.map((r) => r.MetricDataQueries!.length)).toEqual([500, 180]);
    for (const request of requests) {
      const ids = new Set(request.MetricDataQueries!.map((q) => q.Id!));
      for (const id of ids) expect(ids.has(id.replace(/_.*/, ''))).toBe(true);
    }
  });

  it('keeps the periods that start in the window only, sorted, and leaves out empty ones', async () => {
    const { source } = scripted(() => ({
      MetricDataResults: [
        result('m0', [
          [3, 30],
          [-1, 99],
          [0, 1],
          [10, 99],
          [9, 90],
        ]),
      ],
    }));

    await expect(source.series([metric('errors')], TARGET, WINDOW, 60)).resolves.toMatchObject([
      { name: 'errors', values: [1, 30, 90] },
    ]);
  });

  it('asks nothing when there are no metrics', async () => {
    const { source, requests } = scripted(() => ({}));
    await expect(source.series([], TARGET, WINDOW, 60)).resolves.toEqual([]);
    expect(requests).toEqual([]);
  });

  it('drops points that math made NaN or infinite (0 / 0), as CloudWatch reports with ArithmeticError', async () => {
    const message = { Code: 'ArithmeticError', Value: 'One or more data points have been dropped' };
    const { source } = scripted(() => ({
      MetricDataResults: [result('m0', [[0, 5]], { Messages: [message] })],
    }));
    await expect(source.series([metric('errors')], TARGET, WINDOW, 60)).resolves.toMatchObject([
      { name: 'errors', values: [5] },
    ]);
  });

  describe('fails loudly rather than judge on partial data', () => {
    const cases: [string, () => Page, new (...args: never[]) => Error, RegExp][] = [
      [
        'PartialData on the last page',
        () => ({ MetricDataResults: [result('m0', [[0, 1]], { StatusCode: 'PartialData' })] }),
        MetricQueryFailed,
        /only part of the data for m0 among errors \(m0\)/,
      ],
      [
        'a Forbidden result',
        () => ({ MetricDataResults: [result('m0', [], { StatusCode: 'Forbidden' })] }),
        MetricQueryFailed,
        /Forbidden/,
      ],
      [
        'an InternalError result (retried)',
        () => ({ MetricDataResults: [result('m0', [], { StatusCode: 'InternalError' })] }),
        TransientError,
        /internal error/,
      ],
      [
        'a message about the call',
        () => ({
          MetricDataResults: [result('m0', [[0, 1]])],
          Messages: [{ Code: 'MaxMetricsExceeded', Value: 'Maximum number of allowed metrics exceeded' }],
        }),
        MetricQueryFailed,
        /MaxMetricsExceeded: Maximum number of allowed metrics exceeded/,
      ],
      [
        'a message about a result',
        () => ({
          MetricDataResults: [
            result('m0', [[0, 1]], { Messages: [{ Code: 'Unknown', Value: 'something' }] }),
          ],
        }),
        MetricQueryFailed,
        /result m0 .* came with messages/,
      ],
      [
        'no result for a metric',
        () => ({ MetricDataResults: [] }),
        MetricQueryFailed,
        /no result for the analysis metric errors/,
      ],
    ];

    it.each(cases)('%s', async (_, answer, kind, message) => {
      const { source } = scripted(answer);
      const error = await source.series([metric('errors')], TARGET, WINDOW, 60).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(kind);
      expect((error as Error).message).toMatch(message);
    });
  });

  it('turns throttling into TransientError, so the step retries', async () => {
    const throttled = Object.assign(new Error('Rate exceeded'), {
      name: 'Throttling',
      $metadata: { httpStatusCode: 400 },
    });
    const { source } = scripted(() => {
      throw throttled;
    });
    const error = await source.series([metric('errors')], TARGET, WINDOW, 60).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toBe(throttled);
  });

  it('names the metrics of a refused call', async () => {
    const refused = new InvalidParameterValueException({
      message: 'Error in expression m1: bad',
      $metadata: {},
    });
    const { source } = scripted(() => {
      throw refused;
    });
    const error = await source
      .series([metric('errors'), metric('p99', 'latency-p99')], TARGET, WINDOW, 60)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MetricQueryFailed);
    expect((error as Error).message).toContain(
      'GetMetricData for errors (m0), p99 (m1): Error in expression m1: bad',
    );
  });
});
