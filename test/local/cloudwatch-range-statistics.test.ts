// Percentile rank PR(a:b) and trimmed count TC(a:b), TC(a%:b%), tcNN, through the local
// CloudWatch's real wire protocol with the SDK v3: GetMetricData's MetricStat.Stat over
// PutMetricData values, GetMetricStatistics' ExtendedStatistics over the load balancer's
// TargetResponseTime, an alarm's ExtendedStatistic, and the refusals of malformed forms
// (InvalidParameterValue, as for any invalid statistic).

import {
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterValueException,
  PutMetricAlarmCommand,
  PutMetricDataCommand,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { ELB, MINUTE, T0, TARGET_GROUP, useCloudWatchWorld } from '../support/cloudwatch-fixture.js';

const NAMESPACE = 'Cutover/Test';
const DIMS = [{ Name: 'Service', Value: 'web' }];
const LATENCY = { Namespace: NAMESPACE, MetricName: 'Latency', Dimensions: DIMS };

describe('PR and TC statistics of the local CloudWatch, with the SDK v3', () => {
  const world = useCloudWatchWorld();

  /** GetMetricData of Latency over minutes 0 to 2, one query per statistic, by statistic. */
  async function latencyBy(stats: readonly string[]) {
    const result = await world.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 3 * MINUTE),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: stats.map((Stat, i) => ({
          Id: `q${i}`,
          MetricStat: { Metric: LATENCY, Period: 60, Stat },
        })),
      }),
    );
    return Object.fromEntries(
      result.MetricDataResults!.map((r, i) => [stats[i]!, { at: r.Timestamps, values: r.Values }]),
    );
  }

  it('GetMetricData counts values in (lower, upper]: one equal to the upper bound counts, one equal to the lower does not', async () => {
    // Minute 0: 100 values, each bin holding one value put many times, so every count is exact.
    // Minute 1: no data. Minute 2: 20 values.
    await world.client.send(
      new PutMetricDataCommand({
        Namespace: NAMESPACE,
        MetricData: [
          {
            ...LATENCY,
            Timestamp: new Date(T0 + 10_000),
            Values: [0.05, 0.1, 0.2, 0.3, 2.5],
            Counts: [40, 30, 20, 9, 1],
          },
          { ...LATENCY, Timestamp: new Date(T0 + 2 * MINUTE + 10_000), Values: [0.2, 0.4], Counts: [10, 10] },
        ],
      }),
    );
    const stats = ['SampleCount', 'PR(:0.15)', 'PR(:0.2)', 'PR(0.2:)', 'PR(0.1:0.3)', 'TC(0.1:0.3)'];
    const by = await latencyBy([...stats, 'TC(:0.2)', 'TC(0.2:)']);
    for (const s of Object.values(by)) expect(s.at).toEqual([new Date(T0), new Date(T0 + 2 * MINUTE)]);
    expect(stats.map((s) => by[s]!.values)).toEqual([
      [100, 20],
      [70, 0], // 0.05 and 0.1 are at most 0.15; at minute 2 nothing is
      [90, 50], // 0.2 itself counts for an upper bound …
      [10, 50], // … and not for a lower one
      [29, 50], // 0.2 and 0.3, not 0.1
      [29, 10],
    ]);
    // For each period: TC(:q) + TC(q:) is the sample count, and PR(:q) is 100·TC(:q)/SampleCount.
    const [below, above, n] = [by['TC(:0.2)']!.values!, by['TC(0.2:)']!.values!, by.SampleCount!.values!];
    expect(below.map((b, i) => b + above[i]!)).toEqual(n);
    expect(below.map((b, i) => (100 * b) / n[i]!)).toEqual(by['PR(:0.2)']!.values);
  });

  it('GetMetricData answers the one-sided and percentage forms, and nothing for a period without a distribution', async () => {
    await world.client.send(
      new PutMetricDataCommand({
        Namespace: NAMESPACE,
        MetricData: [
          { ...LATENCY, Timestamp: new Date(T0 + 10_000), Values: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] },
          // A statistic set of unequal values has no distribution: no percentiles, PR or TC.
          {
            ...LATENCY,
            Timestamp: new Date(T0 + MINUTE + 10_000),
            StatisticValues: { SampleCount: 4, Sum: 40, Minimum: 5, Maximum: 15 },
          },
        ],
      }),
    );
    const stats = ['PR(:3)', 'PR(3:)', 'TC(:3)', 'TC(3:)', 'TC(10%:90%)', 'TC(:90%)', 'tc90', 'TC(80%:)'];
    const by = await latencyBy([...stats, 'SampleCount']);
    expect(by.SampleCount!.values).toEqual([10, 4]);
    expect(stats.map((s) => by[s]!.values)).toEqual([[30], [70], [3], [7], [8], [9], [9], [2]]);
    for (const s of stats) expect(by[s]!.at, s).toEqual([new Date(T0)]);
  });

  it("GetMetricStatistics answers PR and TC of the load balancer's TargetResponseTime within the histogram's precision", async () => {
    // 1,000 latencies 0.3 % apart, from 10 ms to about 200 ms: about three to each 1 % bin.
    const latencies = Array.from({ length: 1000 }, (_, i) => 0.01 * 1.003 ** i);
    world.cw.record(
      ELB,
      'TargetResponseTime',
      { TargetGroup: TARGET_GROUP },
      T0 + 5_000,
      { values: latencies },
      'Seconds',
    );
    const extended = ['PR(:0.05)', 'PR(0.02:0.1)', 'TC(0.02:0.1)', 'TC(10%:90%)', 'tc90'];
    const result = await world.responseTime(1, { Statistics: ['SampleCount'], ExtendedStatistics: extended });
    const [datapoint] = result.Datapoints!;
    expect(Object.keys(datapoint?.ExtendedStatistics ?? {}).sort()).toEqual([...extended].sort());
    const got = datapoint!.ExtendedStatistics!;

    const count = (keep: (v: number) => boolean) => latencies.filter(keep).length;
    /** Values in the bins around q (within 1 %): a count may be off by these, no more. */
    const blurred = (q: number) => count((v) => v >= q / 1.0101 && v <= q * 1.0101);
    const exactBelow = count((v) => v <= 0.05);
    expect(Math.abs(got['PR(:0.05)']! - exactBelow / 10)).toBeLessThanOrEqual(blurred(0.05) / 10);
    const exactBetween = count((v) => v > 0.02 && v <= 0.1);
    expect(Math.abs(got['TC(0.02:0.1)']! - exactBetween)).toBeLessThanOrEqual(blurred(0.02) + blurred(0.1));
    expect(got['PR(0.02:0.1)']).toBe(got['TC(0.02:0.1)']! / 10);
    // Percentages count by rank, exactly: the 100 lowest and the 100 highest are trimmed.
    expect(got['TC(10%:90%)']).toBe(800);
    expect(got.tc90).toBe(900);
  });

  it('refuses malformed PR and TC with InvalidParameterValue, in GetMetricData and GetMetricStatistics', async () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: unknown) => error,
      );
    const cases: Array<[string, RegExp]> = [
      ['PR(a:b)', /write PR\(a:b\)/],
      ['PR(5)', /write PR\(a:b\)/],
      ['PR(3:1)', /lower bound must be below the upper/],
      ['PR(:)', /at least one bound/],
      ['PR(10%:90%)', /PR takes values, not percentages/],
      ['TC(10%:0.5)', /both bounds must be percentages, or neither/],
      ['TC(:150%)', /at most 100%/],
    ];
    for (const [stat, reason] of cases) {
      const error = await refusal(
        world.client.send(
          new GetMetricDataCommand({
            StartTime: new Date(T0),
            EndTime: new Date(T0 + MINUTE),
            MetricDataQueries: [{ Id: 'q', MetricStat: { Metric: LATENCY, Period: 60, Stat: stat } }],
          }),
        ),
      );
      expect(error, stat).toBeInstanceOf(InvalidParameterValueException);
      expect((error as Error).message, stat).toContain(
        `The value ${stat} for parameter MetricDataQueries.member.1.MetricStat.Stat is not valid: `,
      );
      expect((error as Error).message, stat).toMatch(reason);
    }
    const statistics = (ExtendedStatistics: string[]) =>
      world.client.send(
        new GetMetricStatisticsCommand({
          ...LATENCY,
          StartTime: new Date(T0),
          EndTime: new Date(T0 + MINUTE),
          Period: 60,
          ExtendedStatistics,
        }),
      );
    await expect(statistics(['PR(3:1)'])).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(statistics(['Sum'])).rejects.toThrow(/Sum goes in Statistics/);
  });

  it("an alarm's ExtendedStatistic takes PR(n:m) and TC(X%:X%) with X from 10 to 90, and evaluates PR", async () => {
    const alarm = (more: Partial<PutMetricAlarmCommandInput>): PutMetricAlarmCommandInput => ({
      AlarmName: 'web-fast-share',
      Namespace: ELB,
      MetricName: 'TargetResponseTime',
      Dimensions: [{ Name: 'TargetGroup', Value: TARGET_GROUP }],
      Period: 60,
      EvaluationPeriods: 1,
      Threshold: 95,
      ComparisonOperator: 'LessThanThreshold',
      ...more,
    });
    const put = (more: Partial<PutMetricAlarmCommandInput>) =>
      world.client.send(new PutMetricAlarmCommand(alarm(more)));

    // Fewer than 95 % of requests answered within 300 ms: 90 of 100 here.
    await put({ ExtendedStatistic: 'PR(:0.3)' });
    const latencies = { values: [0.1, 0.3, 0.5], counts: [60, 30, 10] };
    world.cw.record(
      ELB,
      'TargetResponseTime',
      { TargetGroup: TARGET_GROUP },
      T0 + 30_000,
      latencies,
      'Seconds',
    );
    expect(world.at(1).map((e) => e.detail.state.value)).toEqual(['ALARM']);
    expect((await world.describeOne('web-fast-share'))?.StateReason).toContain('[90.0 (01/01/26 00:00:00)]');

    await expect(put({ AlarmName: 'tc', ExtendedStatistic: 'TC(10%:90%)' })).resolves.toBeDefined();
    await expect(put({ AlarmName: 'tc', ExtendedStatistic: 'tc90' })).resolves.toBeDefined();
    await expect(put({ AlarmName: 'tc', ExtendedStatistic: 'TC(5%:90%)' })).rejects.toThrow(
      /between 10 and 90/,
    );
    await expect(put({ AlarmName: 'tc', ExtendedStatistic: 'TC(0.005:0.030)' })).rejects.toBeInstanceOf(
      InvalidParameterValueException,
    );
    await expect(put({ AlarmName: 'pr', ExtendedStatistic: 'PR(3:1)' })).rejects.toBeInstanceOf(
      InvalidParameterValueException,
    );
    // The SDK types Statistic as the simple ones; the wire takes any string, as here.
    await expect(put({ AlarmName: 'pr', Statistic: 'PR(:0.3)' as 'Sum' })).rejects.toThrow(
      /go in ExtendedStatistic/,
    );
  });
});
