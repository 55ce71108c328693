// The local cloud's metric data: one series per (namespace, metric name, sorted dimensions), and
// in each series one bucket per second of aggregated values — sum, count, minimum, maximum and a
// sparse log-scale histogram from which percentiles are estimated. Memory is bounded: a series
// keeps only the newest `retentionMs` of simulated time (default 3 hours).
//
// Percentiles follow CloudWatch's documented limits
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch_concepts.html#Percentiles):
// "Percentile statistics are not available for metrics when any of the metric values are negative
// numbers", and for data published as a statistic set, only when "The SampleCount value of the
// statistic set is 1 and Min, Max, and Sum are all equal" or "The Min and Max are equal, and Sum is
// equal to Min multiplied by SampleCount".

export type Dimensions = Readonly<Record<string, string>>;

export interface MetricId {
  namespace: string;
  name: string;
  dimensions: Dimensions;
}

export interface StatisticSet {
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
}

/** One value, raw values (each `counts[i]` times, default 1), values gathered in a ValueSet, or a pre-aggregated statistic set. */
export type MetricValues =
  number | { values: readonly number[]; counts?: readonly number[] } | ValueSet | StatisticSet;

/** The aggregate of one period. `histogram` is absent when percentiles are unavailable. */
export interface PeriodStats {
  /** Start of the period, ms since the epoch. */
  timestamp: number;
  sampleCount: number;
  sum: number;
  minimum: number;
  maximum: number;
  histogram?: Histogram;
}

export type Statistic =
  { kind: 'SampleCount' | 'Sum' | 'Average' | 'Minimum' | 'Maximum' } | { kind: 'percentile'; p: number };

const DEFAULT_RETENTION_MS = 3 * 60 * 60 * 1000;

// ---------------------------------------------------------------------------------------------
// Histogram: bin i holds values in (γ^(i-1), γ^i] with their count and sum; a percentile that
// falls in a bin is reported as the mean of the bin's values — exact when they were all equal,
// otherwise within the bin's relative width (γ-1 = 1 %). A separate bin holds exact zeros. Values
// are clamped to [1e-9, 1e15], so at most ~5,600 bins exist: the scale is fixed.

const GAMMA = 1.01;
const LOG_GAMMA = Math.log(GAMMA);
const MIN_VALUE = 1e-9;
const MAX_VALUE = 1e15;
const ZERO_BIN = Number.MIN_SAFE_INTEGER;

/**
 * Bins in ascending order, three numbers each: [bin, count, sum of the values, bin, …]. Typed and
 * flat, as the store holds tens of thousands of them: a third of the memory of a Map of pairs.
 */
export type Histogram = Float64Array;

/** The histogram of a Map of bin → [count, sum]. */
function histogramOf(bins: Map<number, [number, number]>): Histogram {
  const sorted = [...bins.keys()].sort((a, b) => a - b);
  const histogram = new Float64Array(sorted.length * 3);
  sorted.forEach((bin, i) => histogram.set([bin, ...bins.get(bin)!], i * 3));
  return histogram;
}

/** Two histograms added, bin by bin. */
function addHistograms(a: Histogram, b: Histogram): Histogram {
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
  return Math.ceil(Math.log(clamped) / LOG_GAMMA - 1e-12);
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

/** Parses `Sum`, `Average`, …, `p99`, `p99.9`; undefined for anything else. */
export function parseStatistic(text: string): Statistic | undefined {
  switch (text) {
    case 'SampleCount':
    case 'Sum':
    case 'Average':
    case 'Minimum':
    case 'Maximum':
      return { kind: text };
  }
  const match = /^p(\d{1,2}(?:\.\d{1,10})?|100(?:\.0+)?)$/.exec(text);
  if (match === null) return undefined;
  const p = Number(match[1]);
  return p > 0 && p <= 100 ? { kind: 'percentile', p } : undefined;
}

export function statisticValue(stats: PeriodStats, statistic: Statistic): number | undefined {
  switch (statistic.kind) {
    case 'SampleCount':
      return stats.sampleCount;
    case 'Sum':
      return stats.sum;
    case 'Average':
      return stats.sampleCount > 0 ? stats.sum / stats.sampleCount : undefined;
    case 'Minimum':
      return stats.minimum;
    case 'Maximum':
      return stats.maximum;
    case 'percentile':
      return percentile(stats, statistic.p);
  }
}

interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** undefined: percentiles are unavailable for this second. */
  hist: Histogram | undefined;
}

interface Series {
  id: MetricId;
  unit: string | undefined;
  buckets: Map<number, Bucket>;
  oldest: number;
  newest: number;
}

