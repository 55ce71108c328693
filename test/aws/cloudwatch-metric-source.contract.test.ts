// Contract tests of CloudWatchMetricSource against real CloudWatch emulators: the local cloud's
// CloudWatch (local/aws/cloudwatch.ts behind the local AWS endpoint) and moto_server (skipped, and
// reported as skipped, where it is not installed). Two target groups behind one load balancer get
// distinct traffic per minute, with a gap minute and a minute with requests but no 5xx; every case
// runs on both emulators, and a case an emulator gets wrong is marked with the gap.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudWatchMetricSource } from '../../shared/aws/cloudwatch-metric-source.js';
import { analysisMetricSchema, type AnalysisMetric } from '../../shared/domain/catalog-schema.js';
import {
  METRICS_EMULATORS,
  type Datapoint,
  type MetricsCloud,
  type MetricsEmulatorName,
} from '../support/cloudwatch-emulators.js';

const ELB = 'arn:aws:elasticloadbalancing:us-east-1:123456789012';
const LOAD_BALANCER = 'app/web/50dc6c495c0c9188';
const RULE = `${ELB}:listener-rule/${LOAD_BALANCER}/f2f7dc8efc522ab2/9683b2d02a6cabee`;
const group = (name: string, id: string) => ({
  targetGroupArn: `${ELB}:targetgroup/${name}/${id}`,
  listenerArn: RULE,
});
const A = group('web-a', '0123456789abcdef');
const B = group('web-b', 'fedcba9876543210');
const QUIET = group('web-c', '00000000000000aa');
const T0 = Date.parse('2026-03-02T10:00:00Z');
const MINUTE = 60_000;
const WINDOW = { start: T0, end: T0 + 4 * MINUTE };
const SHOP = 'Cutover/Checkout';

/** Per minute: requests, 5xx (absent: none), p50 and p99 response time (s), approved and declined checkouts. */
type Minute = [
  requests: number,
  errors: number | undefined,
  p50: number,
  p99: number,
  approved: number,
  declined: number,
];
const TRAFFIC: Record<string, Record<number, Minute>> = {
  [A.targetGroupArn]: {
    [-1]: [10, 10, 9, 9, 1, 9], // before the window
    0: [100, 5, 0.125, 2, 90, 10],
    1: [50, undefined, 0.25, 3, 45, 5], // requests, no 5xx: 0 %
    // minute 2: no data at all
    3: [80, 8, 0.5, 5, 60, 20],
    4: [1000, 1000, 9, 9, 1, 9], // the window's end: excluded
  },
  [B.targetGroupArn]: {
    0: [200, 2, 0.375, 1.5, 150, 50],
    1: [40, 4, 0.625, 2.5, 30, 10],
    2: [10, 1, 0.75, 3.5, 9, 1],
    3: [100, undefined, 0.875, 4.5, 99, 1],
  },
};

const metric = (name: string, source: unknown): AnalysisMetric =>
  analysisMetricSchema.parse({ name, source });
const shop = (id: string, metricName = id) => ({ id, namespace: SHOP, metricName, stat: 'Sum' });
const ERROR_RATE = metric('error-rate', { builtin: 'error-rate' });
const P50 = metric('p50', { builtin: 'latency-p50' });
const P99 = metric('p99', { builtin: 'latency-p99' });
const DECLINE_RATE = metric('decline-rate', {
  expression: '100 * declined / (approved + declined)',
  inputs: [shop('approved'), shop('declined')],
});
const CHECKOUTS = metric('checkouts', {
  expression: 'SUM(METRICS())',
  inputs: [shop('ok', 'approved'), shop('no', 'declined')],
});
const approvedOnly = (name: string, metricName = 'approved') =>
  metric(name, { expression: 'count', inputs: [shop('count', metricName)] });

