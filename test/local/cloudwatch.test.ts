// The local CloudWatch over its real wire protocol (AWS JSON 1.0, query-compatible errors), driven
// by the production SDK v3 client and the production CloudWatchAlarmWatch adapter, with the
// simulated clock moved by hand.

import type { Server } from 'node:http';
import {
  CloudWatchClient,
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  InvalidParameterValueException,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  ResourceNotFound,
  SetAlarmStateCommand,
  ValidationException,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import { LocalCloudWatch, type AlarmStateChangeEvent } from '../../local/aws/cloudwatch.js';
import { createAwsServer } from '../../local/aws/server.js';
import type { LocalService } from '../../local/aws/service.js';
import { CloudWatchAlarmWatch } from '../../shared/aws/cloudwatch-alarm-watch.js';
import { ResourceNotFound as DomainResourceNotFound } from '../../shared/aws/errors.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;
const ACCOUNT = '123456789012';
const TARGET_GROUP = 'targetgroup/web-green/0123456789abcdef';
const ELB = 'AWS/ApplicationELB';

describe('LocalCloudWatch over AWS JSON 1.0 with the SDK v3', () => {
  let server: Server;
  let client: CloudWatchClient;
  let clock: ManualClock;
  let cw: LocalCloudWatch;
  let events: AlarmStateChangeEvent[];

  // One server for the file; each test gets a fresh LocalCloudWatch behind the same route.
  const route: { service: LocalService; contentType: string; queryCompatible: boolean } = {
    service: { name: 'monitoring', operations: {} },
    contentType: 'application/x-amz-json-1.0',
    queryCompatible: true,
  };

  beforeAll(async () => {
    const port = await freePort();
    server = createAwsServer({ json: { GraniteServiceVersion20100801: route }, query: {} });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    client = new CloudWatchClient(emulatorClientConfig(`http://127.0.0.1:${port}`));
  });

  beforeEach(() => {
    clock = new ManualClock(T0);
    events = [];
    cw = new LocalCloudWatch({
      clock,
      region: 'us-east-1',
      account: ACCOUNT,
      onStateChange: (e) => events.push(e),
    });
    route.service = cw.service;
  });

  afterAll(async () => {
    client?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  /** Advances the simulated clock to `minutes` after T0 plus one second, and evaluates. */
  function at(minutes: number): AlarmStateChangeEvent[] {
    clock.advanceBy(T0 + minutes * MINUTE + 1_000 - clock.now());
    return cw.evaluate();
  }

  /** One minute of target group traffic from the simulator. */
  function traffic(minute: number, requests: number, errors: number): void {
    const t = T0 + minute * MINUTE + 30_000;
    cw.record(ELB, 'RequestCount', { TargetGroup: TARGET_GROUP }, t, requests, 'Count');
    if (errors > 0)
      cw.record(ELB, 'HTTPCode_Target_5XX_Count', { TargetGroup: TARGET_GROUP }, t, errors, 'Count');
  }

  const errorRateAlarm: PutMetricAlarmCommandInput = {
    AlarmName: 'web-5xx-rate',
    AlarmDescription: 'More than 5 % of requests to the green target group fail',
    EvaluationPeriods: 3,
    DatapointsToAlarm: 2,
    Threshold: 5,
    ComparisonOperator: 'GreaterThanThreshold',
    TreatMissingData: 'notBreaching',
    Metrics: [
      { Id: 'rate', Expression: '100 * errors / requests', Label: '5xx rate', ReturnData: true },
      {
        Id: 'errors',
        MetricStat: {
          Metric: {
            Namespace: ELB,
            MetricName: 'HTTPCode_Target_5XX_Count',
            Dimensions: [{ Name: 'TargetGroup', Value: TARGET_GROUP }],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      {
        Id: 'requests',
        MetricStat: {
          Metric: {
            Namespace: ELB,
            MetricName: 'RequestCount',
            Dimensions: [{ Name: 'TargetGroup', Value: TARGET_GROUP }],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
    ],
  };

  const describeOne = async (name: string) =>
    (await client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];

  it('a metric math alarm (5xx rate of a target group) goes to ALARM on 2 of 3 bad minutes, and back to OK', async () => {
    await client.send(new PutMetricAlarmCommand(errorRateAlarm));
    const created = await describeOne('web-5xx-rate');
    expect(created).toMatchObject({
      StateValue: 'INSUFFICIENT_DATA',
      StateReason: 'Unchecked: Initial alarm creation',
      AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:web-5xx-rate`,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Metrics: [
        expect.objectContaining({ Id: 'rate', Expression: '100 * errors / requests' }),
        expect.anything(),
        expect.anything(),
      ],
    });
    expect(created?.AlarmConfigurationUpdatedTimestamp).toEqual(new Date(T0));

    traffic(0, 100, 0);
    expect(at(1)).toHaveLength(1); // INSUFFICIENT_DATA -> OK (missing treated as not breaching)
    expect((await describeOne('web-5xx-rate'))?.StateValue).toBe('OK');

    traffic(1, 100, 9); // 9 %
    expect(at(2)).toEqual([]); // 1 of 3: still OK
    traffic(2, 200, 30); // 15 %
    const [alarm] = at(3);
    expect(alarm?.detail.state.value).toBe('ALARM');
    expect(alarm?.detail.state.reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [15.0 (01/01/26 00:02:00), 9.0 (01/01/26 00:01:00)] ' +
        'were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );

    const described = await describeOne('web-5xx-rate');
    expect(described?.StateValue).toBe('ALARM');
    expect(described?.StateReason).toBe(alarm?.detail.state.reason);
    expect(described?.StateTransitionedTimestamp).toEqual(new Date(T0 + 3 * MINUTE + 1_000));
    expect(JSON.parse(described?.StateReasonData ?? '{}')).toMatchObject({
      version: '1.0',
      period: 60,
      recentDatapoints: [0, 9, 15],
      threshold: 5,
      queryDate: '2026-01-01T00:03:01.000+0000',
    });

    // The same minute again changes nothing: only complete periods count, once each.
    clock.advanceBy(20_000);
    expect(cw.evaluate()).toEqual([]);

    traffic(3, 100, 0);
    traffic(4, 100, 1);
    expect(at(4)).toEqual([]); // [9, 15, 0]: still 2 breaching
    expect(at(5).map((e) => e.detail.state.value)).toEqual(['OK']); // [15, 0, 1]
  });

  it('emits the EventBridge event AWS documents for a state change', async () => {
    await client.send(new PutMetricAlarmCommand(errorRateAlarm));
    traffic(0, 10, 5);
    traffic(1, 10, 5);
    const [event] = at(2);
    expect(event).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: ACCOUNT,
      time: '2026-01-01T00:02:01Z',
      region: 'us-east-1',
      resources: [`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:web-5xx-rate`],
      detail: {
        alarmName: 'web-5xx-rate',
        state: {
          value: 'ALARM',
          reason: expect.stringContaining(
            'Threshold Crossed: 2 out of the last 3 datapoints [50.0 (01/01/26 00:01:00)',
          ),
          reasonData: expect.stringContaining('"recentDatapoints":[50.0,50.0]'),
          timestamp: '2026-01-01T00:02:01.000+0000',
        },
        previousState: {
          value: 'INSUFFICIENT_DATA',
          reason: 'Unchecked: Initial alarm creation',
          timestamp: '2026-01-01T00:00:00.000+0000',
        },
        configuration: {
          description: 'More than 5 % of requests to the green target group fail',
          metrics: [
            { expression: '100 * errors / requests', id: 'rate', label: '5xx rate', returnData: true },
            {
              id: 'errors',
              metricStat: {
                metric: {
                  dimensions: { TargetGroup: TARGET_GROUP },
                  name: 'HTTPCode_Target_5XX_Count',
                  namespace: ELB,
                },
                period: 60,
                stat: 'Sum',
              },
              returnData: false,
            },
            expect.objectContaining({ id: 'requests' }),
          ],
        },
      },
    });
  });

  it('a single-metric alarm with TreatMissingData missing goes INSUFFICIENT_DATA without data, and records history', async () => {
    await client.send(
      new PutMetricAlarmCommand({
        AlarmName: 'web-5xx-count',
        Namespace: ELB,
        MetricName: 'HTTPCode_Target_5XX_Count',
        Dimensions: [{ Name: 'TargetGroup', Value: TARGET_GROUP }],
        Statistic: 'Sum',
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 5,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      }),
    );
    traffic(0, 100, 7);
    expect(at(1).map((e) => e.detail.state.value)).toEqual(['ALARM']);
    const [event] = events;
    expect(event?.detail.configuration.metrics).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        metricStat: {
          metric: {
            dimensions: { TargetGroup: TARGET_GROUP },
            name: 'HTTPCode_Target_5XX_Count',
            namespace: ELB,
          },
          period: 60,
          stat: 'Sum',
        },
        returnData: true,
      },
    ]);
    // Minutes 1 to 3 have no data; with N = 1 the range (3 periods) still holds minute 0 until it ages out.
    expect(at(2)).toEqual([]);
    expect(at(4).map((e) => e.detail.state.value)).toEqual(['INSUFFICIENT_DATA']);
    expect((await describeOne('web-5xx-count'))?.StateReason).toBe(
      'Insufficient Data: 1 datapoint was unknown.',
    );

    const history = await client.send(new DescribeAlarmHistoryCommand({ AlarmName: 'web-5xx-count' }));
    expect(history.AlarmHistoryItems?.map((h) => [h.HistoryItemType, h.HistorySummary])).toEqual([
      ['StateUpdate', 'Alarm updated from ALARM to INSUFFICIENT_DATA'],
      ['StateUpdate', 'Alarm updated from INSUFFICIENT_DATA to ALARM'],
      ['ConfigurationUpdate', 'Alarm "web-5xx-count" created'],
    ]);
    const toAlarm = JSON.parse(history.AlarmHistoryItems?.[1]?.HistoryData ?? '{}');
    expect(toAlarm).toMatchObject({
      version: '1.0',
      oldState: { stateValue: 'INSUFFICIENT_DATA', stateReason: 'Unchecked: Initial alarm creation' },
      newState: {
        stateValue: 'ALARM',
        stateReason: expect.stringContaining('was greater than or equal to the threshold (5.0)'),
        stateReasonData: { statistic: 'Sum', period: 60, recentDatapoints: [7], threshold: 5 },
      },
    });
    expect(history.AlarmHistoryItems?.[1]?.HistoryData).toContain('"threshold":5.0');
    expect(history.AlarmHistoryItems?.[0]?.Timestamp).toEqual(new Date(T0 + 4 * MINUTE + 1_000));
    const created = JSON.parse(history.AlarmHistoryItems?.[2]?.HistoryData ?? '{}');
    expect(created).toMatchObject({
      version: '1.0',
      type: 'Create',
      createdAlarm: { alarmName: 'web-5xx-count', metricName: 'HTTPCode_Target_5XX_Count', okactions: [] },
    });

    const onlyConfig = await client.send(
      new DescribeAlarmHistoryCommand({ AlarmName: 'web-5xx-count', HistoryItemType: 'ConfigurationUpdate' }),
    );
    expect(onlyConfig.AlarmHistoryItems).toHaveLength(1);
  });

  it('SetAlarmState holds until the next evaluation, and the production adapter sees it', async () => {
    await client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: 'web-a' }));
    await client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: 'web-b' }));
    traffic(0, 100, 0);
    at(1);
    const watch = new CloudWatchAlarmWatch(client);
    await expect(watch.firing(['web-a', 'web-b'])).resolves.toEqual([]);

    await client.send(
      new SetAlarmStateCommand({ AlarmName: 'web-b', StateValue: 'ALARM', StateReason: 'drill' }),
    );
    expect(events.at(-1)?.detail).toMatchObject({
      alarmName: 'web-b',
      state: { value: 'ALARM', reason: 'drill' },
    });
    expect(cw.evaluate()).toEqual([]); // same minute: no comparison yet
    await expect(watch.firing(['web-a', 'web-b'])).resolves.toEqual(['web-b']);

    traffic(1, 100, 0);
    expect(at(2).map((e) => [e.detail.alarmName, e.detail.state.value])).toEqual([['web-b', 'OK']]);
    await expect(watch.firing(['web-b'])).resolves.toEqual([]);

    await expect(watch.firing(['web-a', 'no-such-alarm'])).rejects.toBeInstanceOf(DomainResourceNotFound);
  });

  it('pages DescribeAlarms with NextToken, which the adapter follows for 120 alarms', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `alarm-${String(i).padStart(3, '0')}`);
    for (const name of names)
      await client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: name }));
    const first = await client.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'alarm-' }));
    expect(first.MetricAlarms).toHaveLength(50);
    expect(first.NextToken).toBeDefined();
    const second = await client.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: 'alarm-', NextToken: first.NextToken }),
    );
    expect(second.MetricAlarms?.[0]?.AlarmName).toBe('alarm-050');

    for (const name of ['alarm-007', 'alarm-119']) {
      await client.send(
        new SetAlarmStateCommand({ AlarmName: name, StateValue: 'ALARM', StateReason: 'test' }),
      );
    }
    const watch = new CloudWatchAlarmWatch(client);
    await expect(watch.firing(names)).resolves.toEqual(['alarm-007', 'alarm-119']);

    const inAlarm = await client.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms?.map((a) => a.AlarmName)).toEqual(['alarm-007', 'alarm-119']);
    const composite = await client.send(new DescribeAlarmsCommand({ AlarmTypes: ['CompositeAlarm'] }));
    expect(composite.MetricAlarms).toEqual([]);
  });

  it('GetMetricData evaluates an expression over PutMetricData data', async () => {
    const dims = [{ Name: 'Service', Value: 'web' }];
    await client.send(
      new PutMetricDataCommand({
        Namespace: 'Cutover/Test',
        MetricData: [
          { MetricName: 'Errors', Dimensions: dims, Timestamp: new Date(T0 + 10_000), Value: 2 },
          {
            MetricName: 'Errors',
            Dimensions: dims,
            Timestamp: new Date(T0 + MINUTE + 10_000),
            Values: [1, 2],
            Counts: [1, 2],
          },
          {
            MetricName: 'Requests',
            Dimensions: dims,
            Timestamp: new Date(T0 + 10_000),
            StatisticValues: { SampleCount: 4, Sum: 40, Minimum: 10, Maximum: 10 },
          },
          { MetricName: 'Requests', Dimensions: dims, Timestamp: new Date(T0 + MINUTE + 10_000), Value: 50 },
        ],
      }),
    );
    const metric = (name: string) => ({ Namespace: 'Cutover/Test', MetricName: name, Dimensions: dims });
    const result = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 3 * MINUTE),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          { Id: 'e', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' }, ReturnData: false },
          { Id: 'r', MetricStat: { Metric: metric('Requests'), Period: 60, Stat: 'Sum' } },
          { Id: 'rate', Expression: '100 * e / r', Label: 'Error rate' },
        ],
      }),
    );
    expect(result.MetricDataResults).toEqual([
      {
        Id: 'r',
        Label: 'Requests',
        Timestamps: [new Date(T0), new Date(T0 + MINUTE)],
        Values: [40, 50],
        StatusCode: 'Complete',
        Messages: [],
      },
      {
        Id: 'rate',
        Label: 'Error rate',
        Timestamps: [new Date(T0), new Date(T0 + MINUTE)],
        Values: [5, 10],
        StatusCode: 'Complete',
        Messages: [],
      },
    ]);

    const descending = await client.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 3 * MINUTE),
        MetricDataQueries: [
          { Id: 'e', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'SampleCount' } },
        ],
      }),
    );
    expect(descending.MetricDataResults?.[0]?.Values).toEqual([3, 1]);

    const bad = await client
      .send(
        new GetMetricDataCommand({
          StartTime: new Date(T0),
          EndTime: new Date(T0 + MINUTE),
          MetricDataQueries: [
            { Id: 'e', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'Sum' }, ReturnData: false },
            { Id: 'bad', Expression: 'MEDIAN(e)' },
          ],
        }),
      )
      .catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(ValidationException); // AWS's ValidationError code
    expect((bad as Error).message).toContain('Unknown function MEDIAN');
  });

  it('GetMetricStatistics answers Statistics and a p99 ExtendedStatistic', async () => {
    const dims = { TargetGroup: TARGET_GROUP };
    const latencies = Array.from({ length: 1000 }, (_, i) => (i < 980 ? 0.05 : 2.5));
    cw.record(ELB, 'TargetResponseTime', dims, T0 + 5_000, { values: latencies }, 'Seconds');
    cw.record(ELB, 'TargetResponseTime', dims, T0 + MINUTE + 5_000, { values: [0.1, 0.2] }, 'Seconds');
    const result = await client.send(
      new GetMetricStatisticsCommand({
        Namespace: ELB,
        MetricName: 'TargetResponseTime',
        Dimensions: [{ Name: 'TargetGroup', Value: TARGET_GROUP }],
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 2 * MINUTE),
        Period: 60,
        Statistics: ['SampleCount', 'Maximum'],
        ExtendedStatistics: ['p99', 'p50'],
      }),
    );
    expect(result.Label).toBe('TargetResponseTime');
    expect(result.Datapoints).toHaveLength(2);
    const [first, second] = result.Datapoints!;
    expect(first).toMatchObject({
      Timestamp: new Date(T0),
      SampleCount: 1000,
      Maximum: 2.5,
      Unit: 'Seconds',
    });
    expect(first?.ExtendedStatistics?.p99).toBe(2.5);
    expect(first?.ExtendedStatistics?.p50).toBe(0.05);
    expect(second?.ExtendedStatistics?.p99).toBeCloseTo(0.2, 2);

    await expect(
      client.send(
        new GetMetricStatisticsCommand({
          Namespace: ELB,
          MetricName: 'TargetResponseTime',
          StartTime: new Date(T0),
          EndTime: new Date(T0 + 2 * MINUTE),
          Period: 60,
        }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterCombinationException);
    await expect(
      client.send(
        new GetMetricStatisticsCommand({
          Namespace: ELB,
          MetricName: 'TargetResponseTime',
          StartTime: new Date(T0),
          EndTime: new Date(T0 + 2 * 24 * 60 * MINUTE),
          Period: 60,
          Statistics: ['Sum'],
        }),
      ),
    ).rejects.toThrow(/exceeds the limit of 1,440/);
  });

  it('answers errors with the exception classes the SDK models', async () => {
    await expect(
      client.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'ALARM', StateReason: 'x' })),
    ).rejects.toBeInstanceOf(ResourceNotFound);
    await expect(client.send(new DeleteAlarmsCommand({ AlarmNames: ['nope'] }))).rejects.toBeInstanceOf(
      ResourceNotFound,
    );
    await expect(
      client.send(
        new PutMetricDataCommand({ Namespace: 'AWS/EC2', MetricData: [{ MetricName: 'CPU', Value: 1 }] }),
      ),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(
      client.send(
        new PutMetricAlarmCommand({ ...errorRateAlarm, ComparisonOperator: 'GreaterThanUpperThreshold' }),
      ),
    ).rejects.toThrow(/anomaly detection alarms/);
    await expect(
      client.send(new PutMetricAlarmCommand({ ...errorRateAlarm, DatapointsToAlarm: 4 })),
    ).rejects.toBeInstanceOf(InvalidParameterValueException);
    const [rate, ...metrics] = errorRateAlarm.Metrics!;
    const unknownId = await client
      .send(
        new PutMetricAlarmCommand({
          ...errorRateAlarm,
          Metrics: [{ ...rate!, Expression: 'errors / nothing' }, ...metrics],
        }),
      )
      .catch((error: unknown) => error);
    expect(unknownId).toBeInstanceOf(ValidationException);
    expect((unknownId as Error).message).toContain('Unknown id nothing');
    await expect(client.send(new DescribeAlarmsCommand({ NextToken: 'not-a-token' }))).rejects.toMatchObject({
      name: 'InvalidNextToken',
    });
  });

  it('refuses alarms over the limit with LimitExceeded', async () => {
    cw = new LocalCloudWatch({ clock, region: 'us-east-1', account: ACCOUNT, alarmLimit: 1 });
    const port = await freePort();
    const limited = createAwsServer({
      json: { GraniteServiceVersion20100801: { ...route, service: cw.service } },
      query: {},
    });
    await new Promise<void>((resolve) => limited.listen(port, '127.0.0.1', resolve));
    const other = new CloudWatchClient(emulatorClientConfig(`http://127.0.0.1:${port}`));
    try {
      await other.send(new PutMetricAlarmCommand(errorRateAlarm));
      await other.send(new PutMetricAlarmCommand(errorRateAlarm)); // an update is not a new alarm
      await expect(
        other.send(new PutMetricAlarmCommand({ ...errorRateAlarm, AlarmName: 'second' })),
      ).rejects.toMatchObject({
        name: 'LimitExceededFault',
      });
    } finally {
      other.destroy();
      await new Promise<void>((resolve) => limited.close(() => resolve()));
    }
  });

  it('DeleteAlarms removes the alarms and records it in their history', async () => {
    await client.send(new PutMetricAlarmCommand(errorRateAlarm));
    await client.send(new DeleteAlarmsCommand({ AlarmNames: ['web-5xx-rate'] }));
    expect(await describeOne('web-5xx-rate')).toBeUndefined();
    const history = await client.send(new DescribeAlarmHistoryCommand({ AlarmName: 'web-5xx-rate' }));
    expect(history.AlarmHistoryItems?.[0]?.HistorySummary).toBe('Alarm "web-5xx-rate" deleted');
    expect(at(1)).toEqual([]);
  });

  it('a restart from a snapshot keeps alarms, their states, history and metric data', async () => {
    await client.send(new PutMetricAlarmCommand(errorRateAlarm));
    traffic(0, 10, 5);
    traffic(1, 10, 5);
    at(2);
    const saved = JSON.parse(JSON.stringify(cw.snapshot()));

    const restarted = new LocalCloudWatch({ clock, region: 'us-east-1', account: ACCOUNT });
    restarted.restore(saved);
    const [alarm] = (
      restarted.service.operations.DescribeAlarms!({}) as { MetricAlarms: Array<Record<string, unknown>> }
    ).MetricAlarms;
    expect(alarm).toMatchObject({ AlarmName: 'web-5xx-rate', StateValue: 'ALARM' });
    const history = restarted.service.operations.DescribeAlarmHistory!({}) as {
      AlarmHistoryItems: unknown[];
    };
    expect(history.AlarmHistoryItems).toHaveLength(2);
    // The metric data came along: the next minutes keep evaluating from it.
    clock.advanceBy(2 * MINUTE);
    expect(restarted.evaluate()).toEqual([]);
    expect(() => restarted.restore({ version: 2 })).toThrow(/Not a LocalCloudWatch snapshot/);
  });
});