/** One second's data: [second, count, sum, min, max, histogram as [bin, count, sum][] or null]. */
export type BucketTuple = [number, number, number, number, number, Array<[number, number, number]> | null];

function bucketTuple(second: number, b: Bucket): BucketTuple {
  let hist: Array<[number, number, number]> | null = null;
  if (b.hist !== undefined) {
    hist = [];
    for (let i = 0; i < b.hist.length; i += 3) hist.push([b.hist[i]!, b.hist[i + 1]!, b.hist[i + 2]!]);
  }
  return [second, b.count, b.sum, b.min, b.max, hist];
}

/**
 * `JSON.stringify(bucketTuple(second, b))`, written directly: the journal writes one for every
 * addition, and a latency bucket has a few hundred bins.
 */
function bucketText(second: number, b: Bucket): string {
  const text = `[${json(second)},${json(b.count)},${json(b.sum)},${json(b.min)},${json(b.max)},`;
  const hist = b.hist;
  if (hist === undefined) return `${text}null]`;
  const bins: string[] = [];
  for (let i = 0; i < hist.length; i += 3)
    bins.push(`[${json(hist[i]!)},${json(hist[i + 1]!)},${json(hist[i + 2]!)}]`);
  return `${text}[${bins.join(',')}]]`;
}

/** A number as JSON writes it. */
function json(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

export interface MetricStoreSnapshot {
  retentionMs: number;
  series: Array<{
    namespace: string;
    name: string;
    dimensions: Record<string, string>;
    unit?: string;
    buckets: BucketTuple[];
  }>;
}

export class MetricStore {
  readonly retentionMs: number;
  private readonly series = new Map<string, Series>();

  constructor(options: { retentionMs?: number } = {}) {
    this.retentionMs = options.retentionMs ?? DEFAULT_RETENTION_MS;
  }

  /**
   * Told of every addition the store keeps, with the values as a bucket (the JSON text of its
   * BucketTuple): the local cloud's journal of metric data (local/aws/metric-journal.ts) writes
   * them down as they come.
   */
  onAdd: ((id: MetricId, unit: string | undefined, second: number, bucketJson: string) => void) | undefined;

  /** Adds values to the metric at `timestampMs`. Data older than the series' retention is dropped. */
  record(
    namespace: string,
    name: string,
    dimensions: Dimensions,
    timestampMs: number,
    values: MetricValues,
    unit?: string,
  ): void {
    const add = toBucket(values);
    if (add === undefined) return;
    this.add({ namespace, name, dimensions }, unit, Math.floor(timestampMs / 1000), add);
  }

  /** Adds a bucket written by `onAdd` (or a snapshot) back, as it was recorded. */
  addTuple(id: MetricId, unit: string | undefined, tuple: BucketTuple): void {
    const [second, count, sum, min, max, hist] = tuple;
    const histogram: Histogram | undefined =
      hist === null
        ? undefined
        : histogramOf(new Map(hist.map(([bin, binCount, binSum]) => [bin, [binCount, binSum]])));
    this.add(id, unit, second, { count, sum, min, max, hist: histogram });
  }

  private add(metric: MetricId, unit: string | undefined, second: number, add: Bucket): void {
    const id = { ...metric, dimensions: sortDimensions(metric.dimensions) };
    const key = seriesKey(id);
    let series = this.series.get(key);
    if (series === undefined) {
      series = { id, unit, buckets: new Map(), oldest: second, newest: second };
      this.series.set(key, series);
    }
    if (unit !== undefined) series.unit = unit;
    if (second <= series.newest - this.retentionMs / 1000) return;
    this.onAdd?.(series.id, unit, second, bucketText(second, add));
    const existing = series.buckets.get(second);
    series.buckets.set(second, existing === undefined ? add : merge(existing, add));
    series.oldest = Math.min(series.oldest, second);
    if (second > series.newest) {
      series.newest = second;
      this.prune(series);
    }
  }

  /** Tells `onAdd` of everything the store holds, as if it were being recorded now. */
  replayInto(onAdd: NonNullable<MetricStore['onAdd']>): void {
    for (const series of this.series.values())
      for (const [second, bucket] of series.buckets)
        onAdd(series.id, series.unit, second, bucketText(second, bucket));
  }

  /** The unit last recorded with the metric, if any. */
  unit(metric: MetricId): string | undefined {
    return this.series.get(seriesKey(metric))?.unit;
  }

  /** Every metric in the store (for METRICS()-style listings). */
  metrics(): MetricId[] {
    return [...this.series.values()].map((s) => s.id);
  }

  get seriesCount(): number {
    return this.series.size;
  }

  /**
   * The periods [startMs + k·period, startMs + (k+1)·period) before `endMs` that hold data, in
   * time order. Dimensions must match exactly, as in CloudWatch.
   */
  aggregate(metric: MetricId, startMs: number, endMs: number, periodSeconds: number): PeriodStats[] {
    const series = this.series.get(seriesKey(metric));
    if (series === undefined || periodSeconds <= 0) return [];
    const periodMs = periodSeconds * 1000;
    const out: PeriodStats[] = [];
    const first = Math.max(0, Math.floor((series.oldest * 1000 - startMs) / periodMs));
    for (let k = first; startMs + k * periodMs < endMs; k += 1) {
      const from = startMs + k * periodMs;
      if (from > series.newest * 1000) break;
      const to = Math.min(from + periodMs, endMs);
      const stats = this.periodStats(series, from, to);
      if (stats !== undefined) out.push(stats);
    }
    return out;
  }

  /** One statistic per period with data, in time order. */
  query(
    metric: MetricId,
    startMs: number,
    endMs: number,
    periodSeconds: number,
    statistic: Statistic,
  ): Array<{ timestamp: number; value: number }> {
    return this.aggregate(metric, startMs, endMs, periodSeconds).flatMap((stats) => {
      const value = statisticValue(stats, statistic);
      return value === undefined ? [] : [{ timestamp: stats.timestamp, value }];
    });
  }

  snapshot(): MetricStoreSnapshot {
    return {
      retentionMs: this.retentionMs,
      series: [...this.series.values()].map((s) => ({
        namespace: s.id.namespace,
        name: s.id.name,
        dimensions: { ...s.id.dimensions },
        ...(s.unit === undefined ? {} : { unit: s.unit }),
        buckets: [...s.buckets].map(([second, b]) => bucketTuple(second, b)),
      })),
    };
  }

  /**
   * Replaces the store's data with a snapshot's, or, if the snapshot cannot be read, throws and
   * keeps what the store had: it is read into a scratch store first.
   */
  restore(snapshot: MetricStoreSnapshot): void {
    const load = (store: MetricStore) => {
      for (const s of snapshot.series) for (const tuple of s.buckets) store.addTuple(s, s.unit, tuple);
    };
    try {
      if (!Array.isArray(snapshot.series)) throw new Error('it has no series list');
      load(new MetricStore({ retentionMs: this.retentionMs }));
    } catch (error) {
      throw new Error(
        `The metric data in the snapshot cannot be read (${(error as Error).message}): fix the file or start with an empty data folder.`,
      );
    }
    this.series.clear();
    load(this);
  }

  private periodStats(series: Series, from: number, to: number): PeriodStats | undefined {
    let result: Bucket | undefined;
    const firstSecond = Math.max(Math.ceil(from / 1000), series.oldest);
    const lastSecond = Math.min(Math.ceil(to / 1000) - 1, series.newest);
    for (let second = firstSecond; second <= lastSecond; second += 1) {
      const bucket = series.buckets.get(second);
      if (bucket === undefined) continue;
      result = result === undefined ? copy(bucket) : merge(result, bucket);
    }
    if (result === undefined) return undefined;
    return {
      timestamp: from,
      sampleCount: result.count,
      sum: result.sum,
      minimum: result.min,
      maximum: result.max,
      ...(result.hist === undefined ? {} : { histogram: result.hist }),
    };
  }

  private prune(series: Series): void {
    const cutoff = series.newest - this.retentionMs / 1000;
    if (series.oldest > cutoff) return;
    if (cutoff - series.oldest > series.buckets.size) {
      for (const second of series.buckets.keys()) if (second <= cutoff) series.buckets.delete(second);
    } else {
      for (let second = series.oldest; second <= cutoff; second += 1) series.buckets.delete(second);
    }
    series.oldest = Math.floor(cutoff) + 1;
  }
}

export function sortDimensions(dimensions: Dimensions): Record<string, string> {
  return Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function seriesKey(metric: MetricId): string {
  return JSON.stringify([metric.namespace, metric.name, Object.entries(sortDimensions(metric.dimensions))]);
}

function toBucket(values: MetricValues): Bucket | undefined {
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

function copy(bucket: Bucket): Bucket {
  // Histograms are never changed in place (merge makes a new one), so a copy may share one.
  return { ...bucket };
}

/** Adds `b` into `a` (mutating and returning `a`). */
function merge(a: Bucket, b: Bucket): Bucket {
  a.count += b.count;
  a.sum += b.sum;
  a.min = Math.min(a.min, b.min);
  a.max = Math.max(a.max, b.max);
  a.hist = a.hist === undefined || b.hist === undefined ? undefined : addHistograms(a.hist, b.hist);
  return a;
}
