// What the sequential judge reads from CloudWatch, minute by minute, for both task sets, and how
// it keeps it: each look reads only the minutes after the last one it read, and adds them to
// the deployment's evidence (a tally of one size however long the rollout: its totals and its
// likelihoods), which no later look reads again (docs/analysis.md, "When the sequential judge
// looks, and what it reads").
//
// - error-rate: the target group's 5xx answers (HTTPCode_Target_5XX_Count, Sum) among its
//   requests (RequestCount, Sum). A minute without a 5xx datapoint had none.
// - latency-p50 / latency-p99: the requests slower than the stable task set's p50 (p99) over
//   the 10 minutes before the first shift, counted from TargetResponseTime's SampleCount and its
//   percentile rank PR(:threshold), the share at or below the threshold.
// - an expression: its value each minute, canary against baseline (the sign test).

import { ANALYSIS_PERIOD_SECONDS, type TimeWindow } from '../domain/analysis-plan.js';
import type { AnalysisMetric } from '../domain/catalog-schema.js';
import {
  tallyEvidence,
  type CountEvidenceMinute,
  type Evidence,
  type MetricEvidence,
} from '../domain/sequential-judge.js';
import type { MetricTarget, TimedSeries } from '../ports/metrics.js';
import type { EngineDeps } from './deps.js';

const ELB = 'AWS/ApplicationELB';
/** The minutes before the first shift whose latency sets each latency metric's threshold. */
export const THRESHOLD_MINUTES = 10;

export interface Sides {
  canary: MetricTarget;
  baseline: MetricTarget;
}

type Deps = Pick<EngineDeps, 'metrics'>;

/** A CloudWatch statistic of one ELB metric, as an analysis metric the port can read. */
function stat(name: string, metricName: string, statistic: string): AnalysisMetric {
  return {
    name,
    source: { expression: 'v', inputs: [{ id: 'v', namespace: ELB, metricName, stat: statistic }] },
    direction: 'increase',
    allowedIncrease: 1.1,
    allowedDecrease: 0.9,
    critical: false,
    mustHaveData: false,
    outliers: 'keep',
    group: 'default',
  };
}

function percentileOf(metric: AnalysisMetric): 'p50' | 'p99' | null {
  if (!('builtin' in metric.source)) return null;
  if (metric.source.builtin === 'latency-p50') return 'p50';
  return metric.source.builtin === 'latency-p99' ? 'p99' : null;
}

/** The evidence before the first look: the latency thresholds, read from the stable task set. */
export async function startEvidence(
  deps: Deps,
  metrics: readonly AnalysisMetric[],
  stable: MetricTarget,
  trafficStartedAt: number,
): Promise<Evidence> {
  const period = ANALYSIS_PERIOD_SECONDS * 1000;
  const end = Math.floor(trafficStartedAt / period) * period;
  const window = { start: end - THRESHOLD_MINUTES * period, end };
  const latency = metrics.filter((m) => percentileOf(m) !== null);
  const read = await deps.metrics.series(
    latency.map((m) => stat(m.name, 'TargetResponseTime', percentileOf(m)!)),
    stable,
    window,
    THRESHOLD_MINUTES * ANALYSIS_PERIOD_SECONDS,
  );
  const thresholds: Record<string, number | null> = {};
  for (const m of latency) {
    const value = read.find((s) => s.name === m.name)?.values[0];
    // CloudWatch takes a bound of up to 10 decimal places; six significant digits are plenty.
    thresholds[m.name] = value === undefined ? null : Number(value.toPrecision(6));
  }
  // Nothing read yet: each metric's tally starts with its first minutes.
  return { readThrough: window.end, thresholds, metrics: [] };
}

function eventsOf(metric: AnalysisMetric, threshold: number | null | undefined): string {
  const p = percentileOf(metric);
  if (p === null) return '5xx answers';
  return threshold === null || threshold === undefined
    ? `requests slower than the stable p${p.slice(1)} (unknown: no latency before the first shift)`
    : `requests slower than ${threshold} s (the stable task set's ${p} before the first shift)`;
}

