// When canary analysis runs, over which minutes, and what its verdict does to the
// deployment. Canary and linear rollouts compare the two target groups over the same
// minutes, from the first traffic shift up to a few minutes before now (the newest minutes'
// ALB metrics may not have reached CloudWatch yet; Kayenta's growing interval); each
// judgement before the last only has to stay above `marginal`. Blue-green has no two
// groups serving at once, so it compares the new group's minutes after the shift with
// as many minutes of the old group just before it, once, before promotion.

import type { Strategy } from './catalog-schema.js';
import type { TrafficStep } from './schedule.js';
import type { AnalysisSettings, JudgeResult } from './judge-scoring.js';

/**
 * The most metrics a service's analysis may judge. A deployment keeps every look's judgement of
 * each (with the sequential judge's tally of each), and its record is one DynamoDB item: 400 KB.
 */
export const MAX_ANALYSIS_METRICS = 10;

/** ALB metrics are kept per minute: the analysis judges whole minutes. */
export const ANALYSIS_PERIOD_SECONDS = 60;

/**
 * The fewest minutes a judgement uses. With 4 values a side, no Mann-Whitney result reaches
 * the judge's 98% confidence (the smallest two-sided p is 2/70); with 5 it can (2/252). An
 * earlier judgement before the last is skipped, and the catalog makes sure the last has them.
 */
export const MIN_ANALYSIS_MINUTES = 5;

/**
 * How many minutes before now an analysis window ends. Elastic Load Balancing "measures and sends
 * its metrics in 60-second intervals", so a minute has no datapoint before it ends, and AWS
 * documents no bound on how much later it shows in CloudWatch. A minute still missing (or
 * partly counted) would read as no data, or as a quiet minute, and shrink the sample. Every
 * minute judged ended at least this long ago (docs/analysis.md, "Whole minutes").
 */
export const ANALYSIS_LAG_MINUTES = 2;

/**
 * Canary traffic a schedule must give before its last step for a final judgement of 5 whole
 * minutes: those, the minute cut short at the start, and the lag at the end.
 */
export const MIN_ANALYSIS_SECONDS =
  (MIN_ANALYSIS_MINUTES + 1 + ANALYSIS_LAG_MINUTES) * ANALYSIS_PERIOD_SECONDS;

/**
 * How many minutes after its end the sequential judge reads a minute. It reads each minute once
 * and keeps it (its tests need data revealed in order), so a minute is read when ELB's
 * 60-second report of it should be in; one that is late is read as far as it has come, which
 * weakens the evidence but does not bias it: both task sets' counts come from the same reports
 * (docs/analysis.md, "When the sequential judge looks").
 */
export const SEQUENTIAL_LAG_MINUTES = 1;

/**
 * The minutes the sequential judge may read at `now`: from the one in which production traffic
 * first reached the new task set (counts need no whole minute: a part-minute holds fewer
 * requests on both sides) to the last one that ended `SEQUENTIAL_LAG_MINUTES` before now.
 */
export function sequentialWindow(trafficStartedAt: number, now: number): TimeWindow | null {
  const period = ANALYSIS_PERIOD_SECONDS * 1000;
  const start = Math.floor(trafficStartedAt / period) * period;
  const end = Math.floor((now - SEQUENTIAL_LAG_MINUTES * period) / period) * period;
  return end > start ? { start, end } : null;
}

/**
 * How long the first step of a canary or linear schedule lasts at least under the sequential
 * judge: its first look then has a whole minute of canary traffic to read (the minute after
 * the shift, and the lag after it). A schedule whose first step is longer is kept as it is.
 */
export const SEQUENTIAL_FIRST_STEP_SECONDS = (2 + SEQUENTIAL_LAG_MINUTES) * ANALYSIS_PERIOD_SECONDS;

/**
 * The schedule the sequential judge rolls out by: the first step held for at least
 * SEQUENTIAL_FIRST_STEP_SECONDS, every later step as much later. Before the weight first
 * rises, the judge has read a whole minute of canary traffic: a release slower or failing
 * plainly stops at the first step's weight.
 */
export function withFirstLook(schedule: readonly TrafficStep[]): TrafficStep[] {
  const first = schedule[0];
  if (schedule.length < 2 || first === undefined || first.bakeSeconds >= SEQUENTIAL_FIRST_STEP_SECONDS) {
    return schedule.map((step) => ({ ...step }));
  }
  const added = SEQUENTIAL_FIRST_STEP_SECONDS - first.bakeSeconds;
  return schedule.map((step, index) =>
    index === 0
      ? { ...step, bakeSeconds: SEQUENTIAL_FIRST_STEP_SECONDS }
      : { ...step, atSeconds: step.atSeconds + added },
  );
}

