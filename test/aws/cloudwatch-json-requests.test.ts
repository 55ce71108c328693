// The CloudWatch adapters' signed JSON 1.0 requests (shared/aws/json-requests.ts), against a
// stand-in for CloudWatch that checks signatures: the same body the SDK's own client sends
// (times in epoch seconds), timestamps read back from epoch seconds, and errors in the
// query-compatible form (x-amzn-query-error) named as the SDK's client names them on the same
// answer.

import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CloudWatchAlarmWatch } from '../../shared/aws/cloudwatch-alarm-watch.js';
import { CloudWatchMetricSource } from '../../shared/aws/cloudwatch-metric-source.js';
import { AwsServiceError, MetricQueryFailed, TransientError } from '../../shared/aws/errors.js';
import { CLOUDWATCH, JsonRequests } from '../../shared/aws/json-requests.js';
import { analysisMetricSchema } from '../../shared/domain/catalog-schema.js';
import { json, StandInAws, type Answer } from '../support/stand-in-aws.js';
import { MINUTE, T0, TARGET } from '../support/metric-target.js';

// A window whose ends are not whole seconds: the fractions must survive.
const WINDOW = { start: T0 + 250, end: T0 + 3 * MINUTE + 500 };
const ERRORS = analysisMetricSchema.parse({ name: 'errors', source: { builtin: 'error-rate' } });

let cloudWatch: StandInAws;
beforeAll(async () => {
  cloudWatch = await new StandInAws('monitoring').start();
});
afterAll(() => cloudWatch.stop());
beforeEach(() => cloudWatch.reset());

const requests = () => new JsonRequests(CLOUDWATCH, cloudWatch.config());

describe('GetMetricData', () => {
  it('sends what the SDK sends, signed for monitoring, with its times in epoch seconds', async () => {
    cloudWatch.answer = () => json(200, { MetricDataResults: [{ Id: 'm0', StatusCode: 'Complete' }] });
    await new CloudWatchMetricSource(requests()).series([ERRORS], TARGET, WINDOW, 60);
    const [ours] = cloudWatch.received;

    const sdk = new CloudWatchClient(cloudWatch.config());
    await sdk.send(
      new GetMetricDataCommand({
        ...(JSON.parse(ours!.body) as { MetricDataQueries: [] }),
        StartTime: new Date(WINDOW.start),
        EndTime: new Date(WINDOW.end),
      }),
    );
    sdk.destroy();
    const theirs = cloudWatch.received[1]!;

    expect(ours!.problem).toBeUndefined();
    expect(ours!.headers.authorization).toContain('/eu-west-1/monitoring/aws4_request');
    expect(ours!.headers['x-amz-target']).toBe('GraniteServiceVersion20100801.GetMetricData');
    for (const header of ['x-amz-target', 'content-type', 'x-amzn-query-mode'])
      expect(ours!.headers[header]).toBe(theirs.headers[header]);
    expect(JSON.parse(ours!.body)).toEqual(JSON.parse(theirs.body));
    expect(JSON.parse(ours!.body)).toMatchObject({ StartTime: 1767225600.25, EndTime: 1767225780.5 });
  });

  it('reads timestamps from epoch seconds, fractions included, keeping the periods in the window', async () => {
    const seconds = (ms: number) => ms / 1000;
    cloudWatch.answer = () =>
      json(200, {
        MetricDataResults: [
          {
            Id: 'm0',
            StatusCode: 'Complete',
            Timestamps: [
              seconds(T0 + MINUTE + 1),
              seconds(T0),
              seconds(T0 + 250),
              seconds(T0 + 3 * MINUTE + 500),
            ],
            Values: [2, 99, 1, 98],
          },
        ],
      });
    const [series] = await new CloudWatchMetricSource(requests()).series([ERRORS], TARGET, WINDOW, 60);
    expect(series).toEqual({ name: 'errors', timestamps: [T0 + 250, T0 + MINUTE + 1], values: [1, 2] });
  });
});

