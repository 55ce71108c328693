// The Mann-Whitney U test against scipy, and the Hodges-Lehmann interval against a port of
// Kayenta's MannWhitney.scala and against Kayenta's own R tie-outs. The reference values are in
// test/fixtures/judge/mannwhitneyu.json, made by make-fixtures.py beside it (scipy and numpy).

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  chooseMethod,
  erfc,
  hodgesLehmann,
  mannWhitneyU,
  normalCdf,
  normalQuantile,
} from '../../shared/domain/mann-whitney.js';

interface FixtureCase {
  name: string;
  x: number[];
  y: number[];
  u: number;
  pValue: number;
  method: 'exact' | 'asymptotic';
  hodgesLehmann: number;
  kayentaInterval: [number, number] | null;
}

interface Fixtures {
  scipy: string;
  intervalConfidence: number;
  cases: FixtureCase[];
  ndtr: [number, number][];
  erfc: [number, number][];
  ndtri: [number, number][];
  kayentaSuite: {
    name: string;
    x: number[];
    y: number[];
    confidence: number;
    lower: number;
    upper: number;
    estimate: number;
    tolerance: number;
  }[];
}

const fixtures = JSON.parse(
  readFileSync(new URL('../fixtures/judge/mannwhitneyu.json', import.meta.url), 'utf8'),
) as Fixtures;

function relativeError(actual: number, expected: number): number {
  return expected === 0 ? Math.abs(actual) : Math.abs(actual - expected) / Math.abs(expected);
}

