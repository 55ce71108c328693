// The local cloud's metric store: per-second buckets, statistics by period, percentiles from the
// log-scale histogram, bounded retention, and snapshots.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MetricStore,
  ValueSet,
  parseStatistic,
  type MetricStoreSnapshot,
  type Statistic,
} from '../../local/aws/metric-store.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const MIN = 60_000;
const TG = { TargetGroup: 'targetgroup/web-blue/0123456789abcdef' };
const metric = { namespace: 'AWS/ApplicationELB', name: 'TargetResponseTime', dimensions: TG };

const stat = (text: string): Statistic => parseStatistic(text)!;

describe('MetricStore', () => {
  it('aggregates values by period: Sum, SampleCount, Average, Minimum, Maximum', () => {
    const store = new MetricStore();
    store.record('AWS/ApplicationELB', 'RequestCount', TG, T0 + 5_000, 10);
    store.record('AWS/ApplicationELB', 'RequestCount', TG, T0 + 30_000, { values: [2, 4], counts: [1, 3] });
    store.record('AWS/ApplicationELB', 'RequestCount', TG, T0 + MIN + 1_000, 7);
    const id = { namespace: 'AWS/ApplicationELB', name: 'RequestCount', dimensions: TG };

    const stats = store.aggregate(id, T0, T0 + 2 * MIN, 60);
    expect(stats).toHaveLength(2);
    expect(stats[0]).toMatchObject({ timestamp: T0, sampleCount: 5, sum: 24, minimum: 2, maximum: 10 });
    expect(stats[1]).toMatchObject({ timestamp: T0 + MIN, sampleCount: 1, sum: 7 });
    expect(store.query(id, T0, T0 + 2 * MIN, 60, stat('Average'))).toEqual([
      { timestamp: T0, value: 24 / 5 },
      { timestamp: T0 + MIN, value: 7 },
    ]);
  });

  it('matches dimensions exactly, in any order', () => {
    const store = new MetricStore();
    store.record('Cutover', 'Errors', { B: '2', A: '1' }, T0, 3);
    expect(
      store.query(
        { namespace: 'Cutover', name: 'Errors', dimensions: { A: '1', B: '2' } },
        T0,
        T0 + MIN,
        60,
        stat('Sum'),
      ),
    ).toEqual([{ timestamp: T0, value: 3 }]);
    expect(
      store.query(
        { namespace: 'Cutover', name: 'Errors', dimensions: { A: '1' } },
        T0,
        T0 + MIN,
        60,
        stat('Sum'),
      ),
    ).toEqual([]);
  });

  it('counts only data before the end of the range: [start, end)', () => {
    const store = new MetricStore();
    store.record('N', 'M', {}, T0 + 59_999, 1);
    store.record('N', 'M', {}, T0 + MIN, 100);
    const id = { namespace: 'N', name: 'M', dimensions: {} };
    expect(store.query(id, T0, T0 + MIN, 60, stat('Sum'))).toEqual([{ timestamp: T0, value: 1 }]);
  });

  it('estimates p50, p90, p99 within 1 % from raw values', () => {
    const store = new MetricStore();
    const values = Array.from({ length: 1000 }, (_, i) => (i + 1) / 1000); // 0.001 … 1.000 s
    store.record(metric.namespace, metric.name, TG, T0, { values });
    const [stats] = store.aggregate(metric, T0, T0 + MIN, 60);
    for (const [p, exact] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p99', 0.99],
      ['p99.9', 0.999],
    ] as const) {
      const estimate = store.query(metric, T0, T0 + MIN, 60, stat(p))[0]!.value;
      expect(Math.abs(estimate - exact) / exact, p).toBeLessThan(0.01);
    }
    expect(stats!.maximum).toBe(1);
  });

  it('gives the exact value for a percentile of identical values, and p100 is the maximum', () => {
    const store = new MetricStore();
    store.record('N', 'Latency', {}, T0, { values: [0.25], counts: [500] });
    store.record('N', 'Latency', {}, T0 + 1_000, 3);
    const id = { namespace: 'N', name: 'Latency', dimensions: {} };
    expect(store.query(id, T0, T0 + MIN, 60, stat('p50'))[0]!.value).toBe(0.25);
    expect(store.query(id, T0, T0 + MIN, 60, stat('p100'))[0]!.value).toBe(3);
  });

  it('has no percentiles for negative values or for statistic sets of differing values, as CloudWatch', () => {
    const store = new MetricStore();
    store.record('N', 'Negative', {}, T0, { values: [1, -1] });
    store.record('N', 'Set', {}, T0, { sampleCount: 3, sum: 6, minimum: 1, maximum: 3 });
    store.record('N', 'Uniform', {}, T0, { sampleCount: 4, sum: 8, minimum: 2, maximum: 2 });
    const q = (name: string, s: string) =>
      store.query({ namespace: 'N', name, dimensions: {} }, T0, T0 + MIN, 60, stat(s));
    expect(q('Negative', 'p50')).toEqual([]);
    expect(q('Negative', 'Sum')).toEqual([{ timestamp: T0, value: 0 }]);
    expect(q('Set', 'p90')).toEqual([]);
    expect(q('Set', 'Average')).toEqual([{ timestamp: T0, value: 2 }]);
    expect(q('Uniform', 'p90')).toEqual([{ timestamp: T0, value: 2 }]);
  });

  it('keeps only the retention window of each series, measured from its newest data', () => {
    const store = new MetricStore({ retentionMs: 10 * MIN });
    const id = { namespace: 'N', name: 'M', dimensions: {} };
    for (let minute = 0; minute <= 30; minute += 1) store.record('N', 'M', {}, T0 + minute * MIN, minute);
    const kept = store.query(id, T0, T0 + 31 * MIN, 60, stat('Sum'));
    expect(kept.map((p) => p.value)).toEqual([21, 22, 23, 24, 25, 26, 27, 28, 29, 30]);
    store.record('N', 'M', {}, T0, 999); // far older than the window: dropped
    expect(store.query(id, T0, T0 + MIN, 60, stat('Sum'))).toEqual([]);
  });

  it('parses the statistics CloudWatch names, and refuses others', () => {
    expect(parseStatistic('Sum')).toEqual({ kind: 'Sum' });
    expect(parseStatistic('p99')).toEqual({ kind: 'percentile', p: 99 });
    expect(parseStatistic('p99.9')).toEqual({ kind: 'percentile', p: 99.9 });
    expect(parseStatistic('p0')).toBeUndefined();
    expect(parseStatistic('p101')).toBeUndefined();
    expect(parseStatistic('tm99')).toBeUndefined();
    expect(parseStatistic('sum')).toBeUndefined();
  });

  it('restores a snapshot to the same answers (round trip through JSON)', () => {
    const store = new MetricStore();
    store.record('N', 'Latency', { Service: 'web' }, T0, { values: [0.1, 0.2, 0.3, 5] }, 'Seconds');
    store.record('N', 'Latency', { Service: 'web' }, T0 + MIN, {
      sampleCount: 2,
      sum: 4,
      minimum: 1,
      maximum: 3,
    });
    const copy = new MetricStore();
    copy.restore(JSON.parse(JSON.stringify(store.snapshot())) as MetricStoreSnapshot);
    const id = { namespace: 'N', name: 'Latency', dimensions: { Service: 'web' } };
    for (const s of ['Sum', 'SampleCount', 'Minimum', 'Maximum', 'p50', 'p99']) {
      expect(copy.query(id, T0, T0 + 2 * MIN, 60, stat(s)), s).toEqual(
        store.query(id, T0, T0 + 2 * MIN, 60, stat(s)),
      );
    }
    expect(copy.unit(id)).toBe('Seconds');
  });

  it('property: Sum, SampleCount, Minimum and Maximum over any period equal those of the raw values', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 599_999 }), fc.integer({ min: -1000, max: 1000 })), {
          maxLength: 80,
        }),
        fc.constantFrom(1, 10, 60, 300),
        (points, period) => {
          const store = new MetricStore();
          for (const [offset, value] of points) store.record('N', 'M', {}, T0 + offset, value);
          const id = { namespace: 'N', name: 'M', dimensions: {} };
          const stats = store.aggregate(id, T0, T0 + 10 * MIN, period);
          expect(stats.reduce((a, s) => a + s.sampleCount, 0)).toBe(points.length);
          for (const s of stats) {
            const inside = points
              .filter(([offset]) => T0 + offset >= s.timestamp && T0 + offset < s.timestamp + period * 1000)
              .map(([, v]) => v);
            expect(s.sum).toBe(inside.reduce((a, b) => a + b, 0));
            expect(s.minimum).toBe(Math.min(...inside));
            expect(s.maximum).toBe(Math.max(...inside));
          }
        },
      ),
    );
  });

  it('property: a percentile estimate lies within [min, max] and within 1 % of the nearest-rank value', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0.001, max: 10_000, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 1, max: 100 }),
        (values, p) => {
          const store = new MetricStore();
          store.record('N', 'M', {}, T0, { values });
          const estimate = store.query(
            { namespace: 'N', name: 'M', dimensions: {} },
            T0,
            T0 + MIN,
            60,
            stat(`p${p}`),
          )[0]!.value;
          const sorted = [...values].sort((a, b) => a - b);
          const exact = sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1]!;
          expect(estimate).toBeGreaterThanOrEqual(sorted[0]!);
          expect(estimate).toBeLessThanOrEqual(sorted.at(-1)!);
          expect(Math.abs(estimate - exact) / exact).toBeLessThan(0.01);
        },
      ),
    );
  });

  // The simulated world gathers each minute of its traffic in a ValueSet and records it once.
  const part = fc.record({
    values: fc.array(fc.double({ min: -1, max: 1e4, noNaN: true }), { maxLength: 20 }),
    counts: fc.option(fc.array(fc.double({ min: -1, max: 50, noNaN: true }), { maxLength: 20 }), {
      nil: undefined,
    }),
  });

  it('property: values gathered in a ValueSet and recorded once read as recording each part', () => {
    fc.assert(
      fc.property(fc.array(part, { maxLength: 6 }), (parts) => {
        const [each, once] = [new MetricStore(), new MetricStore()];
        const gathered = new ValueSet();
        for (const { values, counts } of parts) {
          each.record(metric.namespace, metric.name, TG, T0, counts ? { values, counts } : { values });
          gathered.add(values, counts);
        }
        once.record(metric.namespace, metric.name, TG, T0, gathered);
        const [a, b] = [each.aggregate(metric, T0, T0 + MIN, 60), once.aggregate(metric, T0, T0 + MIN, 60)];
        expect(b.length).toBe(a.length);
        if (a.length === 0) return;
        const [x, y] = [a[0]!, b[0]!];
        // Counts may be fractions: added in another order, their sum may differ in its last bits.
        expect(Math.abs(y.sampleCount - x.sampleCount)).toBeLessThanOrEqual(
          1e-9 * Math.max(1, x.sampleCount),
        );
        expect([y.minimum, y.maximum]).toEqual([x.minimum, x.maximum]);
        expect(y.sum).toBeCloseTo(x.sum, 6);
        expect(y.histogram === undefined).toBe(x.histogram === undefined);
        if (x.histogram === undefined || y.histogram === undefined) return;
        const bins = (h: Float64Array) => [...h].filter((_, i) => i % 3 === 0);
        expect(bins(y.histogram)).toEqual(bins(x.histogram));
        for (const p of [1, 50, 90, 99, 100])
          expect(each.query(metric, T0, T0 + MIN, 60, stat(`p${p}`))[0]!.value).toBeCloseTo(
            once.query(metric, T0, T0 + MIN, 60, stat(`p${p}`))[0]!.value,
            9,
          );
      }),
    );
  });

  it('property: what the journal is told of an addition is the JSON of the bucket a snapshot holds', () => {
    fc.assert(
      fc.property(fc.array(part, { minLength: 1, maxLength: 4 }), (parts) => {
        const store = new MetricStore();
        const told: string[] = [];
        store.onAdd = (_id, _unit, _second, bucketJson) => told.push(bucketJson);
        parts.forEach(({ values, counts }, i) =>
          store.record(
            metric.namespace,
            metric.name,
            TG,
            T0 + i * 1000,
            counts ? { values, counts } : { values },
          ),
        );
        const held = store.snapshot().series.flatMap((s) => s.buckets.map((b) => JSON.stringify(b)));
        expect(told).toEqual(held);
      }),
    );
  });
});
