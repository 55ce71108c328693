// The sequential canary judge (`analysis.method: sequential`): at every look it weighs all the
// evidence gathered since the canary first took production traffic, and decides a metric as
// soon as the evidence suffices, with its false-fail rate bounded however often it looks
// (e-values.ts; docs/analysis.md, "The sequential judge"). Pure functions over plain data.
//
// A metric is High (or Low) once its test rejects "the canary's rate is within the allowed
// ratio of the baseline's", Pass once the opposite test rejects "it is beyond it", and
// Undecided before either. The run's false-fail rate α is split evenly among the tests
// (Bonferroni), so a healthy release fails with probability at most α over the whole rollout.

import {
  gridInterval,
  gridLogE,
  likelihoodGrid,
  signLogE,
  type CountMinute,
  type LikelihoodGrid,
} from './e-values.js';
import type { MetricRules } from './judge-classification.js';

/** The run's false-fail rate unless the catalog says otherwise. */
export const DEFAULT_FALSE_FAIL_RATE = 0.01;

/** A minute of evidence: it starts at `at` (ms since the epoch). */
export type CountEvidenceMinute = CountMinute & { at: number };
export interface ValueEvidenceMinute {
  at: number;
  canary: number;
  baseline: number;
}

/**
 * New minutes of one metric, as a look reads them: each minute is read once, and a later look
 * adds minutes and never changes one (the tests' guarantee needs data revealed in order).
 */
export type MetricEvidence =
  | { name: string; kind: 'counts'; events: string; minutes: CountEvidenceMinute[] }
  | { name: string; kind: 'values'; minutes: ValueEvidenceMinute[] };

interface SideCounts {
  events: number;
  exposure: number;
}

interface SignCounts {
  worse: number;
  better: number;
  ties: number;
}

/**
 * What the judge keeps of one metric: totals, and for counts the log-likelihood of the rate
 * ratio around each bound it tests (its sufficient statistic, additive over minutes), so the
 * kept evidence has one size however long the rollout runs.
 */
export type MetricTally =
  | {
      name: string;
      kind: 'counts';
      events: string;
      minutes: number;
      canary: SideCounts;
      baseline: SideCounts;
      grids: Partial<Record<Side, LikelihoodGrid>>;
    }
  | { name: string; kind: 'values'; minutes: number; signs: Partial<Record<Side, SignCounts>> };

type Side = 'increase' | 'decrease';

/** The evidence a deployment keeps: what it read up to `readThrough`, and each latency threshold. */
export interface Evidence {
  /** The end of the last minute read, ms since the epoch; nothing before it is read again. */
  readThrough: number;
  /** Seconds; null where the stable task set had no latency data before the first shift. */
  thresholds: Record<string, number | null>;
  metrics: MetricTally[];
}

export type SequentialClassification = 'High' | 'Low' | 'Pass' | 'Undecided' | 'Nodata';

/** One metric's judgement, with what it rests on: the analysis explains itself. */
export interface SequentialMetricResult {
  name: string;
  classification: SequentialClassification;
  /** A High or Low of a critical metric, or a critical metric without data at the last look. */
  critical: boolean;
  /** The decision and the rule that made it, in words. */
  reason: string;
  samples: SampleCounts;
  effect: Effect;
  /** log10 of the e-values: against the allowed bound (`fail`), and against a breach of it (`pass`). */
  log10E: { fail: number; pass: number };
  /** log10 of the e-value a test must reach: 1/α per test. */
  log10Threshold: number;
}

/** A metric's decision and evidence at one look, without the account of what it rests on. */
export type MetricBrief = Pick<
  SequentialMetricResult,
  'name' | 'classification' | 'log10E' | 'log10Threshold'
>;

export function briefOf(metric: SequentialMetricResult): MetricBrief {
  const { name, classification, log10E, log10Threshold } = metric;
  return { name, classification, log10E, log10Threshold };
}

export type SampleCounts = CountSamples | { minutes: number; worse: number; better: number; ties: number };

