// Running validated MetricDataQueries over the metric store: each query on a grid of periods
// starting at `startMs`, metric math evaluated on the same grid. Used by GetMetricData and by
// metric math alarms.

import { queryPeriodOf, validationError, type Query } from './cloudwatch-input.js';
import {
  evaluateMetricMath,
  finalSeries,
  type LabeledSeries,
  type MathValue,
  type Values,
} from './metric-math.js';
import type { MetricStore } from './metric-store.js';
import { MetricMathError } from '../errors.js';

export interface QueryResult {
  id: string;
  label: string;
  /** Period starts (ms), oldest first, only where the series has a value. */
  timestamps: number[];
  values: number[];
}

/** Period starts from `startMs` up to (not including) `endMs`. */
export function grid(startMs: number, endMs: number, periodSeconds: number): number[] {
  const out: number[] = [];
  for (let t = startMs; t < endMs; t += periodSeconds * 1000) out.push(t);
  return out;
}

/**
 * CloudWatch rounds the start of a query down: to the whole minute for periods of a minute or more,
 * to a multiple of the period for high-resolution periods.
 */
export function alignStart(startMs: number, periodSeconds: number): number {
  const unit = (periodSeconds >= 60 ? 60 : periodSeconds) * 1000;
  return Math.floor(startMs / unit) * unit;
}

/** Evaluates every query (each on its own period's grid) and returns the value of each id. */
export function runQueries(
  store: MetricStore,
  queries: readonly Query[],
  startMs: number,
  endMs: number,
  options: { align?: boolean } = {},
): Map<string, { timestamps: number[]; value: MathValue }> {
  const byId = new Map(queries.map((q) => [q.id, q]));
  const results = new Map<string, { timestamps: number[]; value: MathValue }>();
  const periods = new Map(queries.map((q) => [q.id, queryPeriodOf(q, queries) ?? 60]));
  const start = (period: number) => (options.align === false ? startMs : alignStart(startMs, period));

  const run = (q: Query): { timestamps: number[]; value: MathValue } => {
    const done = results.get(q.id);
    if (done !== undefined) return done;
    const period = periods.get(q.id)!;
    const timestamps = grid(start(period), endMs, period);
    let value: MathValue;
    if (q.kind === 'metric') {
      value = { type: 'series', values: metricValues(store, q, timestamps, endMs) };
    } else {
      const sameGrid = (other: Query) => {
        if (periods.get(other.id) !== period) {
          throw validationError(
            `Error in expression ${q.id}: ${other.id} has a period of ${periods.get(other.id)} seconds, not ${period}.`,
          );
        }
      };
      try {
        value = evaluateMetricMath(q.node, {
          length: timestamps.length,
          periodSeconds: period,
          resolve: (id) => {
            const other = byId.get(id);
            if (other === undefined) return undefined;
            sameGrid(other);
            return run(other).value;
          },
          metrics: (filter) =>
            queries
              .filter((m) => m.kind === 'metric' && m.id.includes(filter))
              .map((m): LabeledSeries => {
                sameGrid(m);
                return { values: seriesOf(run(m).value), label: labelOf(m) };
              }),
        });
      } catch (error) {
        if (error instanceof MetricMathError)
          throw validationError(`Error in expression ${q.id}: ${error.message}`);
        throw error;
      }
    }
    const result = { timestamps, value };
    results.set(q.id, result);
    return result;
  };

  for (const q of queries) run(q);
  return results;
}

/** The results GetMetricData returns: one per series of each query with ReturnData. */
export function returnedResults(
  queries: readonly Query[],
  results: Map<string, { timestamps: number[]; value: MathValue }>,
): QueryResult[] {
  return queries
    .filter((q) => q.returnData)
    .flatMap((q) => {
      const { timestamps, value } = results.get(q.id)!;
      let series: LabeledSeries[];
      try {
        series = finalSeries(value, q.id);
      } catch (error) {
        throw validationError((error as Error).message);
      }
      return series.map(({ values, label }) => {
        const points = timestamps.flatMap((t, i) =>
          values[i] === undefined ? [] : [[t, values[i]] as const],
        );
        const base = labelOf(q);
        return {
          id: q.id,
          label:
            series.length > 1
              ? [q.label, label].filter((part) => part !== undefined && part !== '').join(' ')
              : base,
          timestamps: points.map(([t]) => t),
          values: points.map(([, v]) => v),
        };
      });
    });
}

function labelOf(q: Query): string {
  if (q.label !== undefined) return q.label;
  return q.kind === 'metric' ? q.metric.name : q.id;
}

function seriesOf(value: MathValue): Values {
  if (value.type !== 'series') throw new MetricMathError('expected a time series');
  return value.values;
}

function metricValues(
  store: MetricStore,
  q: Extract<Query, { kind: 'metric' }>,
  timestamps: number[],
  endMs: number,
): Values {
  const values: Array<number | undefined> = timestamps.map(() => undefined);
  const first = timestamps[0];
  if (first === undefined) return values;
  if (q.unit !== undefined && store.unit(q.metric) !== undefined && store.unit(q.metric) !== q.unit)
    return values;
  const periodMs = q.period * 1000;
  for (const point of store.query(q.metric, first, endMs, q.period, q.stat)) {
    values[Math.round((point.timestamp - first) / periodMs)] = point.value;
  }
  return values;
}