function traffic(): Datapoint[] {
  return Object.entries(TRAFFIC).flatMap(([targetGroupArn, minutes]) => {
    const dimensions = { TargetGroup: targetGroupArn.replace(/^.*:/, ''), LoadBalancer: LOAD_BALANCER };
    return Object.entries(minutes).flatMap(([minute, [requests, errors, p50, p99, approved, declined]]) => {
      const at = T0 + Number(minute) * MINUTE + 30_000;
      const point = (
        namespace: string,
        metricName: string,
        value: Datapoint['value'],
        unit: Datapoint['unit'],
      ) => ({ namespace, metricName, dimensions, at, value, unit }) as Datapoint;
      return [
        point('AWS/ApplicationELB', 'RequestCount', requests, 'Count'),
        ...(errors === undefined
          ? []
          : [point('AWS/ApplicationELB', 'HTTPCode_Target_5XX_Count', errors, 'Count')]),
        // 98 fast requests and 2 slow ones: p50 is the fast time and p99 the slow one, however ranked.
        point('AWS/ApplicationELB', 'TargetResponseTime', { values: [p50, p99], counts: [98, 2] }, 'Seconds'),
        point(SHOP, 'approved', approved, 'Count'),
        point(SHOP, 'declined', declined, 'Count'),
      ];
    });
  });
}

