// What one second of a metric's data becomes: a bucket of aggregated values (sum, count,
// minimum, maximum) and a sparse log-scale histogram from which percentiles, and the counts of
// percentile rank and trimmed count, are estimated; and
// the values a caller records, gathered into one (ValueSet). The store keeps buckets packed
// (metric-series.ts); this is their arithmetic.
//
// Percentiles follow CloudWatch's documented limits
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles):
// "Percentile statistics are not available for metrics when any of the metric values are negative
// numbers", and for data published as a statistic set, only when "The SampleCount value of the
// statistic set is 1 and Min, Max, and Sum are all equal" or "The Min and Max are equal, and Sum is
// equal to Min multiplied by SampleCount".
import type { PeriodStats } from './metric-store.js';

export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

/** One value, raw values (each `counts[i]` times, default 1), values gathered in a ValueSet, or a pre-aggregated statistic set. */
export type MetricValues =
  number | { values: readonly number[]; counts?: readonly number[] } | ValueSet | StatisticSet;

// ---------------------------------------------------------------------------------------------
// Histogram: bin i holds values in (γ^(i-1), γ^i] with their count and sum; a percentile that
// falls in a bin is reported as the mean of the bin's values — exact when they were all equal,
// otherwise within the bin's relative width (γ-1 = 1 %). A separate bin holds exact zeros. Values
// are clamped to [1e-9, 1e15], so at most ~5,600 bins exist: the scale is fixed.

const GAMMA = 1.01;
const LOG_GAMMA = Math.log(GAMMA);
const MIN_VALUE = 1e-9;
const MAX_VALUE = 1e15;
export const ZERO_BIN = Number.MIN_SAFE_INTEGER;

/**
 * Bins in ascending order, three numbers each: [bin, count, sum of the values, bin, …]. Typed and
 * flat, as the store holds tens of thousands of them: a third of the memory of a Map of pairs.
 */
export type Histogram = Float64Array;

/** The histogram of a Map of bin → [count, sum]. */
export function histogramOf(bins: Map<number, [number, number]>): Histogram {
  const sorted = [...bins.keys()].sort((a, b) => a - b);
  const histogram = new Float64Array(sorted.length * 3);
  sorted.forEach((bin, i) => histogram.set([bin, ...bins.get(bin)!], i * 3));
  return histogram;
}

/** Two histograms added, bin by bin. */
export function addHistograms(a: Histogram, b: Histogram): Histogram {
  const out = new Float64Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length || j < b.length) {
    const fromA = j >= b.length || (i < a.length && a[i]! <= b[j]!);
    const fromB = i >= a.length || (j < b.length && b[j]! <= a[i]!);
    out[n] = fromA ? a[i]! : b[j]!;
    out[n + 1] = (fromA ? a[i + 1]! : 0) + (fromB ? b[j + 1]! : 0);
    out[n + 2] = (fromA ? a[i + 2]! : 0) + (fromB ? b[j + 2]! : 0);
    if (fromA) i += 3;
    if (fromB) j += 3;
    n += 3;
  }
  return out.slice(0, n);
}

function binOf(value: number): number {
  if (value === 0) return ZERO_BIN;
  const clamped = Math.min(MAX_VALUE, Math.max(MIN_VALUE, value));
  // `|| 0`: the bin of values just under 1 is 0, not -0 (as JSON, and a packed series, write it).
  return Math.ceil(Math.log(clamped) / LOG_GAMMA - 1e-12) || 0;
}

/**
 * The p-th percentile (0 < p ≤ 100) by nearest rank: the smallest value with at least p % of the
 * samples at or below it, estimated from the histogram and clamped to [minimum, maximum].
 */
export function percentile(stats: PeriodStats, p: number): number | undefined {
  const histogram = stats.histogram;
  if (histogram === undefined || stats.sampleCount <= 0) return undefined;
  const rank = Math.max(1, Math.ceil((p / 100) * stats.sampleCount - 1e-9));
  let seen = 0;
  for (let i = 0; i < histogram.length; i += 3) {
    const [count, sum] = [histogram[i + 1]!, histogram[i + 2]!];
    seen += count;
    if (seen >= rank) return Math.min(stats.maximum, Math.max(stats.minimum, sum / count));
  }
  return stats.maximum;
}

