// The Mann-Whitney U test (Wilcoxon rank-sum test) and the Hodges-Lehmann shift estimate with its
// rank-based confidence interval: the statistics behind the canary judge (judge-classification.ts).
//
// - mannWhitneyU agrees with scipy.stats.mannwhitneyu(x, y, alternative='two-sided') with its
//   defaults (method='auto', use_continuity=True), checked to 1e-6 against fixtures made by
//   scipy 1.17 (test/fixtures/judge/make-fixtures.py). scipy's rule for 'auto' since 1.13
//   (`_mwu_choose_method`): the exact null distribution when one sample has 8 or fewer values
//   and there are no ties at all; otherwise the normal approximation with the tie correction and
//   the continuity correction.
// - hodgesLehmann follows Kayenta's kayenta-mannwhitney/.../mannwhitney/MannWhitney.scala (a port
//   of R's wilcox.test(conf.int = TRUE, exact = FALSE, correct = TRUE)): each bound of the interval
//   is the shift mu at which the continuity-corrected normal statistic of the ranks of x - mu
//   against y crosses the normal quantile. Kayenta finds that crossing with a Brent root solver
//   (tolerance 1e-4); the statistic only changes where mu equals a pairwise difference x_i - y_j,
//   so we compute the crossing exactly, as an order statistic of the pairwise differences.
//
// Pure functions over arrays of finite numbers; no I/O.

/** How scipy computed the p-value: the exact null distribution, or the normal approximation. */
export type MannWhitneyMethod = 'exact' | 'asymptotic';

export interface MannWhitneyResult {
  /** U of the first sample: the pairs (x_i, y_j) with x_i > y_j, plus half of the tied pairs. */
  u: number;
  /** Two-sided p-value, in [0, 1]. */
  pValue: number;
  method: MannWhitneyMethod;
  /** Whether any two values (in either sample or across them) are equal. */
  ties: boolean;
  /** The standardized statistic of the normal approximation; null for the exact method. */
  z: number | null;
}

export interface HodgesLehmannResult {
  /** The median of the pairwise differences x_i - y_j: the shift of x relative to y. */
  estimate: number;
  /** The rank-based confidence interval for the shift, [lower, upper]. */
  interval: [number, number];
  confidence: number;
}

/** Kayenta's NetflixACAJudge runs the interval at 98% confidence. */
export const DEFAULT_CONFIDENCE = 0.98;

/** scipy's `_mwu_choose_method`: exact only when a sample is small (≤ 8) and nothing is tied. */
export function chooseMethod(n1: number, n2: number, ties: boolean): MannWhitneyMethod {
  if (n1 > 8 && n2 > 8) return 'asymptotic';
  return ties ? 'asymptotic' : 'exact';
}

/**
 * Two-sided Mann-Whitney U test of x against y, as scipy.stats.mannwhitneyu computes it with
 * method='auto'. Throws a RangeError for an empty sample or a value that is not finite.
 */
export function mannWhitneyU(x: readonly number[], y: readonly number[]): MannWhitneyResult {
  checkSample(x, 'x');
  checkSample(y, 'y');
  const n1 = x.length;
  const n2 = y.length;
  const { rankSumX, tieTerm, ties } = rankSum(x, y);
  const u1 = rankSumX - (n1 * (n1 + 1)) / 2;
  const u2 = n1 * n2 - u1;
  // Two-sided: the survival function of the larger U, doubled (scipy, "method 2" of its [2]).
  const u = Math.max(u1, u2);
  const method = chooseMethod(n1, n2, ties);
  if (method === 'exact') {
    return { u: u1, pValue: clip01(2 * exactSurvival(u, n1, n2)), method, ties, z: null };
  }
  const z = standardized(u, n1, n2, tieTerm);
  return { u: u1, pValue: clip01(2 * normalCdf(-z)), method, ties, z };
}

/**
 * The Hodges-Lehmann estimate of the shift of x relative to y and its confidence interval,
 * computed as Kayenta's MannWhitney.calculateConfidenceInterval does (see the file comment).
 */
