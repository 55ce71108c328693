// The local CloudWatch's alarms as they evaluate on the simulated clock, over its real wire
// protocol: a metric math and a single-metric alarm moving between states, the EventBridge event
// and the history each change leaves, deleting an alarm, and a restart from a snapshot.

import {
  DeleteAlarmsCommand,
  DescribeAlarmHistoryCommand,
  PutMetricAlarmCommand,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { LocalCloudWatch } from '../../local/aws/cloudwatch.js';
import {
  ACCOUNT,
  ELB,
  MINUTE,
  T0,
  TARGET_GROUP,
  errorRateAlarm,
  useCloudWatchWorld,
} from '../support/cloudwatch-fixture.js';

/** The 5xx count of the target group, a minute's sum, as alarm events describe it. */
const FIVE_XX_STAT = {
  metric: { dimensions: { TargetGroup: TARGET_GROUP }, name: 'HTTPCode_Target_5XX_Count', namespace: ELB },
  period: 60,
  stat: 'Sum',
};

describe('LocalCloudWatch over AWS JSON 1.0 with the SDK v3', () => {
  const world = useCloudWatchWorld();
  const { at, traffic, describeOne } = world;

  it('a metric math alarm (5xx rate of a target group) goes to ALARM on 2 of 3 bad minutes, and back to OK', async () => {
    await world.client.send(new PutMetricAlarmCommand(errorRateAlarm));
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
    world.clock.advanceBy(20_000);
    expect(world.cw.evaluate()).toEqual([]);

    traffic(3, 100, 0);
    traffic(4, 100, 1);
    expect(at(4)).toEqual([]); // [9, 15, 0]: still 2 breaching
    expect(at(5).map((e) => e.detail.state.value)).toEqual(['OK']); // [15, 0, 1]
  });

  it('emits the EventBridge event AWS documents for a state change', async () => {
    await world.client.send(new PutMetricAlarmCommand(errorRateAlarm));
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
              metricStat: FIVE_XX_STAT,
              returnData: false,
            },
            expect.objectContaining({ id: 'requests' }),
          ],
        },
      },
    });
  });

  it('a single-metric alarm with TreatMissingData missing goes INSUFFICIENT_DATA without data, and records history', async () => {
    await world.client.send(
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
    const [event] = world.events;
    expect(event?.detail.configuration.metrics).toEqual([
      {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        metricStat: FIVE_XX_STAT,
        returnData: true,
      },
    ]);
    // Minutes 1 to 3 have no data; with N = 1 the range (3 periods) still holds minute 0 until it ages out.
    expect(at(2)).toEqual([]);
    expect(at(4).map((e) => e.detail.state.value)).toEqual(['INSUFFICIENT_DATA']);
    expect((await describeOne('web-5xx-count'))?.StateReason).toBe(
      'Insufficient Data: 1 datapoint was unknown.',
    );

    const history = await world.client.send(new DescribeAlarmHistoryCommand({ AlarmName: 'web-5xx-count' }));
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

    const onlyConfig = await world.client.send(
      new DescribeAlarmHistoryCommand({ AlarmName: 'web-5xx-count', HistoryItemType: 'ConfigurationUpdate' }),
    );
    expect(onlyConfig.AlarmHistoryItems).toHaveLength(1);
  });

  it('DeleteAlarms removes the alarms and records it in their history', async () => {
    await world.client.send(new PutMetricAlarmCommand(errorRateAlarm));
    await world.client.send(new DeleteAlarmsCommand({ AlarmNames: ['web-5xx-rate'] }));
    expect(await describeOne('web-5xx-rate')).toBeUndefined();
    const history = await world.client.send(new DescribeAlarmHistoryCommand({ AlarmName: 'web-5xx-rate' }));
    expect(history.AlarmHistoryItems?.[0]?.HistorySummary).toBe('Alarm "web-5xx-rate" deleted');
    expect(at(1)).toEqual([]);
  });

  it('a restart from a snapshot keeps alarms, their states, history and metric data', async () => {
    await world.client.send(new PutMetricAlarmCommand(errorRateAlarm));
    traffic(0, 10, 5);
    traffic(1, 10, 5);
    at(2);
    const saved = JSON.parse(JSON.stringify(world.cw.snapshot()));

    const restarted = new LocalCloudWatch({ clock: world.clock, region: 'us-east-1', account: ACCOUNT });
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
    world.clock.advanceBy(2 * MINUTE);
    expect(restarted.evaluate()).toEqual([]);
    expect(() => restarted.restore({ version: 2 })).toThrow(/Not a LocalCloudWatch snapshot/);
  });

  it('a snapshot whose metric data cannot be read is refused, and changes nothing', async () => {
    await world.client.send(new PutMetricAlarmCommand(errorRateAlarm));
    traffic(0, 10, 5);
    at(1);
    const before = JSON.stringify(world.cw.snapshot());
    const broken = { version: 1, alarms: [], history: [], metrics: { retentionMs: 1, series: 'none' } };

    expect(() => world.cw.restore(broken)).toThrow(/The metric data in the snapshot cannot be read/);
    expect(JSON.stringify(world.cw.snapshot())).toBe(before);
    const badBucket = {
      ...broken,
      metrics: { retentionMs: 1, series: [{ namespace: 'x', name: 'y', dimensions: {}, buckets: [null] }] },
    };
    expect(() => world.cw.restore(badBucket)).toThrow(/cannot be read/);
    expect(JSON.stringify(world.cw.snapshot())).toBe(before);
  });
});
