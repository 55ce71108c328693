// The local CloudWatch behind createAwsServer (AWS JSON 1.0, query-compatible errors), reached by
// the production SDK v3 client, for the test files of test/local/cloudwatch-*.test.ts.
// useCloudWatchWorld() starts one server for the file and gives each test a fresh LocalCloudWatch
// behind it, its simulated clock stopped at T0 until the test moves it.

import type { Server } from 'node:http';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricStatisticsCommand,
  type GetMetricStatisticsCommandInput,
  type GetMetricStatisticsCommandOutput,
  type MetricAlarm,
  type PutMetricAlarmCommandInput,
} from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import { LocalCloudWatch, type AlarmStateChangeEvent } from '../../local/aws/cloudwatch.js';
import { createAwsServer } from '../../local/aws/server.js';
import type { LocalService } from '../../local/aws/service.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';

export const T0 = Date.parse('2026-01-01T00:00:00Z');
export const MINUTE = 60_000;
export const ACCOUNT = '123456789012';
export const TARGET_GROUP = 'targetgroup/web-green/0123456789abcdef';
export const ELB = 'AWS/ApplicationELB';

/** The route the server answers CloudWatch on; tests serving a LocalCloudWatch of their own copy it. */
export type CloudWatchRoute = { service: LocalService; contentType: string; queryCompatible: boolean };

/** More than 5 % of requests to the green target group fail, in 2 of the last 3 minutes. */
export const errorRateAlarm: PutMetricAlarmCommandInput = {
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

export interface CloudWatchWorld {
  readonly route: CloudWatchRoute;
  /** Set by the file's beforeAll. */
  client: CloudWatchClient;
  /** Fresh for each test (beforeEach), as are cw and events. */
  clock: ManualClock;
  cw: LocalCloudWatch;
  /** Every state change event `cw` emitted, oldest first. */
  events: AlarmStateChangeEvent[];
  /** Advances the simulated clock to `minutes` after T0 plus one second, and evaluates. */
  at: (minutes: number) => AlarmStateChangeEvent[];
  /** One minute of target group traffic from the simulator. */
  traffic: (minute: number, requests: number, errors: number) => void;
  /** The alarm DescribeAlarms answers for `name`, if any. */
  describeOne: (name: string) => Promise<MetricAlarm | undefined>;
  /** GetMetricStatistics of the green group's TargetResponseTime from T0 for `minutes`, a minute a period. */
  responseTime: (
    minutes: number,
    statistics: Pick<GetMetricStatisticsCommandInput, 'Statistics' | 'ExtendedStatistics'>,
  ) => Promise<GetMetricStatisticsCommandOutput>;
}

/** One server for the file, started before its tests and stopped after; a fresh LocalCloudWatch each test. */
export function useCloudWatchWorld(): CloudWatchWorld {
  const route: CloudWatchRoute = {
    service: { name: 'monitoring', operations: {} },
    contentType: 'application/x-amz-json-1.0',
    queryCompatible: true,
  };
  // client, clock, cw and events are set by the hooks below, before any test reads them.
  const world = {
    route,
    at(minutes: number) {
      world.clock.advanceBy(T0 + minutes * MINUTE + 1_000 - world.clock.now());
      return world.cw.evaluate();
    },
    traffic(minute: number, requests: number, errors: number) {
      const t = T0 + minute * MINUTE + 30_000;
      world.cw.record(ELB, 'RequestCount', { TargetGroup: TARGET_GROUP }, t, requests, 'Count');
      if (errors > 0)
        world.cw.record(ELB, 'HTTPCode_Target_5XX_Count', { TargetGroup: TARGET_GROUP }, t, errors, 'Count');
    },
    async describeOne(name: string) {
      return (await world.client.send(new DescribeAlarmsCommand({ AlarmNames: [name] }))).MetricAlarms?.[0];
    },
    responseTime(minutes, statistics) {
      return world.client.send(
        new GetMetricStatisticsCommand({
          Namespace: ELB,
          MetricName: 'TargetResponseTime',
          Dimensions: [{ Name: 'TargetGroup', Value: TARGET_GROUP }],
          StartTime: new Date(T0),
          EndTime: new Date(T0 + minutes * MINUTE),
          Period: 60,
          ...statistics,
        }),
      );
    },
  } as CloudWatchWorld;
  let server: Server;

  beforeAll(async () => {
    const port = await freePort();
    server = createAwsServer({ json: { GraniteServiceVersion20100801: route }, query: {} });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    world.client = new CloudWatchClient(emulatorClientConfig(`http://127.0.0.1:${port}`));
  });

  beforeEach(() => {
    world.clock = new ManualClock(T0);
    world.events = [];
    world.cw = new LocalCloudWatch({
      clock: world.clock,
      region: 'us-east-1',
      account: ACCOUNT,
      onStateChange: (e) => world.events.push(e),
    });
    route.service = world.cw.service;
  });

  afterAll(async () => {
    world.client?.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  return world;
}