for (const emulator of METRICS_EMULATORS) {
  describe.skipIf(!emulator.available)(`CloudWatchMetricSource on ${emulator.name}`, () => {
    let cloud: MetricsCloud;
    let source: CloudWatchMetricSource;
    /** A case that this emulator gets wrong; each use says how, and which AWS document it breaks. */
    const itUnlessGapOn = (gapOn: MetricsEmulatorName) => (gapOn === emulator.name ? it.fails : it);

    beforeAll(async () => {
      cloud = await emulator.start(T0 + 60 * MINUTE);
      source = new CloudWatchMetricSource(cloud.client);
      await cloud.publish(traffic());
    });

    afterAll(async () => {
      await cloud?.stop();
    });

    // known moto gap: moto 5.2 evaluates no metric math (an expression that is not just the id of
    // another query comes back with no values), and answers a percentile statistic (p50, p99) with a
    // 500 Internal Server Error, vs AWS documents metric math and pNN statistics in GetMetricData, see
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html and
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html
    itUnlessGapOn('moto_server')(
      'error-rate: 100 × 5xx / requests per minute, 0 % without 5xx, none without requests',
      async () => {
        expect(await source.series([ERROR_RATE], A, WINDOW, 60)).toMatchObject([
          { name: 'error-rate', values: [5, 0, 10] },
        ]);
        expect(await source.series([ERROR_RATE], B, WINDOW, 60)).toMatchObject([
          { name: 'error-rate', values: [1, 10, 10, 0] },
        ]);
      },
    );

    // known moto gap: a 500 for any percentile statistic (see above).
    itUnlessGapOn('moto_server')(
      'latency-p50 and latency-p99: TargetResponseTime percentiles in seconds',
      async () => {
        expect(await source.series([P50, P99], A, WINDOW, 60)).toMatchObject([
          { name: 'p50', values: [0.125, 0.25, 0.5] },
          { name: 'p99', values: [2, 3, 5] },
        ]);
        expect(await source.series([P99, P50], B, WINDOW, 60)).toMatchObject([
          { name: 'p99', values: [1.5, 2.5, 3.5, 4.5] },
          { name: 'p50', values: [0.375, 0.625, 0.75, 0.875] },
        ]);
      },
    );

    // known moto gap: no metric math (see above).
    itUnlessGapOn('moto_server')(
      "custom metric math over the catalog's inputs, on the target group's dimensions",
      async () => {
        expect(await source.series([DECLINE_RATE], A, WINDOW, 60)).toMatchObject([
          { name: 'decline-rate', values: [10, 10, 25] },
        ]);
        expect(await source.series([DECLINE_RATE], B, WINDOW, 60)).toMatchObject([
          { name: 'decline-rate', values: [25, 25, 10, 1] },
        ]);
      },
    );

    // known moto gap: no metric math (see above).
    itUnlessGapOn('moto_server')(
      "METRICS() takes in the metric's own inputs, not the other metrics' of the call",
      async () => {
        const series = await source.series([ERROR_RATE, CHECKOUTS, DECLINE_RATE], B, WINDOW, 60);
        expect(series).toMatchObject([
          { name: 'error-rate', values: [1, 10, 10, 0] },
          { name: 'checkouts', values: [200, 40, 10, 100] },
          { name: 'decline-rate', values: [25, 25, 10, 1] },
        ]);
      },
    );

    it('returns the series in the order of the metrics, each under its name', async () => {
      const metrics = [approvedOnly('declined', 'declined'), approvedOnly('approved'), approvedOnly('again')];
      expect(await source.series(metrics, B, WINDOW, 60)).toMatchObject([
        { name: 'declined', values: [50, 10, 1, 1] },
        { name: 'approved', values: [150, 30, 9, 99] },
        { name: 'again', values: [150, 30, 9, 99] },
      ]);
    });

    it('returns an empty series for each metric of a target group without data', async () => {
      const metrics = [ERROR_RATE, P50, P99, DECLINE_RATE, approvedOnly('approved')];
      expect(await source.series(metrics, QUIET, WINDOW, 60)).toMatchObject(
        metrics.map((m) => ({ name: m.name, values: [] })),
      );
    });

    it('includes the period at the start of the window and excludes the one at its end', async () => {
      const approved = [approvedOnly('approved')];
      const [inWindow] = await source.series(approved, A, WINDOW, 60);
      expect(inWindow).toMatchObject({ name: 'approved', values: [90, 45, 60] });
      // Each value carries the start of its period; minute 2 had no data, so it is left out.
      expect(inWindow!.timestamps).toEqual([T0, T0 + MINUTE, T0 + 3 * MINUTE]);
      const wider = { start: T0 - MINUTE, end: T0 + 5 * MINUTE };
      expect(await source.series(approved, A, wider, 60)).toMatchObject([
        { name: 'approved', values: [1, 90, 45, 60, 1] },
      ]);
      const inner = { start: T0 + MINUTE, end: T0 + 3 * MINUTE };
      expect(await source.series(approved, A, inner, 60)).toMatchObject([{ name: 'approved', values: [45] }]);
    });

    /** Metric `hits<k>` of target group A, for each of `metrics`: `value(k, i)` at `times[i]`. */
    function publishHits(metrics: number, times: readonly number[], value: (k: number, i: number) => number) {
      const dimensions = { TargetGroup: A.targetGroupArn.replace(/^.*:/, ''), LoadBalancer: LOAD_BALANCER };
      const point = (k: number, at: number, i: number): Datapoint => {
        return { namespace: SHOP, metricName: `hits${k}`, dimensions, at, value: value(k, i), unit: 'Count' };
      };
      return cloud.publish(
        Array.from({ length: metrics }, (_, k) => times.map((at, i) => point(k, at, i))).flat(),
      );
    }

    it('reads more than 500 queries, in calls of at most 500, every value under its metric', async () => {
      const window = { start: T0 + 10 * MINUTE, end: T0 + 13 * MINUTE };
      await publishHits(
        260,
        [window.start + 30_000, window.start + 2 * MINUTE + 30_000],
        (k, i) => k * 10 + i,
      );
      const hits = Array.from({ length: 260 }, (_, k) => approvedOnly(`hits-${k}`, `hits${k}`)); // 2 queries each

      const series = await source.series(hits, A, window, 60);

      expect(series).toMatchObject(hits.map((m, k) => ({ name: m.name, values: [k * 10, k * 10 + 1] })));
    });

    it('reads a long window, two days of minutes, every value in order', async () => {
      // On AWS a window this long (or many metrics) comes back in pages with NextToken; neither
      // emulator pages GetMetricData (see the adapter's unit test for paging).
      const window = { start: T0 - 3 * 1440 * MINUTE, end: T0 - 1440 * MINUTE };
      const times = Array.from({ length: 48 }, (_, h) => window.start + h * 60 * MINUTE + 30_000);
      await publishHits(3, times, (k, h) => k * 1000 + h);
      const hits = [0, 1, 2].map((k) => approvedOnly(`hits-${k}`, `hits${k}`));

      const series = await source.series(hits, A, window, 60);

      expect(series).toMatchObject(
        hits.map((m, k) => ({ name: m.name, values: times.map((_, h) => k * 1000 + h) })),
      );
    });
  });
}
