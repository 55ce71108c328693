// The statistics the local CloudWatch computes, as pure functions: the syntax of percentile rank
// PR(a:b) and trimmed count TC(a:b), TC(a%:b%), tcNN, and their values over one period, estimated
// from the period's log-scale histogram. Example tests for the documented semantics (lower bound
// left out, upper bound counted), and properties for the promises any period keeps.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PeriodStats } from '../../local/aws/metric-store.js';
import {
  parseStatistic,
  readStatistic,
  statisticValue,
  type Statistic,
} from '../../local/aws/metric-statistics.js';
import { ValueSet } from '../../local/aws/metric-values.js';

/** One period holding `values` (each `counts[i]` times), as the store aggregates it. */
function period(values: readonly number[], counts?: readonly number[]): PeriodStats {
  const b = new ValueSet().add(values, counts).bucket()!;
  return {
    timestamp: 0,
    sampleCount: b.count,
    sum: b.sum,
    minimum: b.min,
    maximum: b.max,
    ...(b.hist === undefined ? {} : { histogram: b.hist }),
  };
}

const value = (stats: PeriodStats, text: string) => statisticValue(stats, parseStatistic(text)!);

describe('parseStatistic: PR and TC', () => {
  it('reads the documented forms, one-sided and two-sided', () => {
    const cases: Array<[string, Statistic]> = [
      ['PR(:300)', { kind: 'percentileRank', bounds: { upper: 300 } }],
      ['PR(100:2000)', { kind: 'percentileRank', bounds: { lower: 100, upper: 2000 } }],
      ['PR(0.5:)', { kind: 'percentileRank', bounds: { lower: 0.5 } }],
      ['PR(:0)', { kind: 'percentileRank', bounds: { upper: 0 } }],
      ['TC(0.005:0.030)', { kind: 'trimmedCount', bounds: { lower: 0.005, upper: 0.03 }, percent: false }],
      ['TC(:0.5)', { kind: 'trimmedCount', bounds: { upper: 0.5 }, percent: false }],
      ['TC(80:)', { kind: 'trimmedCount', bounds: { lower: 80 }, percent: false }],
      ['TC(10%:90%)', { kind: 'trimmedCount', bounds: { lower: 10, upper: 90 }, percent: true }],
      ['TC(:95%)', { kind: 'trimmedCount', bounds: { upper: 95 }, percent: true }],
      ['TC(0%:)', { kind: 'trimmedCount', bounds: { lower: 0 }, percent: true }],
      ['tc90', { kind: 'trimmedCount', bounds: { upper: 90 }, percent: true }],
      ['tc99.5', { kind: 'trimmedCount', bounds: { upper: 99.5 }, percent: true }],
      ['p99', { kind: 'percentile', p: 99 }],
      ['Sum', { kind: 'Sum' }],
    ];
    for (const [text, expected] of cases) expect(parseStatistic(text), text).toEqual(expected);
  });

  it('refuses malformed forms, saying why', () => {
    const cases: Array<[string, RegExp]> = [
      ['PR(a:b)', /write PR\(a:b\)/],
      ['PR(5)', /write PR\(a:b\)/],
      ['PR(3:1)', /lower bound must be below the upper/],
      ['PR(2:2)', /lower bound must be below the upper/],
      ['PR(:)', /at least one bound/],
      ['PR()', /write PR\(a:b\)/],
      ['PR(10%:90%)', /PR takes values, not percentages/],
      ['PR(-1:2)', /write PR\(a:b\)/],
      ['PR(:1e3)', /write PR\(a:b\)/],
      ['PR(:0.12345678901)', /up to 10 decimal places/],
      ['PR( 1:2)', /write PR\(a:b\)/],
      ['TC(10%:0.5)', /both bounds must be percentages, or neither/],
      ['TC(50%:120%)', /at most 100%/],
      ['TC(:0%)', /lower bound must be below the upper/],
      ['TC(100%:)', /lower bound must be below the upper/],
      ['tc0', /above 0 and at most 100/],
      ['tc101', /above 0 and at most 100/],
      // Ranges are written in capitals, a single number in lowercase, as the documentation spells them.
      ['pr(:1)', /use SampleCount/],
      ['TC90', /use SampleCount/],
    ];
    for (const [text, reason] of cases) {
      expect(parseStatistic(text), text).toBeUndefined();
      expect(readStatistic(text), text).toMatch(reason);
    }
  });
});