/** The evidence with the minutes of `window` it has not read yet. */
export async function addMinutes(
  deps: Deps,
  evidence: Evidence,
  metrics: readonly AnalysisMetric[],
  sides: Sides,
  window: TimeWindow,
): Promise<Evidence> {
  const start = Math.max(window.start, evidence.readThrough);
  if (window.end <= start) return evidence;
  const span = { start, end: window.end };
  const queries = metrics.flatMap((m) => queriesFor(m, evidence.thresholds[m.name]));
  const [canary, baseline] = await Promise.all([
    deps.metrics.series(queries, sides.canary, span, ANALYSIS_PERIOD_SECONDS),
    deps.metrics.series(queries, sides.baseline, span, ANALYSIS_PERIOD_SECONDS),
  ]);
  const read: MetricEvidence[] = metrics.map((m) =>
    'builtin' in m.source
      ? {
          name: m.name,
          kind: 'counts',
          events: eventsOf(m, evidence.thresholds[m.name]),
          minutes: countMinutes(canary, baseline, m, evidence.thresholds[m.name]),
        }
      : { name: m.name, kind: 'values', minutes: pairValues(canary, baseline, m.name) },
  );
  return { ...evidence, readThrough: span.end, metrics: tallyEvidence(read, metrics, evidence.metrics) };
}

/** The reads one metric needs: an expression itself; a count's events and exposure. */
function queriesFor(metric: AnalysisMetric, threshold: number | null | undefined): AnalysisMetric[] {
  if (!('builtin' in metric.source)) return [metric];
  if (percentileOf(metric) === null) {
    return [
      stat(`${metric.name}--events`, 'HTTPCode_Target_5XX_Count', 'Sum'),
      stat(`${metric.name}--exposure`, 'RequestCount', 'Sum'),
    ];
  }
  if (threshold === null || threshold === undefined) return [];
  return [
    stat(`${metric.name}--rank`, 'TargetResponseTime', `PR(:${threshold})`),
    stat(`${metric.name}--exposure`, 'TargetResponseTime', 'SampleCount'),
  ];
}

function byTime(series: readonly TimedSeries[], name: string): Map<number, number> {
  const found = series.find((s) => s.name === name);
  return new Map((found?.timestamps ?? []).map((t, i) => [t, found!.values[i]!]));
}

/** Each minute either side served requests in: its events and exposure on both sides. */
function countMinutes(
  canary: readonly TimedSeries[],
  baseline: readonly TimedSeries[],
  metric: AnalysisMetric,
  threshold: number | null | undefined,
): CountEvidenceMinute[] {
  const latency = percentileOf(metric) !== null;
  if (latency && (threshold === null || threshold === undefined)) return [];
  const side = (series: readonly TimedSeries[]) => {
    const exposure = byTime(series, `${metric.name}--exposure`);
    const other = byTime(series, `${metric.name}--${latency ? 'rank' : 'events'}`);
    // PR is the share at or below the threshold, in percent: the rest were slower.
    const events = (at: number, requests: number): number =>
      latency ? Math.round((requests * (100 - (other.get(at) ?? 100))) / 100) : (other.get(at) ?? 0);
    return { exposure, events };
  };
  const c = side(canary);
  const b = side(baseline);
  const minutes = [...new Set([...c.exposure.keys(), ...b.exposure.keys()])].sort((x, y) => x - y);
  return minutes.map((at) => {
    const canaryExposure = c.exposure.get(at) ?? 0;
    const baselineExposure = b.exposure.get(at) ?? 0;
    return {
      at,
      canaryEvents: c.events(at, canaryExposure),
      canaryExposure,
      baselineEvents: b.events(at, baselineExposure),
      baselineExposure,
    };
  });
}

/** Minutes both sides have a value in, paired. */
function pairValues(canary: readonly TimedSeries[], baseline: readonly TimedSeries[], name: string) {
  const c = byTime(canary, name);
  const b = byTime(baseline, name);
  return [...c.keys()]
    .filter((at) => b.has(at))
    .sort((x, y) => x - y)
    .map((at) => ({ at, canary: c.get(at)!, baseline: b.get(at)! }));
}