/** The effect with its confidence sequence: a rate ratio, or the share of minutes the canary was worse. */
export type Effect =
  | { measure: 'rate ratio'; estimate: number | null; interval: { low: number; high: number } | null }
  | { measure: 'share of minutes worse'; estimate: number | null; interval: null };

export interface SequentialResult {
  /** Fail: some metric's regression is shown; Pass: every metric is shown within bounds. */
  classification: 'Pass' | 'Fail' | 'Undecided';
  reason: string;
  falseFailRate: number;
  metrics: SequentialMetricResult[];
}

type Rules = Pick<
  MetricRules,
  'name' | 'direction' | 'allowedIncrease' | 'allowedDecrease' | 'critical' | 'mustHaveData'
>;

/** The tests one metric runs: one per direction that counts. */
function sidesOf(rule: Rules): ('increase' | 'decrease')[] {
  return rule.direction === 'either' ? ['increase', 'decrease'] : [rule.direction];
}

/** What the judge keeps of `evidence`, added to what it kept before (`previous`). */
export function tallyEvidence(
  evidence: readonly MetricEvidence[],
  rules: readonly Rules[],
  previous: readonly MetricTally[] = [],
): MetricTally[] {
  return rules.flatMap((rule) => {
    const before = previous.find((t) => t.name === rule.name);
    const added = evidence.find((e) => e.name === rule.name);
    if (added === undefined) return before === undefined ? [] : [before];
    return [added.kind === 'counts' ? tallyCounts(added, rule, before) : tallySigns(added, rule, before)];
  });
}

function tallyCounts(
  evidence: Extract<MetricEvidence, { kind: 'counts' }>,
  rule: Rules,
  before: MetricTally | undefined,
): MetricTally {
  const kept = before?.kind === 'counts' ? before : undefined;
  // A minute where either side served nothing says nothing of the ratio.
  const minutes = evidence.minutes.filter((m) => m.canaryExposure > 0 && m.baselineExposure > 0);
  const add = (side: SideCounts | undefined, events: number, exposure: number): SideCounts => ({
    events: (side?.events ?? 0) + events,
    exposure: (side?.exposure ?? 0) + exposure,
  });
  const sum = (f: (m: CountMinute) => number) => minutes.reduce((total, m) => total + f(m), 0);
  const grids: Partial<Record<Side, LikelihoodGrid>> = {};
  for (const side of sidesOf(rule))
    grids[side] = likelihoodGrid(minutes, boundOf(rule, side), kept?.grids[side]);
  return {
    name: rule.name,
    kind: 'counts',
    events: evidence.events,
    minutes: (kept?.minutes ?? 0) + minutes.length,
    canary: add(
      kept?.canary,
      sum((m) => m.canaryEvents),
      sum((m) => m.canaryExposure),
    ),
    baseline: add(
      kept?.baseline,
      sum((m) => m.baselineEvents),
      sum((m) => m.baselineExposure),
    ),
    grids,
  };
}

function tallySigns(
  evidence: Extract<MetricEvidence, { kind: 'values' }>,
  rule: Rules,
  before: MetricTally | undefined,
): MetricTally {
  const kept = before?.kind === 'values' ? before : undefined;
  const minutes = evidence.minutes.filter((m) => Number.isFinite(m.canary) && Number.isFinite(m.baseline));
  const signs: Partial<Record<Side, SignCounts>> = {};
  for (const side of sidesOf(rule)) {
    const counts = { ...(kept?.signs[side] ?? { worse: 0, better: 0, ties: 0 }) };
    for (const m of minutes) {
      // Worse: beyond the allowed ratio of the baseline minute; better: within it.
      const limit = m.baseline * boundOf(rule, side);
      if (m.canary === limit) counts.ties++;
      else if (side === 'increase' ? m.canary > limit : m.canary < limit) counts.worse++;
      else counts.better++;
    }
    signs[side] = counts;
  }
  return { name: rule.name, kind: 'values', minutes: (kept?.minutes ?? 0) + minutes.length, signs };
}

function boundOf(rule: Rules, side: Side): number {
  return side === 'increase' ? rule.allowedIncrease : rule.allowedDecrease;
}

