// The two judges of the study, each at the looks the engine gives it in the demo's linear plan:
// one look at every step's shift, the last (before 100%) final (analysis-plan.ts). Each uses
// the engine's own functions; only the data come from the simulation (world.ts).

import {
  analysisVerdict,
  analysisWindows,
  isFinalAnalysis,
  MIN_ANALYSIS_MINUTES,
  minutesIn,
  sequentialWindow,
  withFirstLook,
  type TimeWindow,
} from '../../shared/domain/analysis-plan.js';
import { judge } from '../../shared/domain/judge.js';
import type { AnalysisSettings } from '../../shared/domain/judge-scoring.js';
import type { MetricRules } from '../../shared/domain/judge-classification.js';
import { judgeMinutes, type MetricEvidence } from '../../shared/domain/sequential-judge.js';
import type { TrafficStep } from '../../shared/domain/schedule.js';
import { PLAN, weightAt, type Minute, type Run, type SideMinute } from './world.js';

export type Method = 'sequential' | 'mann-whitney';
export const METHODS: readonly Method[] = ['sequential', 'mann-whitney'];

/** The study's analysis settings: the demo's two metrics, and the p99 the slow kind moves. */
const rule = (name: string, allowedIncrease: number, critical = false): MetricRules => ({
  name,
  direction: 'increase',
  allowedIncrease,
  allowedDecrease: 0.9,
  critical,
  mustHaveData: false,
  outliers: 'keep',
  group: 'default',
});
export const STUDY_SETTINGS: AnalysisSettings & { metrics: MetricRules[] } = {
  thresholds: { pass: 95, marginal: 75 },
  metrics: [rule('error-rate', 2, true), rule('latency-p50', 1.2), rule('latency-p99', 1.2)],
};

export interface Detection {
  /** Minutes from the first production traffic to the look that stopped the rollout. */
  minutes: number;
  /** The canary's production weight, in percent, when it was stopped. */
  weight: number;
}

/** The schedule each method rolls out by: the sequential judge holds the first step for its first look. */
export const SCHEDULES: Record<Method, readonly TrafficStep[]> = {
  sequential: withFirstLook(PLAN),
  'mann-whitney': PLAN,
};

/**
 * The look that stopped the rollout, or null when the canary reached 100%. A look is the
 * shift to each step after the first, which judges the bake before it; the last is final.
 */
export function detect(method: Method, run: Run): Detection | null {
  const look = method === 'sequential' ? sequentialLook : mannWhitneyLook;
  const schedule = SCHEDULES[method];
  for (let step = 1; step < schedule.length; step++) {
    const now = run.trafficStartedAt + schedule[step]!.atSeconds * 1000;
    const final = isFinalAnalysis('linear', step - 1, schedule.length);
    if (look(run, now, final)) {
      return {
        minutes: (now - run.trafficStartedAt) / 60_000,
        weight: weightAt(schedule, run.trafficStartedAt, now - 1),
      };
    }
  }
  return null;
}

function within(run: Run, window: TimeWindow): Minute[] {
  return run.minutes.filter((m) => m.at >= window.start && m.at < window.end);
}

/** The fixed-horizon judge: whole minutes, 2 minutes late, at least 5 before the last look. */
function mannWhitneyLook(run: Run, now: number, final: boolean): boolean {
  const windows = analysisWindows('linear', run.trafficStartedAt, now);
  const minutes = windows === null ? 0 : minutesIn(windows.canary);
  if (windows === null || (!final && minutes < MIN_ANALYSIS_MINUTES)) return false;
  const data = within(run, windows.canary);
  const series = (side: 'canary' | 'baseline') => [
    { name: 'error-rate', values: data.map((m) => errorRate(m[side])) },
    { name: 'latency-p50', values: data.map((m) => quantile(m[side].latencies, 0.5)) },
    { name: 'latency-p99', values: data.map((m) => quantile(m[side].latencies, 0.99)) },
  ];
  const result = judge({ baseline: series('baseline'), canary: series('canary') }, STUDY_SETTINGS);
  return analysisVerdict(result, final, STUDY_SETTINGS.thresholds).verdict !== 'continue';
}

/** The sequential judge: every minute since the first traffic, 1 minute late. */
function sequentialLook(run: Run, now: number, final: boolean): boolean {
  const window = sequentialWindow(run.trafficStartedAt, now);
  const data = window === null ? [] : within(run, window);
  const counts = (name: string, events: string, count: (side: SideMinute) => number): MetricEvidence => ({
    name,
    kind: 'counts',
    events,
    minutes: data.map((m) => ({
      at: m.at,
      canaryEvents: count(m.canary),
      canaryExposure: m.canary.requests,
      baselineEvents: count(m.baseline),
      baselineExposure: m.baseline.requests,
    })),
  });
  const slower = (threshold: number) => (side: SideMinute) =>
    side.latencies.filter((l) => l > threshold).length;
  const evidence = [
    counts('error-rate', '5xx answers', (side) => side.errors),
    counts('latency-p50', 'requests slower than the p50', slower(run.thresholds.p50)),
    counts('latency-p99', 'requests slower than the p99', slower(run.thresholds.p99)),
  ];
  return judgeMinutes(evidence, STUDY_SETTINGS.metrics, { final }).classification === 'Fail';
}

function errorRate(side: SideMinute): number {
  return side.requests === 0 ? NaN : (100 * side.errors) / side.requests;
}

/** The q-quantile of a minute's latencies (nearest rank), NaN for none. */
function quantile(values: Float64Array, q: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}