describe('mannWhitneyU agrees with scipy.stats.mannwhitneyu', () => {
  it('has fixtures from scipy 1.17 with both methods, ties, one-element and unequal samples', () => {
    expect(fixtures.scipy).toMatch(/^1\.17\./);
    expect(fixtures.cases.length).toBeGreaterThanOrEqual(40);
    const methods = new Set(fixtures.cases.map((c) => c.method));
    expect(methods).toEqual(new Set(['exact', 'asymptotic']));
    expect(fixtures.cases.some((c) => c.x.length === 1 && c.y.length === 1)).toBe(true);
    expect(fixtures.cases.some((c) => Math.max(c.x.length, c.y.length) >= 200 && c.method === 'exact')).toBe(
      true,
    );
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = mannWhitneyU(c.x, c.y);
    expect(result.u).toBe(c.u);
    expect(result.method).toBe(c.method);
    expect(Math.abs(result.pValue - c.pValue)).toBeLessThanOrEqual(1e-6);
    // Much closer than the contract: a relative error near machine precision, even for p ≈ 1e-67.
    expect(relativeError(result.pValue, c.pValue)).toBeLessThan(1e-9);
  });

  it('reports U of the first sample: swapping the samples gives n1·n2 - U and the same p-value', () => {
    for (const c of fixtures.cases) {
      const forward = mannWhitneyU(c.x, c.y);
      const backward = mannWhitneyU(c.y, c.x);
      expect(backward.u).toBe(c.x.length * c.y.length - forward.u);
      expect(backward.pValue).toBeCloseTo(forward.pValue, 14);
    }
  });

  it("chooses the method by scipy's rule: exact only when a sample has ≤ 8 values and nothing ties", () => {
    expect(chooseMethod(8, 1000, false)).toBe('exact');
    expect(chooseMethod(1000, 8, false)).toBe('exact');
    expect(chooseMethod(9, 9, false)).toBe('asymptotic');
    expect(chooseMethod(3, 3, true)).toBe('asymptotic');
    expect(mannWhitneyU([1, 2, 3], [4, 5, 5]).method).toBe('asymptotic'); // a tie within y counts
    expect(mannWhitneyU([1, 2, 3], [4, 5, 6])).toMatchObject({ method: 'exact', ties: false, z: null });
  });

  it('gives p = 1 when every value is tied (the normal approximation has no spread)', () => {
    expect(mannWhitneyU([7, 7, 7], [7, 7])).toMatchObject({ u: 3, pValue: 1, method: 'asymptotic' });
  });

  it('handles an exact case with a very large second sample quickly', () => {
    const x = [0.5, 1.5, 2.5];
    const y = Array.from({ length: 20_000 }, (_, i) => i / 1000 + 0.0001);
    const started = performance.now();
    const result = mannWhitneyU(x, y);
    expect(result.method).toBe('exact');
    expect(result.u).toBe(500 + 1500 + 2500); // y values below 0.5, 1.5, 2.5
    // scipy.stats.mannwhitneyu(x, y) on the same data: 0.0038045990796467754
    expect(relativeError(result.pValue, 0.0038045990796467754)).toBeLessThan(1e-12);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it.each([
    [[], [1], 'sample x is empty'],
    [[1], [], 'sample y is empty'],
    [[1, NaN], [2], 'sample x[1] is NaN'],
    [[1], [2, Infinity], 'sample y[1] is Infinity'],
  ])('refuses %j against %j: %s', (x, y, message) => {
    expect(() => mannWhitneyU(x, y)).toThrow(RangeError);
    expect(() => mannWhitneyU(x, y)).toThrow(message);
    expect(() => hodgesLehmann(x, y)).toThrow(message);
  });
});

describe('hodgesLehmann follows Kayenta', () => {
  it('uses 98% confidence by default, as NetflixACAJudge does', () => {
    expect(hodgesLehmann([10, 20, 30, 40], [1, 2, 3, 4]).confidence).toBe(0.98);
  });

  it.each(fixtures.cases.map((c) => [c.name, c] as const))(
    '%s: the estimate is the median pairwise difference',
    (_name, c) => {
      const { estimate } = hodgesLehmann(c.x, c.y, fixtures.intervalConfidence);
      expect(Math.abs(estimate - c.hodgesLehmann)).toBeLessThanOrEqual(
        1e-12 * (1 + Math.abs(c.hodgesLehmann)),
      );
    },
  );

  const withInterval = fixtures.cases.filter((c) => c.kayentaInterval !== null);
  it.each(withInterval.map((c) => [c.name, c] as const))(
    "%s: the interval is where Kayenta's root solver converges",
    (_name, c) => {
      const { interval } = hodgesLehmann(c.x, c.y, fixtures.intervalConfidence);
      const scale = 1 + Math.max(...c.x.map(Math.abs), ...c.y.map(Math.abs));
      const [lower, upper] = c.kayentaInterval!;
      // The port solves to 1e-15; the exact crossing differs from it only by that.
      expect(Math.abs(interval[0] - lower)).toBeLessThanOrEqual(1e-12 * scale);
      expect(Math.abs(interval[1] - upper)).toBeLessThanOrEqual(1e-12 * scale);
    },
  );

  it.each(fixtures.kayentaSuite.map((k) => [k.name, k] as const))(
    "Kayenta's MannWhitneySuite: %s",
    (_name, k) => {
      const result = hodgesLehmann(k.x, k.y, k.confidence);
      // R's uniroot and Kayenta's Brent solver stop within 1e-4 of the crossing.
      expect(Math.abs(result.interval[0] - k.lower)).toBeLessThanOrEqual(k.tolerance);
      expect(Math.abs(result.interval[1] - k.upper)).toBeLessThanOrEqual(k.tolerance);
      expect(Math.abs(result.estimate - k.estimate)).toBeLessThanOrEqual(k.tolerance);
    },
  );

  it('collapses to the single difference when both samples are constant (no noise is added)', () => {
    expect(hodgesLehmann([10, 10, 10, 10, 10], [1, 1, 1, 1, 1])).toEqual({
      estimate: 9,
      interval: [9, 9],
      confidence: 0.98,
    });
  });

  it('widens as the confidence grows', () => {
    const x = [3.1, 4.7, 5.2, 6.8, 7.1, 8.4, 9.9, 10.5, 11.2, 12.0];
    const y = [1.2, 2.5, 3.3, 4.1, 5.5, 6.2, 7.7, 8.1, 9.0, 10.1];
    const narrow = hodgesLehmann(x, y, 0.8).interval;
    const wide = hodgesLehmann(x, y, 0.99).interval;
    expect(wide[0]).toBeLessThan(narrow[0]);
    expect(wide[1]).toBeGreaterThan(narrow[1]);
  });

  it('refuses a confidence outside (0, 1)', () => {
    expect(() => hodgesLehmann([1], [2], 1)).toThrow('confidence must be between 0 and 1');
    expect(() => hodgesLehmann([1], [2], 0)).toThrow(RangeError);
  });

  it('handles large samples without forming every pairwise difference', () => {
    const x = Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 10 + 1);
    const y = Array.from({ length: 5000 }, (_, i) => Math.cos(i) * 10);
    const started = performance.now();
    const result = hodgesLehmann(x, y);
    expect(result.interval[0]).toBeLessThanOrEqual(result.estimate);
    expect(result.estimate).toBeLessThanOrEqual(result.interval[1]);
    expect(result.estimate).toBeGreaterThan(0.5);
    expect(result.estimate).toBeLessThan(1.5);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  const sample = fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 25 });

  it('mirrors when the samples swap: the interval of y - x is minus that of x - y', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const forward = hodgesLehmann(x, y);
        const backward = hodgesLehmann(y, x);
        expect(backward.estimate).toBe(-forward.estimate + 0);
        expect(backward.interval).toEqual([-forward.interval[1] + 0, -forward.interval[0] + 0]);
      }),
    );
  });

  it('always contains the estimate, and its bounds are pairwise differences', () => {
    fc.assert(
      fc.property(sample, sample, (x, y) => {
        const { estimate, interval } = hodgesLehmann(x, y);
        const differences = new Set(x.flatMap((a) => y.map((b) => a - b)));
        expect(interval[0]).toBeLessThanOrEqual(estimate);
        expect(estimate).toBeLessThanOrEqual(interval[1]);
        expect(differences.has(interval[0])).toBe(true);
        expect(differences.has(interval[1])).toBe(true);
      }),
    );
  });
});

describe('the normal distribution, to double precision', () => {
  it('normalCdf agrees with scipy.special.ndtr down to 1e-308', () => {
    for (const [z, expected] of fixtures.ndtr) {
      // scipy itself rounds z/√2 and z² in the far tail, so it is only good to ~2e-13 there.
      expect(relativeError(normalCdf(z), expected), `ndtr(${z})`).toBeLessThan(5e-13);
    }
  });

  it('normalCdf matches known values exactly to 15 digits', () => {
    // Φ(-37) and Φ(-5) to 17 digits (mpmath at 50 digits), as the nearest doubles.
    expect(relativeError(normalCdf(-37), 5.725571222524577e-300)).toBeLessThan(5e-15);
    expect(relativeError(normalCdf(-5), 2.866515718791939e-7)).toBeLessThan(5e-15);
    expect(normalCdf(0)).toBe(0.5);
  });

  it('erfc agrees with scipy.special.erfc to a few ulp', () => {
    for (const [x, expected] of fixtures.erfc) {
      expect(relativeError(erfc(x), expected), `erfc(${x})`).toBeLessThan(5e-15);
    }
  });

  it('normalQuantile agrees with scipy.special.ndtri', () => {
    for (const [p, expected] of fixtures.ndtri) {
      expect(relativeError(normalQuantile(p), expected), `ndtri(${p})`).toBeLessThan(1e-14);
    }
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326348, 6); // Kayenta's "Test zQuant"
  });
});
