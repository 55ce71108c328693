// The local cloud's metric data: one series per (namespace, metric name, sorted dimensions), and
// in each series one bucket per second of aggregated values — sum, count, minimum, maximum and a
// sparse log-scale histogram from which percentiles are estimated (metric-values.ts), packed per
// series (metric-series.ts). What each statistic makes of a period is in metric-statistics.ts.
// Memory is bounded: a series keeps only the newest `retentionMs` of simulated time (default 3
// hours).

import { SeriesBuckets } from './metric-series.js';
import { statisticValue, type Statistic } from './metric-statistics.js';
import {
  copy,
  histogramOf,
  merge,
  toBucket,
  type Bucket,
  type Histogram,
  type MetricValues,
} from './metric-values.js';

export {
  percentile,
  ValueSet,
  type Histogram,
  type MetricValues,
  type StatisticSet,
} from './metric-values.js';
export { parseStatistic, statisticValue, type Statistic } from './metric-statistics.js';

export type Dimensions = Readonly<Record<string, string>>;

export interface MetricId {
  namespace: string;
  name: string;
  dimensions: Dimensions;
}

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

const DEFAULT_RETENTION_MS = 3 * 60 * 60 * 1000;

interface Series {
  id: MetricId;
  unit: string | undefined;
  buckets: SeriesBuckets;
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
      series = { id, unit, buckets: new SeriesBuckets(), oldest: second, newest: second };
      this.series.set(key, series);
    }
    if (unit !== undefined) series.unit = unit;
    if (second <= series.newest - this.retentionMs / 1000) return;
    this.onAdd?.(series.id, unit, second, bucketText(second, add));
    series.buckets.add(second, add);
    series.oldest = Math.min(series.oldest, second);
    if (second > series.newest) {
      series.newest = second;
      this.prune(series);
    }
  }

  /** Tells `onAdd` of everything the store holds, as if it were being recorded now. */
  replayInto(onAdd: NonNullable<MetricStore['onAdd']>): void {
    for (const series of this.series.values())
      for (const [second, bucket] of series.buckets.all())
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
        buckets: [...s.buckets.all()].map(([second, b]) => bucketTuple(second, b)),
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
    for (const [, bucket] of series.buckets.between(firstSecond, lastSecond))
      result = result === undefined ? copy(bucket) : merge(result, bucket);
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
    series.buckets.dropUntil(cutoff);
    series.oldest = Math.floor(cutoff) + 1;
  }
}

export function sortDimensions(dimensions: Dimensions): Record<string, string> {
  return Object.fromEntries(Object.entries(dimensions).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function seriesKey(metric: MetricId): string {
  return JSON.stringify([metric.namespace, metric.name, Object.entries(sortDimensions(metric.dimensions))]);
}