// ---------------------------------------------------------------------------------------------
// Counting values against thresholds, for percentile rank PR(a:b) and trimmed count TC(a:b): the
// inverse of `percentile`, which reports a bin's mean for all its values. Here a bin counts in
// full at and above its mean, so a value put many times, alone in its bin, is counted exactly:
// with a bound equal to it, it counts for the upper bound and not for the lower one, as
// CloudWatch counts a value equal to a bound. Below the mean the count is interpolated: it rises evenly from the lowest the bin's
// values can reach (its mean less the distance to the nearer edge of the bin, or of the period's
// [minimum, maximum]) to the mean. A bin of one value is exact. So a count is exact unless a bin
// holds different values on both sides of a threshold, and then it is off by at most that bin's
// values, which are within 1 % of the threshold. Counts are rounded to whole values (when the
// sample count is whole), so TC(:q) + TC(q:) is the sample count exactly. (Interpolating on both
// sides of the mean would blur a repeated value at a bound into half counted; a count that is
// full at the mean must stay full above it, or PR(:q) would fall as q rises.)

/** Bounds of a range statistic, each optional: a value v is in the range when lower < v ≤ upper. */
export interface Bounds {
  lower?: number;
  upper?: number;
}

/** The lowest a bin's values are taken to reach: its count rises from there to its mean. */
function lowestOf(bin: number, count: number, mean: number, stats: PeriodStats): number {
  if (count <= 1 || bin === ZERO_BIN) return mean;
  const low = Math.min(mean, Math.max(stats.minimum, GAMMA ** (bin - 1)));
  const high = Math.max(mean, Math.min(stats.maximum, GAMMA ** bin));
  return mean - Math.min(mean - low, high - mean);
}

/** The estimated number of values ≤ x; the period must have a histogram. */
function countAtOrBelow(stats: PeriodStats, histogram: Histogram, x: number): number {
  if (x < stats.minimum) return 0;
  if (x >= stats.maximum) return stats.sampleCount;
  let below = 0;
  for (let i = 0; i < histogram.length; i += 3) {
    const [bin, count] = [histogram[i]!, histogram[i + 1]!];
    const mean = histogram[i + 2]! / count;
    // Within 1e-9 of the mean is at it: the mean of 0.1 put three times is 0.10000000000000002.
    if (x >= mean - 1e-9 * mean) {
      below += count;
      continue;
    }
    const from = lowestOf(bin, count, mean, stats);
    if (from >= x) break; // bins ascend: no later bin has a value ≤ x
    below += (count * (x - from)) / (mean - from);
  }
  return Number.isInteger(stats.sampleCount) ? Math.round(below) : below;
}

/**
 * The number of values v with lower < v ≤ upper (TC(a:b) with absolute bounds), estimated from
 * the histogram; undefined where percentiles are (no histogram).
 */
export function countInRange(stats: PeriodStats, { lower, upper }: Bounds): number | undefined {
  const histogram = stats.histogram;
  if (histogram === undefined || stats.sampleCount <= 0) return undefined;
  const atOrBelow = (x: number | undefined, open: number) =>
    x === undefined ? open : countAtOrBelow(stats, histogram, x);
  return atOrBelow(upper, stats.sampleCount) - atOrBelow(lower, 0);
}

/** The percentage of values v with lower < v ≤ upper (PR(a:b)); undefined where percentiles are. */
export function percentileRank(stats: PeriodStats, bounds: Bounds): number | undefined {
  const count = countInRange(stats, bounds);
  return count === undefined ? undefined : (100 * count) / stats.sampleCount;
}

/**
 * The number of values whose rank, smallest first, lies past the lower percentage of the period's
 * values and within the upper one (TC(a%:b%), tcNN): with n values, the ranks k(a) < r ≤ k(b),
 * where k(p) is the nearest rank `percentile` reports the p-th percentile at (k(0) = 0). Ties are
 * split by rank, as a trimmed mean trims data points. Undefined where percentiles are.
 */