/**
 * Judges every metric on what was kept of it. `final`: the rollout's last look, where a critical
 * or must-have-data metric still without data fails the run, as in the fixed-horizon judge.
 */
export function judgeSequential(
  tallies: readonly MetricTally[],
  rules: readonly Rules[],
  {
    falseFailRate = DEFAULT_FALSE_FAIL_RATE,
    final = false,
  }: { falseFailRate?: number; final?: boolean } = {},
): SequentialResult {
  const tests = rules.reduce((n, r) => n + sidesOf(r).length, 0);
  const alpha = tests === 0 ? falseFailRate : falseFailRate / tests;
  const byName = new Map(tallies.map((t) => [t.name, t]));
  const metrics = rules.map((rule) => judgeMetric(byName.get(rule.name), rule, alpha, final));
  return { ...classifyRun(metrics), falseFailRate, metrics };
}

/** judgeSequential over minutes given at once: the study's and the tests' way in. */
export function judgeMinutes(
  evidence: readonly MetricEvidence[],
  rules: readonly Rules[],
  options: { falseFailRate?: number; final?: boolean } = {},
): SequentialResult {
  return judgeSequential(tallyEvidence(evidence, rules), rules, options);
}

function classifyRun(metrics: SequentialMetricResult[]): Pick<SequentialResult, 'classification' | 'reason'> {
  const failed = metrics.filter(
    (m) => m.classification === 'High' || m.classification === 'Low' || m.critical,
  );
  if (failed.length > 0) {
    return { classification: 'Fail', reason: failed.map((m) => `${m.name}: ${m.reason}`).join('; ') };
  }
  if (metrics.length > 0 && metrics.every((m) => m.classification === 'Pass')) {
    return { classification: 'Pass', reason: 'every metric is shown within its allowed ratio' };
  }
  const open = metrics.filter((m) => m.classification !== 'Pass').map((m) => m.name);
  return {
    classification: 'Undecided',
    reason:
      metrics.length === 0
        ? 'there are no metrics to judge'
        : `no regression shown; not yet decided: ${open.join(', ')}`,
  };
}

function judgeMetric(
  tally: MetricTally | undefined,
  rule: Rules,
  alpha: number,
  final: boolean,
): SequentialMetricResult {
  const log10Threshold = Math.log10(1 / alpha);
  const base = { name: rule.name, critical: false, log10Threshold };
  if (tally === undefined || tally.minutes === 0) {
    const fails = final && (rule.critical || rule.mustHaveData);
    const reason = fails
      ? `no data by the last look, and the metric is ${rule.critical ? 'critical' : 'must-have-data'}`
      : 'no data yet';
    return {
      ...base,
      classification: 'Nodata',
      critical: fails,
      reason,
      samples: emptySamples(tally),
      effect: {
        measure: tally?.kind === 'values' ? 'share of minutes worse' : 'rate ratio',
        estimate: null,
        interval: null,
      },
      log10E: { fail: 0, pass: 0 },
    };
  }
  const tested = sidesOf(rule).map((side) => sideTest(tally, rule, side));
  const limit = Math.log(1 / alpha);
  const breach = tested.find((t) => t.failLogE >= limit);
  const passed = tested.every((t) => t.passLogE >= limit);
  const log10E = {
    fail: round3(Math.max(...tested.map((t) => t.failLogE)) / Math.LN10),
    pass: round3(Math.min(...tested.map((t) => t.passLogE)) / Math.LN10),
  };
  const classification: SequentialClassification =
    breach !== undefined ? (breach.side === 'increase' ? 'High' : 'Low') : passed ? 'Pass' : 'Undecided';
  return {
    ...base,
    classification,
    critical: rule.critical && (classification === 'High' || classification === 'Low'),
    reason: describe(classification, breach ?? tested[0]!, log10E, log10Threshold, alpha),
    samples: samplesOf(tally, rule),
    effect: effectOf(tally, rule, alpha),
    log10E,
  };
}

interface SideTest {
  side: Side;
  /** What the fail test rejects, in words. */
  bound: string;
  failLogE: number;
  passLogE: number;
}

