// MetricSource on Amazon CloudWatch: each analysis metric of one target group, per period over a
// window, read with one GetMetricData call (more only past 500 queries), following NextToken.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
// CloudWatch is reached by signed JSON 1.0 requests (json-requests.ts), not the SDK's client:
// times go and come back as epoch seconds, which the SDK would have made Dates.

import type { MessageData, MetricDataQuery, MetricDataResult as SdkResult } from '@aws-sdk/client-cloudwatch';
import type { AnalysisMetric } from '../domain/catalog-schema.js';
import { elbDimensions } from '../domain/elb-dimensions.js';
import type { MetricSource, MetricTarget, MetricWindow, TimedSeries } from '../ports/metrics.js';
import { metricQueries, resultId } from './cloudwatch-metric-queries.js';
import { isTransient, MetricQueryFailed, translateTransient, TransientError } from './errors.js';
import { CLOUDWATCH, jsonCalls, type JsonCalls } from './json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';

/** "A single GetMetricData call can include up to 500 MetricDataQuery structures." */
const QUERIES_PER_CALL = 500;

/**
 * Per-result messages that are not a failure: math whose value is NaN or ±Infinity (0 / 0, as in
 * a period whose request count is 0) leaves that period out, as a period with no data is.
 */
const HARMLESS_MESSAGES = new Set(['ArithmeticError']);

/** A result as CloudWatch's JSON answers it: its timestamps in epoch seconds. */
type MetricDataResult = Omit<SdkResult, 'Timestamps'> & { Timestamps?: number[] };

interface GetMetricDataOutput {
  MetricDataResults?: MetricDataResult[];
  Messages?: MessageData[];
  NextToken?: string;
}

interface Points {
  timestamps: number[];
  values: number[];
}

/** One call's queries, and the metrics they answer for (to name them in errors). */
interface Batch {
  queries: MetricDataQuery[];
  legend: string;
}

export class CloudWatchMetricSource implements MetricSource {
  private readonly cloudWatch: JsonCalls;

  /** CloudWatch's requests (clients.ts's cloudWatchRequests), or an SDK client to reach it as it would. */
  constructor(cloudWatch: JsonCalls | SdkClientLike) {
    this.cloudWatch = jsonCalls(CLOUDWATCH, cloudWatch, 'CLOUDWATCH');
  }

  async series(
    metrics: readonly AnalysisMetric[],
    target: MetricTarget,
    window: MetricWindow,
    periodSeconds: number,
  ): Promise<TimedSeries[]> {
    if (metrics.length === 0) return [];
    const dimensions = elbDimensions(target);
    const perMetric = metrics.map((metric, index) => ({
      legend: `${metric.name} (${resultId(index)})`,
      queries: metricQueries(metric, index, dimensions, periodSeconds),
    }));
    const points = new Map<string, Points>();
    for (const batch of batches(perMetric)) {
      for (const [id, found] of await this.fetch(batch, window)) points.set(id, found);
    }
    return metrics.map((metric, index) => {
      const found = points.get(resultId(index));
      if (found === undefined) {
        throw new MetricQueryFailed(
          `GetMetricData returned no result for the analysis metric ${metric.name} (${resultId(index)}).`,
        );
      }
      const inWindow = pointsIn(found, window);
      return {
        name: metric.name,
        values: inWindow.map((p) => p.value),
        timestamps: inWindow.map((p) => p.timestamp),
      };
    });
  }

  /** Every page of one call, each id's points in the order the pages gave them. */
  private async fetch(batch: Batch, window: MetricWindow): Promise<Map<string, Points>> {
    const points = new Map<string, Points>();
    let nextToken: string | undefined;
    let page: GetMetricDataOutput;
    do {
      page = await this.page(batch, window, nextToken);
      refuseMessages(page.Messages ?? [], `GetMetricData for ${batch.legend}`);
      for (const result of page.MetricDataResults ?? []) {
        checkResult(result, batch.legend);
        const id = result.Id ?? '';
        const found = points.get(id) ?? { timestamps: [], values: [] };
        found.timestamps.push(...(result.Timestamps ?? []).map(fromEpochSeconds));
        found.values.push(...(result.Values ?? []));
        points.set(id, found);
      }
      nextToken = page.NextToken === '' ? undefined : page.NextToken;
    } while (nextToken !== undefined);
    // PartialData is normal on a page with a NextToken; on the last page, data is missing for good
    // (math expressions get no NextToken).
    const partial = (page.MetricDataResults ?? [])
      .filter((result) => result.StatusCode === 'PartialData')
      .map((result) => result.Id ?? '?');
    if (partial.length > 0) {
      throw new MetricQueryFailed(
        `GetMetricData returned only part of the data for ${partial.join(', ')} among ${batch.legend}; ` +
          'shorten the analysis window or lengthen its period.',
      );
    }
    return points;
  }

