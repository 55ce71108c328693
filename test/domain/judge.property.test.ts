// Properties of the canary judge that hold for any data.
//
// The series are integers (and the scale factors integers or powers of two) so that every
// shift, scaling and pairwise difference is exact in floating point: the properties then hold
// exactly, not merely up to rounding. Means are kept positive where the mean ratio matters,
// because Kayenta's effect size is the ratio of the means, which is not shift-invariant.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  classifyMetric,
  defaultRules,
  type MetricResult,
  type MetricRules,
} from '../../shared/domain/judge-classification.js';

const positiveSeries = fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 25 });
const anySeries = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 25 });
/** Pairs that often differ by a clear shift, so High and Low both occur. */
const shiftedPair = fc
  .tuple(positiveSeries, positiveSeries, fc.integer({ min: 0, max: 80 }), fc.boolean())
  .map(([a, b, shift, up]): [number[], number[]] =>
    up ? [a, b.map((v) => v + shift)] : [a.map((v) => v + shift), b],
  );

const neutral = (overrides: Partial<MetricRules> = {}): MetricRules => ({
  ...defaultRules('m'),
  direction: 'either',
  allowedIncrease: 1,
  allowedDecrease: 1,
  ...overrides,
});

/** What the rank test says about a metric: unchanged by a shift or (up to scale) by a scaling. */
function rankView(r: MetricResult) {
  return { classification: r.classification, u: r.u, pValue: r.pValue };
}

const flipped = {
  High: 'Low',
  Low: 'High',
  Pass: 'Pass',
  Nodata: 'Nodata',
  NodataFail: 'NodataFail',
} as const;

describe('judge properties', () => {
  it('swapping baseline and canary flips High and Low (and keeps Pass)', () => {
    const thresholds = fc.constantFrom(
      { allowedIncrease: 1, allowedDecrease: 1 },
      { allowedIncrease: 2, allowedDecrease: 0.5 },
      { allowedIncrease: 1.25, allowedDecrease: 0.8 },
    );
    let highs = 0;
    let lows = 0;
    fc.assert(
      fc.property(shiftedPair, thresholds, ([baseline, canary], t) => {
        const r = neutral(t);
        const forward = classifyMetric(baseline, canary, r);
        const backward = classifyMetric(canary, baseline, r);
        if (forward.classification === 'High') highs++;
        if (forward.classification === 'Low') lows++;
        expect(backward.classification).toBe(flipped[forward.classification]);
        expect(backward.u).toBe(baseline.length * canary.length - forward.u!);
        expect(backward.interval).toEqual([-forward.interval![1] + 0, -forward.interval![0] + 0]);
      }),
      { numRuns: 300 },
    );
    // The property was exercised on both sides, not only on Pass.
    expect(highs).toBeGreaterThan(20);
    expect(lows).toBeGreaterThan(20);
  });

  it('adding the same constant to both series changes nothing', () => {
    fc.assert(
      fc.property(shiftedPair, fc.integer({ min: 0, max: 10_000 }), ([baseline, canary], c) => {
        const r = neutral();
        const before = classifyMetric(baseline, canary, r);
        const after = classifyMetric(
          baseline.map((v) => v + c),
          canary.map((v) => v + c),
          r,
        );
        expect(rankView(after)).toEqual(rankView(before));
        expect(after.interval).toEqual(before.interval);
        expect(after.estimate).toBe(before.estimate);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a constant changes nothing for a one-sided metric either', () => {
    fc.assert(
      fc.property(
        shiftedPair,
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom('increase' as const, 'decrease' as const),
        ([baseline, canary], c, direction) => {
          const r = neutral({ direction });
          const before = classifyMetric(baseline, canary, r);
          const after = classifyMetric(
            baseline.map((v) => v + c),
            canary.map((v) => v + c),
            r,
          );
          expect(after.classification).toBe(before.classification);
        },
      ),
    );
  });

  it('scaling both series by a positive constant changes nothing about the classification', () => {
    const factor = fc.oneof(
      fc.integer({ min: -8, max: 8 }).map((e) => 2 ** e),
      fc.integer({ min: 1, max: 1000 }),
    );
    fc.assert(
      fc.property(anySeries, anySeries, factor, (baseline, canary, k) => {
        const r = neutral();
        const before = classifyMetric(baseline, canary, r);
        const after = classifyMetric(
          baseline.map((v) => v * k),
          canary.map((v) => v * k),
          r,
        );
        expect(rankView(after)).toEqual(rankView(before));
        expect(after.interval).toEqual([before.interval![0] * k + 0, before.interval![1] * k + 0]);
      }),
      { numRuns: 300 },
    );
  });

  it("scaling by a power of two keeps the catalog's default thresholds' verdicts too", () => {
    // With allowedIncrease 1.1 the ratio is compared with a number that is not a binary
    // fraction; a power-of-two scale leaves every mean, and so the ratio, bit for bit the same.
    fc.assert(
      fc.property(shiftedPair, fc.integer({ min: -20, max: 20 }), ([baseline, canary], e) => {
        const r = defaultRules('m');
        const k = 2 ** e;
        const before = classifyMetric(baseline, canary, r);
        const after = classifyMetric(
          baseline.map((v) => v * k),
          canary.map((v) => v * k),
          r,
        );
        expect(after.classification).toBe(before.classification);
        expect(after.ratio).toBe(before.ratio);
      }),
    );
  });
});