/** Whole minutes in a window. */
export function minutesIn(window: TimeWindow): number {
  return (window.end - window.start) / (ANALYSIS_PERIOD_SECONDS * 1000);
}

/** A span of time in ms since the epoch: `start` included, `end` excluded. */
export interface TimeWindow {
  start: number;
  end: number;
}

export interface AnalysisWindows {
  baseline: TimeWindow;
  canary: TimeWindow;
}

/** What a judgement does: go on, pause for a person, or roll back. */
export type AnalysisVerdict = 'continue' | 'pause' | 'roll back';

/** The whole periods inside [from, to), or null when there is none. */
export function wholePeriods(from: number, to: number, periodSeconds: number): TimeWindow | null {
  const period = periodSeconds * 1000;
  const start = Math.ceil(from / period) * period;
  const end = Math.floor(to / period) * period;
  return end > start ? { start, end } : null;
}

/**
 * The minutes to compare, given when production traffic first reached the new task set: the
 * whole ones between then and `lagMinutes` before now; null when there is none yet.
 */
export function analysisWindows(
  strategy: Strategy,
  trafficStartedAt: number,
  now: number,
  periodSeconds = ANALYSIS_PERIOD_SECONDS,
  lagMinutes = ANALYSIS_LAG_MINUTES,
): AnalysisWindows | null {
  const canary = wholePeriods(trafficStartedAt, now - lagMinutes * 60_000, periodSeconds);
  if (canary === null) return null;
  if (strategy !== 'blue-green') return { baseline: canary, canary };
  const period = periodSeconds * 1000;
  const end = Math.floor(trafficStartedAt / period) * period;
  return { baseline: { start: end - (canary.end - canary.start), end }, canary };
}

/**
 * What a failed judgement does under the catalog's `onFail`: it pauses for a person when every
 * metric that failed pauses (its own `onFail`, else the service's), and rolls back otherwise.
 * A failure no metric is named for (too many without data, say) follows the service's.
 */
export function onFailVerdict(
  failedMetrics: readonly string[],
  analysis: {
    onFail?: 'rollback' | 'pause' | undefined;
    metrics?: readonly { name: string; onFail?: 'rollback' | 'pause' | undefined }[] | undefined;
  },
): 'roll back' | 'pause' {
  const service = analysis.onFail ?? 'rollback';
  const of = (name: string) => analysis.metrics?.find((m) => m.name === name)?.onFail ?? service;
  const pauses =
    failedMetrics.length === 0 ? service === 'pause' : failedMetrics.every((n) => of(n) === 'pause');
  return pauses ? 'pause' : 'roll back';
}

/**
 * The last judgement of a deployment must reach `pass`; the ones before only stay above
 * `marginal`. In a canary or linear schedule the last one follows the last step before 100%.
 */
export function isFinalAnalysis(strategy: Strategy, stepIndex: number, scheduleLength: number): boolean {
  return strategy === 'blue-green' || stepIndex >= scheduleLength - 2;
}

/**
 * The final judgement: Pass continues, Marginal pauses for a person, Fail rolls back. A
 * judgement before the last continues while the score is above `marginal` (Kayenta's
 * MonitorCanaryTask) and rolls back otherwise.
 */
export function analysisVerdict(
  result: Pick<JudgeResult, 'classification' | 'score' | 'reason'>,
  final: boolean,
  thresholds: AnalysisSettings['thresholds'],
): { verdict: AnalysisVerdict; reason: string } {
  if (final) {
    const verdict = { Pass: 'continue', Marginal: 'pause', Fail: 'roll back' } as const;
    return { verdict: verdict[result.classification], reason: `final analysis: ${result.reason}` };
  }
  const above = result.score > thresholds.marginal;
  if (above) {
    return {
      verdict: 'continue',
      reason: `interim analysis: ${result.reason}; above marginal ${thresholds.marginal}, so the rollout goes on`,
    };
  }
  const why =
    result.classification === 'Fail'
      ? ''
      : `; an interim score must be above marginal ${thresholds.marginal}`;
  return { verdict: 'roll back', reason: `interim analysis: ${result.reason}${why}` };
}
