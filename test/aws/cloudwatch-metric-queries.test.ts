// The GetMetricData queries built for catalog metrics: ids, dimensions, statistics, and the
// catalog's metric math with its ids made unique. No emulator: the queries are plain data.

import { describe, expect, it } from 'vitest';
import { metricQueries, resultId } from '../../shared/aws/cloudwatch-metric-queries.js';
import { analysisMetricSchema, type AnalysisMetric } from '../../shared/domain/catalog-schema.js';

const DIMENSIONS = {
  TargetGroup: 'targetgroup/web-a/0123456789abcdef',
  LoadBalancer: 'app/web/50dc6c495c0c9188',
};
const ELB_DIMENSIONS = [
  { Name: 'TargetGroup', Value: 'targetgroup/web-a/0123456789abcdef' },
  { Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' },
];
const metric = (name: string, source: unknown): AnalysisMetric =>
  analysisMetricSchema.parse({ name, source });
const elbStat = (id: string, metricName: string, stat: string, period = 60) => ({
  Id: id,
  MetricStat: {
    Metric: { Namespace: 'AWS/ApplicationELB', MetricName: metricName, Dimensions: ELB_DIMENSIONS },
    Period: period,
    Stat: stat,
  },
});

describe('metricQueries', () => {
  it("error-rate: 100 × (target 5xx + the load balancer's own 5xx) / (requests + ELB 5xx), summed per period", () => {
    expect(metricQueries(metric('errors', { builtin: 'error-rate' }), 2, DIMENSIONS, 60)).toEqual([
      {
        Id: 'm2',
        Expression: '100 * (FILL(m2_errors, 0) + FILL(m2_elb, 0)) / (FILL(m2_requests, 0) + FILL(m2_elb, 0))',
        Label: 'errors',
        ReturnData: true,
      },
      { ...elbStat('m2_errors', 'HTTPCode_Target_5XX_Count', 'Sum'), ReturnData: false },
      { ...elbStat('m2_requests', 'RequestCount', 'Sum'), ReturnData: false },
      {
        // ALB publishes HTTPCode_ELB_5XX_Count per load balancer, never per target group.
        Id: 'm2_elb',
        MetricStat: {
          Metric: {
            Namespace: 'AWS/ApplicationELB',
            MetricName: 'HTTPCode_ELB_5XX_Count',
            Dimensions: [{ Name: 'LoadBalancer', Value: 'app/web/50dc6c495c0c9188' }],
          },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
    ]);
  });

  it.each([
    ['latency-p50', 'p50'],
    ['latency-p99', 'p99'],
  ])('%s: TargetResponseTime at %s, in one query', (builtin, stat) => {
    expect(metricQueries(metric('latency', { builtin }), 0, DIMENSIONS, 300)).toEqual([
      { ...elbStat('m0', 'TargetResponseTime', stat, 300), Label: 'latency', ReturnData: true },
    ]);
  });

  it("custom math: its inputs on the target group's dimensions, ids prefixed in the expression too", () => {
    const source = {
      expression: '100 * FILL(m1, 0) / (m1 + m2)',
      inputs: [
        { id: 'm1', namespace: 'Shop/Checkout', metricName: 'Declined', stat: 'Sum' },
        { id: 'm2', namespace: 'Shop/Checkout', metricName: 'Approved', stat: 'SampleCount' },
      ],
    };
    expect(metricQueries(metric('declines', source), 1, DIMENSIONS, 60)).toEqual([
      { Id: 'm1', Expression: '100 * FILL(m1_m1, 0) / (m1_m1 + m1_m2)', Label: 'declines', ReturnData: true },
      {
        Id: 'm1_m1',
        MetricStat: {
          Metric: { Namespace: 'Shop/Checkout', MetricName: 'Declined', Dimensions: ELB_DIMENSIONS },
          Period: 60,
          Stat: 'Sum',
        },
        ReturnData: false,
      },
      {
        Id: 'm1_m2',
        MetricStat: {
          Metric: { Namespace: 'Shop/Checkout', MetricName: 'Approved', Dimensions: ELB_DIMENSIONS },
          Period: 60,
          Stat: 'SampleCount',
        },
        ReturnData: false,
      },
    ]);
  });

  it('gives every query of a call an id of its own, of the form CloudWatch accepts', () => {
    const custom = (id: string) => ({
      expression: `${id} * 2`,
      inputs: [{ id, namespace: 'App', metricName: 'Hits', stat: 'Sum' }],
    });
    const metrics = [
      metric('a', { builtin: 'error-rate' }),
      metric('b', custom('m1')),
      metric('c', custom('m1')),
      metric('d', { builtin: 'latency-p99' }),
      ...Array.from({ length: 11 }, (_, i) => metric(`e${i}`, { builtin: 'error-rate' })),
    ];
    const ids = metrics.flatMap((m, i) => metricQueries(m, i, DIMENSIONS, 60).map((q) => q.Id!));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-zA-Z0-9_]*$/);
    expect(metrics.map((_, i) => resultId(i)).every((id) => ids.includes(id))).toBe(true);
  });

  it('returns data for the final query only', () => {
    const source = {
      expression: 'a + b',
      inputs: ['a', 'b'].map((id) => ({ id, namespace: 'App', metricName: id, stat: 'Sum' })),
    };
    const queries = metricQueries(metric('sum', source), 0, DIMENSIONS, 60);
    expect(queries.filter((q) => q.ReturnData).map((q) => q.Id)).toEqual(['m0']);
  });

  it('refuses two inputs with the same id', () => {
    const source = {
      expression: 'a * 2',
      inputs: [1, 2].map(() => ({ id: 'a', namespace: 'App', metricName: 'Hits', stat: 'Sum' })),
    };
    expect(() => metricQueries(metric('twice', source), 0, DIMENSIONS, 60)).toThrow(
      'analysis metric twice has two inputs with the id a',
    );
  });

  it('refuses an input id too long for CloudWatch once prefixed', () => {
    const id = `a${'b'.repeat(253)}`;
    const source = { expression: id, inputs: [{ id, namespace: 'App', metricName: 'Hits', stat: 'Sum' }] };
    expect(() => metricQueries(metric('long', source), 0, DIMENSIONS, 60)).toThrow(/shorten its input ids/);
  });
});
