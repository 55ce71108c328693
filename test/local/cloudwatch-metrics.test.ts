// The local CloudWatch's metric data over its real wire protocol: GetMetricData evaluating an
// expression over PutMetricData datapoints, and GetMetricStatistics answering statistics and
// percentiles (ExtendedStatistics) over the simulator's datapoints, with the limits AWS sets.

import {
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  InvalidParameterCombinationException,
  PutMetricDataCommand,
  ValidationException,
} from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { ELB, MINUTE, T0, TARGET_GROUP, useCloudWatchWorld } from '../support/cloudwatch-fixture.js';

describe('LocalCloudWatch over AWS JSON 1.0 with the SDK v3', () => {
  const world = useCloudWatchWorld();

  it('GetMetricData evaluates an expression over PutMetricData data', async () => {
    const dims = [{ Name: 'Service', Value: 'web' }];
    await world.client.send(
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
    const result = await world.client.send(
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
    /** A complete result over the two minutes. */
    const complete = (Id: string, Label: string, Values: number[]) => ({
      Id,
      Label,
      Timestamps: [new Date(T0), new Date(T0 + MINUTE)],
      Values,
      StatusCode: 'Complete',
      Messages: [],
    });
    expect(result.MetricDataResults).toEqual([
      complete('r', 'Requests', [40, 50]),
      complete('rate', 'Error rate', [5, 10]),
    ]);

    const descending = await world.client.send(
      new GetMetricDataCommand({
        StartTime: new Date(T0),
        EndTime: new Date(T0 + 3 * MINUTE),
        MetricDataQueries: [
          { Id: 'e', MetricStat: { Metric: metric('Errors'), Period: 60, Stat: 'SampleCount' } },
        ],
      }),
    );
    expect(descending.MetricDataResults?.[0]?.Values).toEqual([3, 1]);

    const bad = await world.client
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
    world.cw.record(ELB, 'TargetResponseTime', dims, T0 + 5_000, { values: latencies }, 'Seconds');
    world.cw.record(ELB, 'TargetResponseTime', dims, T0 + MINUTE + 5_000, { values: [0.1, 0.2] }, 'Seconds');
    const result = await world.responseTime(2, {
      Statistics: ['SampleCount', 'Maximum'],
      ExtendedStatistics: ['p99', 'p50'],
    });
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

    /** A query of the latency from T0 for `minutes`, a minute a period. */
    const latency = (minutes: number, more: { Statistics?: ['Sum'] } = {}) =>
      world.client.send(
        new GetMetricStatisticsCommand({
          Namespace: ELB,
          MetricName: 'TargetResponseTime',
          StartTime: new Date(T0),
          EndTime: new Date(T0 + minutes * MINUTE),
          Period: 60,
          ...more,
        }),
      );
    await expect(latency(2)).rejects.toBeInstanceOf(InvalidParameterCombinationException);
    await expect(latency(2 * 24 * 60, { Statistics: ['Sum'] })).rejects.toThrow(/exceeds the limit of 1,440/);
  });
});