describe('statisticValue: PR and TC over a period', () => {
  // 100 values; every bin holds one value, put many times.
  const stats = period([0.05, 0.1, 0.2, 0.3, 2.5], [40, 30, 20, 9, 1]);

  it('counts the values in (lower, upper]: a value equal to the upper bound counts, one equal to the lower does not', () => {
    expect(value(stats, 'PR(:0.15)')).toBe(70);
    expect(value(stats, 'PR(:0.2)')).toBe(90);
    expect(value(stats, 'PR(0.2:)')).toBe(10);
    expect(value(stats, 'PR(0.1:0.3)')).toBe(29);
    expect(value(stats, 'TC(0.1:0.3)')).toBe(29);
    expect(value(stats, 'TC(0.05:0.1)')).toBe(30);
    expect(value(stats, 'PR(:0.05)')).toBe(40); // the minimum itself
    expect(value(stats, 'PR(2.5:)')).toBe(0); // the maximum is not above itself
    expect(value(stats, 'PR(:2.5)')).toBe(100);
    expect(value(stats, 'PR(:0.01)')).toBe(0);
  });

  it('counts zeros at a bound of 0', () => {
    const zeros = period([0, 1], [2, 1]);
    expect(value(zeros, 'TC(:0)')).toBe(2);
    expect(value(zeros, 'TC(0:)')).toBe(1);
  });

  it('interpolates within a bin of different values, rising to the whole bin at its mean', () => {
    // 1.001 … 1.008 (mean 1.0045) share the bin (1, 1.01]: below the mean the count rises evenly
    // from 1.0, the lowest their spread around the mean can reach; from the mean on it is the
    // whole bin. Each estimate is within the bin's 4 values of the exact count.
    const spread = period([0.5, 1.001, 1.003, 1.006, 1.008, 2]);
    const thresholds = [0.9, 1.0005, 1.002, 1.004, 1.0045, 1.009, 1.5];
    expect(thresholds.map((q) => value(spread, `TC(:${q})`))).toEqual([1, 1, 3, 5, 5, 5, 5]);
    expect(thresholds.map((q) => value(spread, `TC(${q}:)`))).toEqual([5, 5, 3, 1, 1, 1, 1]);
  });

  it('counts by rank for percentages: TC(a%:b%) and tcNN trim the lowest a % and the values above b %', () => {
    const ten = period([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(value(ten, 'tc90')).toBe(9);
    expect(value(ten, 'TC(:90%)')).toBe(9);
    expect(value(ten, 'TC(10%:90%)')).toBe(8);
    expect(value(ten, 'TC(25%:75%)')).toBe(5); // ranks 4 to 8: p25 is the 3rd value, p75 the 8th
    expect(value(ten, 'TC(:95%)')).toBe(10); // p95 is the 10th value
    expect(value(ten, 'TC(90%:)')).toBe(1);
  });

  it('gives no value where percentiles have none: a statistic set of unequal values, or negative values', () => {
    const statisticSet: PeriodStats = { timestamp: 0, sampleCount: 4, sum: 40, minimum: 5, maximum: 15 };
    const negative = period([-1, 2, 3]);
    for (const text of ['PR(:10)', 'TC(1:)', 'TC(10%:90%)', 'tc90', 'p50']) {
      expect(value(statisticSet, text), text).toBeUndefined();
      expect(value(negative, text), text).toBeUndefined();
    }
    expect(value(statisticSet, 'SampleCount')).toBe(4);
  });
});

describe('statisticValue: properties of PR and TC', () => {
  /** 0.001 to 1000, in steps of 0.0001: numbers a bound can be written as (up to 10 decimals). */
  const number$ = fc.integer({ min: 10, max: 10_000_000 }).map((n) => n / 10_000);
  /** 1 to 1.02, a few bins of 1 %: values that share bins, and thresholds inside them. */
  const nearOne$ = fc.integer({ min: 10_000, max: 10_200 }).map((n) => n / 10_000);
  /** Values and their counts, and two thresholds that are often among the values. */
  const period$ = fc
    .array(fc.tuple(fc.oneof(number$, nearOne$), fc.integer({ min: 1, max: 5 })), {
      minLength: 1,
      maxLength: 60,
    })
    .chain((pairs) => {
      const threshold$ = fc.oneof(number$, nearOne$, fc.constantFrom(...pairs.map(([v]) => v)));
      return fc.record({ pairs: fc.constant(pairs), a: threshold$, b: threshold$ });
    });

  it('TC(:q) + TC(q:) is the sample count, PR(:q) is 100·TC(:q)/SampleCount, and counts grow with q', () => {
    fc.assert(
      fc.property(period$, ({ pairs, a, b }) => {
        const stats = period(
          pairs.map(([v]) => v),
          pairs.map(([, n]) => n),
        );
        const at = (text: string) => value(stats, text)!;
        expect(at(`TC(:${a})`) + at(`TC(${a}:)`)).toBe(stats.sampleCount);
        expect(at(`PR(:${a})`)).toBeCloseTo((100 * at(`TC(:${a})`)) / stats.sampleCount, 9);
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(at(`TC(:${low})`)).toBeLessThanOrEqual(at(`TC(:${high})`));
        expect(at(`PR(:${high})`)).toBeLessThanOrEqual(100);
      }),
    );
  });

  it('TC(a:b) is off the exact count by at most the values in the bins of a and b (within 1 % of them)', () => {
    fc.assert(
      fc.property(period$, ({ pairs, a, b }) => {
        fc.pre(a !== b);
        const [low, high] = a < b ? [a, b] : [b, a];
        const stats = period(
          pairs.map(([v]) => v),
          pairs.map(([, n]) => n),
        );
        const sum = (keep: (v: number) => boolean) =>
          pairs.reduce((total, [v, n]) => total + (keep(v) ? n : 0), 0);
        const exact = sum((v) => v > low && v <= high);
        const near = (q: number) => (v: number) => v >= q / 1.0101 && v <= q * 1.0101;
        const blurred = sum(near(low)) + sum(near(high));
        const estimate = value(stats, `TC(${low}:${high})`)!;
        expect(Math.abs(estimate - exact)).toBeLessThanOrEqual(blurred);
      }),
    );
  });

  it('with percentages, TC(:q%) + TC(q%:) is the sample count and tcq is TC(:q%)', () => {
    fc.assert(
      fc.property(
        fc.array(number$, { minLength: 1, maxLength: 60 }),
        fc.integer({ min: 1, max: 99 }),
        (values, q) => {
          const stats = period(values);
          expect(value(stats, `TC(:${q}%)`)! + value(stats, `TC(${q}%:)`)!).toBe(values.length);
          expect(value(stats, `tc${q}`)).toBe(value(stats, `TC(:${q}%)`));
        },
      ),
    );
  });
});