export function hodgesLehmann(
  x: readonly number[],
  y: readonly number[],
  confidence: number = DEFAULT_CONFIDENCE,
): HodgesLehmannResult {
  checkSample(x, 'x');
  checkSample(y, 'y');
  if (!(confidence > 0 && confidence < 1)) {
    throw new RangeError(`confidence must be between 0 and 1 (exclusive), not ${confidence}`);
  }
  const differences = new PairwiseDifferences(x, y);
  const total = differences.count;
  const estimate =
    total % 2 === 1
      ? differences.kth((total + 1) / 2)
      : (differences.kth(total / 2) + differences.kth(total / 2 + 1)) / 2;

  // MannWhitney.scala: zQuant = qnorm(alpha / 2) < 0; the interval is [root(-zQuant), root(zQuant)].
  const zQuant = normalQuantile((1 - confidence) / 2);
  const sigma = shiftStatisticSigma(x, y);
  const lower = differences.kth(crossingRank(-zQuant, x.length, y.length, sigma));
  const upper = differences.kth(crossingRank(zQuant, x.length, y.length, sigma));
  return { estimate: plusZero(estimate), interval: [plusZero(lower), plusZero(upper)], confidence };
}

// ---------------------------------------------------------------------------------------------
// Ranks

interface RankSum {
  rankSumX: number;
  /** Σ (t³ - t) over the groups of tied values in the combined sample. */
  tieTerm: number;
  ties: boolean;
}

/** Average ranks of the combined sample (scipy's rankdata(method='average')), summed over x. */
function rankSum(x: readonly number[], y: readonly number[]): RankSum {
  const all = [...x.map((v) => ({ v, fromX: true })), ...y.map((v) => ({ v, fromX: false }))];
  all.sort((a, b) => a.v - b.v);
  let rankSumX = 0;
  let tieTerm = 0;
  for (let start = 0; start < all.length;) {
    let end = start + 1;
    while (end < all.length && all[end]!.v === all[start]!.v) end++;
    const t = end - start;
    const averageRank = (start + 1 + end) / 2; // ranks start+1 … end
    for (let i = start; i < end; i++) if (all[i]!.fromX) rankSumX += averageRank;
    tieTerm += t * t * t - t;
    start = end;
  }
  return { rankSumX, tieTerm, ties: tieTerm > 0 };
}

/** scipy's `_get_mwu_z`: tie-corrected, continuity-corrected standard score of U. */
function standardized(u: number, n1: number, n2: number, tieTerm: number): number {
  const mu = (n1 * n2) / 2;
  const n = n1 + n2;
  const s = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  // Every value tied: s is 0 and U equals its mean, so z is -∞ and the p-value clips to 1.
  return (u - mu - 0.5) / s;
}

// ---------------------------------------------------------------------------------------------
// The exact null distribution of U

/**
 * P(U ≥ u) under the null hypothesis, for samples of n1 and n2 values without ties.
 *
 * The number of arrangements with U = k is the coefficient of q^k in the Gaussian binomial
 * [m+n choose m]_q = ∏_{i=1..m} (1 - q^(n+i)) / (1 - q^i), with m = min(n1, n2) ≤ 8 whenever
 * scipy uses the exact method. We expand the sparse numerator (at most 2^m terms) and multiply by
 * the series of 1/∏(1 - q^i), which counts partitions into parts of size ≤ m and is built with
 * additions only. By symmetry P(U ≥ u) = P(U ≤ m·n - u), and u ≥ m·n/2 here, so only the lower
 * half of the distribution is needed; there the alternating sum loses at most a few digits.
 */
function exactSurvival(u: number, n1: number, n2: number): number {
  const m = Math.min(n1, n2);
  const n = Math.max(n1, n2);
  const k = m * n - u; // the lower tail P(U ≤ k) equals the upper tail P(U ≥ u)
  if (k < 0) return 0;

  // Partitions of v into parts ≤ m, then their running sums: cumulative[v] = Σ_{w ≤ v} p(w).
  const cumulative = new Float64Array(k + 1);
  cumulative[0] = 1;
  for (let part = 1; part <= m; part++) {
    for (let v = part; v <= k; v++) cumulative[v]! += cumulative[v - part]!;
  }
  for (let v = 1; v <= k; v++) cumulative[v]! += cumulative[v - 1]!;

  // The numerator ∏ (1 - q^(n+i)), keeping the exponents that can matter (≤ k).
  let numerator = new Map<number, number>([[0, 1]]);
  for (let i = 1; i <= m; i++) {
    const next = new Map(numerator);
    for (const [exponent, coefficient] of numerator) {
      const e = exponent + n + i;
      if (e <= k) next.set(e, (next.get(e) ?? 0) - coefficient);
    }
    numerator = next;
  }

  let count = 0;
  for (const [exponent, coefficient] of numerator) count += coefficient * cumulative[k - exponent]!;

  let arrangements = 1; // C(m + n, m), in floating point: it may exceed 2^53
  for (let i = 1; i <= m; i++) arrangements = (arrangements * (n + i)) / i;
  return count / arrangements;
}

