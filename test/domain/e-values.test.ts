// The anytime-valid tests: they hold their level however often they are looked at (checked by
// simulation with a fixed seed), grow quickly on a plain regression, and their confidence
// sequence holds the true ratio.

import { describe, expect, it } from 'vitest';
import {
  rateRatioInterval,
  rateRatioLogE,
  rateRatioLogLikelihood,
  signLogE,
  type CountMinute,
} from '../../shared/domain/e-values.js';
import { Random } from '../../bench/analysis-study/random.js';

/** `looks` minutes of counts with the canary's rate `ratio` × the baseline's. */
function minutes(random: Random, looks: number, ratio: number, rate = 0.01): CountMinute[] {
  return Array.from({ length: looks }, (_, i) => {
    const canaryExposure = 100 + 50 * i;
    const baselineExposure = 2000 - 50 * i;
    return {
      canaryExposure,
      baselineExposure,
      canaryEvents: random.poisson(canaryExposure * rate * ratio),
      baselineEvents: random.poisson(baselineExposure * rate),
    };
  });
}

/** The share of runs whose e-value ever reached 1/α, looking after every minute. */
function everRejected(ratio: number, bound: number, alpha: number, runs = 500, looks = 30): number {
  const random = new Random(42);
  let rejected = 0;
  for (let r = 0; r < runs; r++) {
    const data = minutes(random, looks, ratio);
    for (let t = 1; t <= looks; t++) {
      if (rateRatioLogE(data.slice(0, t), bound, 'above') >= Math.log(1 / alpha)) {
        rejected++;
        break;
      }
    }
  }
  return rejected / runs;
}

describe('the rate-ratio e-value', () => {
  it('keeps its level over 30 looks when the canary sits exactly on the allowed ratio', () => {
    // At α = 0.1 and a ratio on the bound, the chance ever to reject is at most 0.1.
    expect(everRejected(1.1, 1.1, 0.1)).toBeLessThanOrEqual(0.1);
  });

  it('is stricter still when the canary is better than allowed', () => {
    expect(everRejected(0.8, 1.1, 0.1)).toBeLessThanOrEqual(everRejected(1.1, 1.1, 0.1));
  });

  it('rejects a canary with 5× the errors almost every time', () => {
    expect(everRejected(5, 1.1, 0.01, 200)).toBeGreaterThan(0.95);
  });

  it('is 1 (log 0) or less with no events, and one-sided', () => {
    const none = [{ canaryEvents: 0, canaryExposure: 100, baselineEvents: 0, baselineExposure: 900 }];
    expect(rateRatioLogE(none, 1.1, 'above')).toBeCloseTo(0, 10);
    // Every event on the baseline: evidence the canary is lower, none that it is higher.
    const low = [{ canaryEvents: 0, canaryExposure: 500, baselineEvents: 40, baselineExposure: 500 }];
    expect(rateRatioLogE(low, 1.1, 'above')).toBeLessThan(0);
    expect(rateRatioLogE(low, 1.1, 'below')).toBeGreaterThan(Math.log(100));
  });

  it('reads the exposures: the same events on a tenth of the traffic weigh ten times', () => {
    const even = [{ canaryEvents: 10, canaryExposure: 1000, baselineEvents: 10, baselineExposure: 1000 }];
    const tenth = [{ canaryEvents: 10, canaryExposure: 100, baselineEvents: 10, baselineExposure: 1000 }];
    expect(rateRatioLogE(even, 1.1, 'above')).toBeLessThan(0);
    expect(rateRatioLogE(tenth, 1.1, 'above')).toBeGreaterThan(Math.log(100));
  });

  it('has its likelihood peak at the observed ratio', () => {
    const data = [{ canaryEvents: 30, canaryExposure: 100, baselineEvents: 10, baselineExposure: 100 }];
    const at = (r: number) => rateRatioLogLikelihood(data, Math.log(r));
    expect(at(3)).toBeGreaterThan(at(2.5));
    expect(at(3)).toBeGreaterThan(at(3.5));
  });
});

describe('the confidence sequence for the ratio', () => {
  it('holds the true ratio at every look in nearly every run', () => {
    const random = new Random(7);
    let missed = 0;
    for (let r = 0; r < 200; r++) {
      const data = minutes(random, 10, 2, 0.02);
      for (let t = 1; t <= 10; t++) {
        const interval = rateRatioInterval(data.slice(0, t), 0.05);
        if (interval !== null && (interval.low > 2 || interval.high < 2)) {
          missed++;
          break;
        }
      }
    }
    expect(missed / 200).toBeLessThanOrEqual(0.05);
  });

  it('narrows as evidence grows, and is null without events', () => {
    const random = new Random(9);
    const data = minutes(random, 30, 2, 0.05);
    const early = rateRatioInterval(data.slice(0, 3), 0.05)!;
    const late = rateRatioInterval(data, 0.05)!;
    expect(late.high / late.low).toBeLessThan(early.high / early.low);
    expect(late.low).toBeLessThan(2);
    expect(late.high).toBeGreaterThan(2);
    expect(
      rateRatioInterval(
        [{ canaryEvents: 0, canaryExposure: 1, baselineEvents: 0, baselineExposure: 1 }],
        0.05,
      ),
    ).toBeNull();
  });
});

describe('the sign e-value', () => {
  it('needs ten straight worse minutes to pass 1/α = 100 (nine fall just short)', () => {
    expect(signLogE(9, 0, 'above')).toBeLessThan(Math.log(100));
    expect(signLogE(10, 0, 'above')).toBeGreaterThan(Math.log(100));
  });

  it('gives no evidence for an even split, and turns with the side', () => {
    expect(signLogE(10, 10, 'above')).toBeLessThan(0);
    expect(signLogE(0, 12, 'below')).toBeGreaterThan(Math.log(100));
    expect(signLogE(0, 12, 'above')).toBeLessThan(0);
  });
});