function sideTest(tally: MetricTally, rule: Rules, side: Side): SideTest {
  const bound = boundOf(rule, side);
  if (tally.kind === 'counts') {
    const grid = tally.grids[side]!;
    const [fail, pass] = side === 'increase' ? (['above', 'below'] as const) : (['below', 'above'] as const);
    return {
      side,
      bound: `the canary's rate of ${tally.events} is ${side === 'increase' ? 'at most' : 'at least'} ${bound}× the baseline's`,
      failLogE: gridLogE(grid, fail),
      passLogE: gridLogE(grid, pass),
    };
  }
  const { worse, better } = tally.signs[side]!;
  return {
    side,
    bound: `a canary minute is ${side === 'increase' ? 'above' : 'below'} ${bound}× its baseline minute at most half the time`,
    failLogE: signLogE(worse, better, 'above'),
    passLogE: signLogE(worse, better, 'below'),
  };
}

function emptySamples(tally: MetricTally | undefined): SampleCounts {
  const minutes = tally?.minutes ?? 0;
  return tally?.kind === 'values'
    ? { minutes, worse: 0, better: 0, ties: 0 }
    : { minutes, canary: { events: 0, exposure: 0 }, baseline: { events: 0, exposure: 0 } };
}

interface CountSamples {
  minutes: number;
  canary: SideCounts;
  baseline: SideCounts;
}

/** The side the metric is read by: increase, unless it only counts a decrease. */
function mainSide(rule: Rules): Side {
  return rule.direction === 'decrease' ? 'decrease' : 'increase';
}

function samplesOf(tally: MetricTally, rule: Rules): SampleCounts {
  if (tally.kind === 'counts') {
    return { minutes: tally.minutes, canary: { ...tally.canary }, baseline: { ...tally.baseline } };
  }
  return { minutes: tally.minutes, ...tally.signs[mainSide(rule)]! };
}

function effectOf(tally: MetricTally, rule: Rules, alpha: number): Effect {
  if (tally.kind === 'values') {
    const { worse, better } = tally.signs[mainSide(rule)]!;
    const decided = worse + better;
    return {
      measure: 'share of minutes worse',
      estimate: decided === 0 ? null : round3(worse / decided),
      interval: null,
    };
  }
  const canaryRate = tally.canary.exposure > 0 ? tally.canary.events / tally.canary.exposure : NaN;
  const baselineRate = tally.baseline.exposure > 0 ? tally.baseline.events / tally.baseline.exposure : NaN;
  const ratio = canaryRate / baselineRate;
  // The interval at 2α, so that each of its ends is a one-sided test at α, like the decision.
  const interval = gridInterval(tally.grids[mainSide(rule)]!, Math.min(1, 2 * alpha));
  return {
    measure: 'rate ratio',
    estimate: Number.isFinite(ratio) ? significant3(ratio) : null,
    interval:
      interval === null ? null : { low: significant3(interval.low), high: significant3(interval.high) },
  };
}

function describe(
  classification: SequentialClassification,
  test: SideTest,
  log10E: { fail: number; pass: number },
  log10Threshold: number,
  alpha: number,
): string {
  const at = `10^${log10Threshold.toFixed(2)} (1/α, α = ${formatAlpha(alpha)})`;
  switch (classification) {
    case 'High':
    case 'Low':
      return `${classification}: the e-value against "${test.bound}" is 10^${log10E.fail.toFixed(2)}, at least ${at}`;
    case 'Pass':
      return `Pass: the e-value against a breach of the allowed ratio is 10^${log10E.pass.toFixed(2)}, at least ${at}`;
    default:
      return `Undecided: e-values 10^${log10E.fail.toFixed(2)} against "${test.bound}" and 10^${log10E.pass.toFixed(2)} against a breach, both below ${at}`;
  }
}

function formatAlpha(alpha: number): string {
  return Number(alpha.toPrecision(3)).toString();
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Three significant digits: a ratio of 0.000123 stays readable as such. */
function significant3(x: number): number {
  return Number(x.toPrecision(3));
}