// ---------------------------------------------------------------------------------------------
// The Hodges-Lehmann interval (Kayenta's MannWhitney.scala, made exact)

/**
 * Kayenta's `sigmaCi` for a shift mu that is not itself a pairwise difference: then x - mu ties
 * with no y, and the only tied groups are those within x and within y.
 */
function shiftStatisticSigma(x: readonly number[], y: readonly number[]): number {
  const m = x.length;
  const n = y.length;
  const ties = withinTieTerm(x) + withinTieTerm(y);
  return Math.sqrt(((m * n) / 12) * (m + n + 1 - ties / ((m + n) * (m + n - 1))));
}

function withinTieTerm(values: readonly number[]): number {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let term = 0;
  for (const t of counts.values()) term += t * t * t - t;
  return term;
}

/**
 * Where Kayenta's root of `wilcoxonDiff(mu, quantile)` lands, as a rank r among the sorted
 * pairwise differences d_(1) ≤ … ≤ d_(N).
 *
 * For mu just above d_(r) (and below the next distinct difference), the rank sum of x - mu gives
 * dz = U - N/2 with U = N - r pairs still above mu, and Kayenta's statistic is
 * (dz - sign(dz)/2) / sigma - quantile. It falls as mu grows, so the root is the first
 * difference after which it is negative. Kayenta returns muMin (d_(1)) when it is already ≤ 0
 * there and muMax (d_(N)) when it never falls below 0; both are covered by clamping r to [1, N].
 */
function crossingRank(quantile: number, m: number, n: number, sigma: number): number {
  const total = m * n;
  const statistic = (r: number): number => {
    const dz = total - r - total / 2;
    return (dz - Math.sign(dz) * 0.5) / sigma - quantile;
  };
  // The smallest r in [1, total] with statistic(r) < 0, or total if there is none.
  let low = 1;
  let high = total;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (statistic(mid) < 0) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The m·n differences x_i - y_j (in floating point), without materializing them: the k-th
 * smallest is found by bisecting over the ordered doubles, counting the differences ≤ t with a
 * two-pointer sweep of the sorted samples, so it costs O((m + n) log(m + n)) and is exact.
 */
class PairwiseDifferences {
  private readonly x: Float64Array;
  private readonly y: Float64Array;
  readonly count: number;

  constructor(x: readonly number[], y: readonly number[]) {
    this.x = Float64Array.from(x).sort();
    this.y = Float64Array.from(y).sort();
    this.count = x.length * y.length;
  }

  /** How many differences are ≤ t. */
  private atMost(t: number): number {
    const { x, y } = this;
    let count = 0;
    let j = 0; // x[i] - y[j] falls as j grows; the j with x[i] - y[j] ≤ t are a suffix
    for (let i = 0; i < x.length; i++) {
      while (j < y.length && x[i]! - y[j]! > t) j++;
      count += y.length - j;
    }
    return count;
  }

  /** The k-th smallest difference, 1-based. */
  kth(k: number): number {
    const { x, y } = this;
    let low = orderKey(x[0]! - y[y.length - 1]!);
    let high = orderKey(x[x.length - 1]! - y[0]!);
    // Invariant: the answer's key is in [low, high]; atMost(fromKey(high)) ≥ k.
    while (low < high) {
      const mid = low + (high - low) / 2n;
      if (this.atMost(fromOrderKey(mid)) >= k) high = mid;
      else low = mid + 1n;
    }
    return fromOrderKey(low);
  }
}

const scratch = new DataView(new ArrayBuffer(8));
const SIGN = 1n << 63n;
const ALL_BITS = (1n << 64n) - 1n;

/** A BigInt that orders finite doubles as numbers: a < b exactly when key(a) < key(b). */
function orderKey(value: number): bigint {
  scratch.setFloat64(0, value);
  const bits = scratch.getBigUint64(0);
  return bits & SIGN ? ~bits & ALL_BITS : bits | SIGN;
}

function fromOrderKey(key: bigint): number {
  scratch.setBigUint64(0, key & SIGN ? key & ~SIGN : ~key & ALL_BITS);
  return scratch.getFloat64(0);
}

// ---------------------------------------------------------------------------------------------
// The normal distribution, to double precision

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * The standard normal CDF Φ(z), as scipy.special.ndtr, with a relative error of a few ulp even
 * in the far lower tail (down to the smallest double, near z = -38.5). Below z = -3 it uses
 * Laplace's continued fraction for the tail, Φ(-x) = φ(x) / (x + 1/(x + 2/(x + 3/(x + …)))),
 * which avoids the rounding of z/√2 that erfc(-z/√2) would magnify there.
 */
export function normalCdf(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < -3) return lowerTail(-z);
  return 0.5 * erfc(-z / Math.SQRT2);
}