describe('errors, named as the SDK names them', () => {
  const queryError = (status: number, code: string, type: string, message: string): Answer =>
    json(
      status,
      { __type: type, message },
      { 'x-amzn-query-error': `${code};${status < 500 ? 'Sender' : 'Receiver'}` },
    );
  const CASES: { form: string; answer: Answer; name: string }[] = [
    {
      form: 'a query code the models rename',
      answer: queryError(
        400,
        'InvalidParameterValue',
        'com.amazonaws.cloudwatch#InvalidParameterValueException',
        'bad',
      ),
      name: 'InvalidParameterValueException',
    },
    {
      form: 'a query code that is its own name',
      answer: queryError(
        404,
        'ResourceNotFound',
        'com.amazonaws.cloudwatch#ResourceNotFound',
        'no such alarm',
      ),
      name: 'ResourceNotFound',
    },
    {
      form: 'an unmodelled query code',
      answer: queryError(
        400,
        'Throttling',
        'com.amazonaws.coral.availability#ThrottlingException',
        'Rate exceeded',
      ),
      name: 'Throttling',
    },
    {
      form: 'an internal error',
      answer: queryError(
        500,
        'InternalServiceError',
        'com.amazonaws.cloudwatch#InternalServiceFault',
        'oops',
      ),
      name: 'InternalServiceFault',
    },
    {
      form: 'access denied, as the local cloud answers it',
      answer: queryError(400, 'AccessDenied', 'AccessDeniedException', 'not authorized'),
      name: 'AccessDenied',
    },
    {
      form: 'no x-amzn-query-error, a code the models rename',
      answer: json(400, { __type: 'InvalidParameterCombination', message: 'both' }),
      name: 'InvalidParameterCombinationException',
    },
  ];

  it.each(CASES)('from $form', async ({ answer, name }) => {
    cloudWatch.answer = () => answer;
    const ours = await requests()
      .call('DescribeAlarms', { AlarmNames: ['a'] })
      .catch((e: unknown) => e);
    const sdk = new CloudWatchClient(cloudWatch.config());
    const theirs = await sdk.send(new DescribeAlarmsCommand({ AlarmNames: ['a'] })).catch((e: unknown) => e);
    sdk.destroy();

    expect((theirs as Error).name).toBe(name);
    expect(ours).toBeInstanceOf(AwsServiceError);
    expect(ours).toMatchObject({ name, $metadata: { httpStatusCode: answer.status } });
    expect((ours as Error).message).toBe((JSON.parse(answer.body) as { message: string }).message);
  });

  it('throttling is TransientError for the state machine to retry; refused queries are MetricQueryFailed', async () => {
    cloudWatch.answer = () => CASES[2]!.answer;
    await expect(new CloudWatchAlarmWatch(requests()).firing(['a'])).rejects.toBeInstanceOf(TransientError);
    await expect(
      new CloudWatchMetricSource(requests()).series([ERRORS], TARGET, WINDOW, 60),
    ).rejects.toBeInstanceOf(TransientError);
    cloudWatch.answer = () => CASES[0]!.answer;
    await expect(
      new CloudWatchMetricSource(requests()).series([ERRORS], TARGET, WINDOW, 60),
    ).rejects.toBeInstanceOf(MetricQueryFailed);
  });
});

describe('given an SDK client', () => {
  it('sends DescribeAlarms to its endpoint, signed with its credentials', async () => {
    cloudWatch.answer = () =>
      json(200, { MetricAlarms: [{ AlarmName: 'a', StateValue: 'ALARM' }], CompositeAlarms: [] });
    const client = new CloudWatchClient(cloudWatch.config());
    await expect(new CloudWatchAlarmWatch(client).firing(['a'])).resolves.toEqual(['a']);
    client.destroy();
    expect(cloudWatch.received[0]!.problem).toBeUndefined();
    expect(JSON.parse(cloudWatch.received[0]!.body)).toEqual({
      AlarmNames: ['a'],
      AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      MaxRecords: 100,
    });
  });
});