  private async page(
    batch: Batch,
    window: MetricWindow,
    nextToken: string | undefined,
  ): Promise<GetMetricDataOutput> {
    try {
      return await this.cloudWatch.call<GetMetricDataOutput>('GetMetricData', {
        MetricDataQueries: batch.queries,
        StartTime: toEpochSeconds(window.start),
        EndTime: toEpochSeconds(window.end),
        ScanBy: 'TimestampAscending',
        NextToken: nextToken,
      });
    } catch (error) {
      if (isTransient(error)) return translateTransient(`GetMetricData for ${batch.legend}`, error);
      throw new MetricQueryFailed(
        `CloudWatch refused GetMetricData for ${batch.legend}: ${(error as Error).message}. ` +
          'Check the analysis metrics in the catalog, and that the function may call cloudwatch:GetMetricData.',
        { cause: error },
      );
    }
  }
}

/** The metrics' queries in calls of at most 500, a metric's queries always in one call. */
function batches(perMetric: readonly { legend: string; queries: MetricDataQuery[] }[]): Batch[] {
  const out: Batch[] = [];
  let current: { legends: string[]; queries: MetricDataQuery[] } = { legends: [], queries: [] };
  const flush = () => {
    if (current.queries.length > 0)
      out.push({ queries: current.queries, legend: current.legends.join(', ') });
    current = { legends: [], queries: [] };
  };
  for (const metric of perMetric) {
    if (metric.queries.length > QUERIES_PER_CALL) {
      throw new MetricQueryFailed(
        `the analysis metric ${metric.legend} needs ${metric.queries.length} queries; ` +
          `GetMetricData takes at most ${QUERIES_PER_CALL}. Give it fewer inputs.`,
      );
    }
    if (current.queries.length + metric.queries.length > QUERIES_PER_CALL) flush();
    current.legends.push(metric.legend);
    current.queries.push(...metric.queries);
  }
  flush();
  return out;
}

function checkResult(result: MetricDataResult, legend: string): void {
  const where = `GetMetricData's result ${result.Id ?? '?'} (among ${legend})`;
  if (result.StatusCode === 'InternalError') {
    throw new TransientError(`${where} says CloudWatch had an internal error; the step will retry`);
  }
  if (result.StatusCode === 'Forbidden') {
    throw new MetricQueryFailed(
      `${where} is Forbidden: the function may not read that metric (check its IAM role).`,
    );
  }
  refuseMessages(
    (result.Messages ?? []).filter((message) => !HARMLESS_MESSAGES.has(message.Code ?? '')),
    where,
  );
}

function refuseMessages(messages: readonly MessageData[], where: string): void {
  if (messages.length === 0) return;
  const text = messages.map((message) => `${message.Code ?? '?'}: ${message.Value ?? ''}`).join('; ');
  throw new MetricQueryFailed(`${where} came with messages, so its data cannot be trusted: ${text}`);
}

/** Milliseconds as the JSON protocol sends a time: epoch seconds, with the milliseconds as a fraction. */
const toEpochSeconds = (ms: number) => ms / 1000;

/** A time from the JSON protocol, in milliseconds (rounded, as 1.001 s is not exactly 1001 ms in binary). */
const fromEpochSeconds = (seconds: number) => Math.round(seconds * 1000);

/** The periods that start in the window, oldest first; periods with no value are left out. */
function pointsIn(found: Points, window: MetricWindow): { timestamp: number; value: number }[] {
  return found.timestamps
    .map((timestamp, i) => ({ timestamp, value: found.values[i] }))
    .filter(
      (point): point is { timestamp: number; value: number } =>
        point.timestamp >= window.start &&
        point.timestamp < window.end &&
        typeof point.value === 'number' &&
        Number.isFinite(point.value),
    )
    .sort((a, b) => a.timestamp - b.timestamp);
}