/** Φ(-x) for x > 3, by the modified Lentz method. */
function lowerTail(x: number): number {
  if (x > 38.5) return 0;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 500; n++) {
    d = 1 / (x + n * d);
    c = x + n / c;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return expMinusSquare(x, 0.5) / Math.sqrt(2 * Math.PI) / f;
}

/**
 * The complementary error function, with a relative error of a few ulp everywhere: the power
 * series of erf below 0.5 (where erfc ≥ 0.47, so 1 - erf loses nothing), and the continued
 * fraction erfc(x) = e^(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))) from 0.5 up,
 * evaluated with the modified Lentz method.
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 0.5) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest subnormal double
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 2000; n++) {
    const a = n / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    d = 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return expMinusSquare(x) / SQRT_PI / f;
}

/** erf(x) = (2/√π) e^(-x²) Σ (2x²)^n x / (1·3·…·(2n+1)): every term positive, no cancellation. */
function erfSeries(x: number): number {
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; n < 100 && term > sum * 1e-17; n++) {
    term *= twoXSquared / (2 * n + 1);
    sum += term;
  }
  return (2 / SQRT_PI) * expMinusSquare(x) * sum;
}

/**
 * e^(-scale·x²) without the rounding of x² magnified: x is split so that its big part squares
 * exactly (it has at most 22 significant bits for the x we see), and scale is 1 or 1/2.
 */
function expMinusSquare(x: number, scale = 1): number {
  const high = Math.round(x * 65536) / 65536;
  const low = x - high;
  return Math.exp(-scale * high * high) * Math.exp(-scale * (2 * high + low) * low);
}

/**
 * The standard normal quantile Φ⁻¹(p), as scipy.special.ndtri: Abramowitz & Stegun 26.2.23 as a
 * start (error < 4.5e-4), then Halley steps on normalCdf to full double precision.
 */
export function normalQuantile(p: number): number {
  if (!(p >= 0 && p <= 1)) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p > 0.5) return -normalQuantile(1 - p);
  const t = Math.sqrt(-2 * Math.log(p));
  let z = -(
    t -
    (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + t * (1.432788 + t * (0.189269 + t * 0.001308)))
  );
  for (let i = 0; i < 6; i++) {
    const error = normalCdf(z) - p;
    const u = error * Math.sqrt(2 * Math.PI) * Math.exp((z * z) / 2);
    const step = u / (1 + (z * u) / 2);
    z -= step;
    if (Math.abs(step) <= 1e-16 * Math.abs(z)) break;
  }
  return z;
}

// ---------------------------------------------------------------------------------------------

function checkSample(values: readonly number[], name: string): void {
  if (values.length === 0) throw new RangeError(`sample ${name} is empty; the test needs at least one value`);
  const bad = values.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
  if (bad >= 0) {
    throw new RangeError(
      `sample ${name}[${bad}] is ${String(values[bad])}; every value must be a finite number`,
    );
  }
}

function clip01(p: number): number {
  return Math.min(1, Math.max(0, p));
}

/** -0 becomes 0, so that results print and compare as users expect. */
function plusZero(v: number): number {
  return v === 0 ? 0 : v;
}