export function countInRankRange(stats: PeriodStats, { lower, upper }: Bounds): number | undefined {
  const n = stats.sampleCount;
  if (stats.histogram === undefined || n <= 0) return undefined;
  const rank = (p: number) => (p <= 0 ? 0 : Math.min(n, Math.ceil((p / 100) * n - 1e-9)));
  return rank(upper ?? 100) - rank(lower ?? 0);
}

export interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** undefined: percentiles are unavailable for this second. */
  hist: Histogram | undefined;
}

export function toBucket(values: MetricValues): Bucket | undefined {
  if (typeof values === 'number') return fromValues([values], undefined);
  if (values instanceof ValueSet) return values.bucket();
  if ('values' in values) return fromValues(values.values, values.counts);
  const { sampleCount, sum, minimum, maximum } = values;
  if (sampleCount <= 0) return undefined;
  // A statistic set keeps its distribution only when every sample had the same value.
  const uniform =
    minimum === maximum && minimum >= 0 && Math.abs(sum - minimum * sampleCount) <= 1e-9 * Math.abs(sum);
  return {
    count: sampleCount,
    sum,
    min: minimum,
    max: maximum,
    hist: uniform ? Float64Array.of(binOf(minimum), sampleCount, sum) : undefined,
  };
}

function fromValues(values: readonly number[], counts: readonly number[] | undefined): Bucket | undefined {
  return new ValueSet().add(values, counts).bucket();
}

/**
 * Values gathered a few at a time and added to a metric as one: the same bucket as recording each
 * part on its own would leave (count, sum, minimum, maximum, histogram), without keeping the values.
 * The simulated world gathers each minute of its traffic in one before publishing it.
 */
export class ValueSet {
  // Bins found so far, each once, in the order first seen; sorted when the histogram is made.
  private readonly position = new Map<number, number>();
  private readonly bins: number[] = [];
  private readonly binCounts: number[] = [];
  private readonly binSums: number[] = [];
  private count = 0;
  private sum = 0;
  private min = 0;
  private max = 0;
  private accepted = false;
  /** A negative value makes percentiles unavailable. */
  private negative = false;

  /** Adds values (each `counts[i]` times, default once); non-finite values and counts ≤ 0 are ignored. */
  add(values: readonly number[], counts?: readonly number[]): this {
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i]!;
      const n = counts?.[i] ?? 1;
      if (n <= 0 || !Number.isFinite(value)) continue;
      if (!this.accepted) [this.accepted, this.min, this.max] = [true, value, value];
      this.count += n;
      this.sum += value * n;
      this.min = Math.min(this.min, value);
      this.max = Math.max(this.max, value);
      if (value < 0) this.negative = true;
      if (this.negative) continue;
      const bin = binOf(value);
      let at = this.position.get(bin);
      if (at === undefined) {
        this.position.set(bin, (at = this.bins.length));
        this.bins.push(bin);
        this.binCounts.push(0);
        this.binSums.push(0);
      }
      this.binCounts[at] = this.binCounts[at]! + n;
      this.binSums[at] = this.binSums[at]! + value * n;
    }
    return this;
  }

  /** What the store keeps of the values; undefined when none was accepted. */
  bucket(): Bucket | undefined {
    const { count, sum, min, max, bins } = this;
    if (!this.accepted) return undefined;
    if (this.negative) return { count, sum, min, max, hist: undefined };
    const order = bins.map((_, i) => i).sort((a, b) => bins[a]! - bins[b]!);
    const hist = new Float64Array(order.length * 3);
    order.forEach((at, i) => {
      hist[i * 3] = bins[at]!;
      hist[i * 3 + 1] = this.binCounts[at]!;
      hist[i * 3 + 2] = this.binSums[at]!;
    });
    return { count, sum, min, max, hist };
  }
}

export function copy(bucket: Bucket): Bucket {
  // Histograms are never changed in place (merge makes a new one), so a copy may share one.
  return { ...bucket };
}

/** Adds `b` into `a` (mutating and returning `a`). */
export function merge(a: Bucket, b: Bucket): Bucket {
  a.count += b.count;
  a.sum += b.sum;
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  a.hist = a.hist === undefined || b.hist === undefined ? undefined : addHistograms(a.hist, b.hist);
  return a;
}
