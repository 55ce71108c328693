// The sequential canary judge (`analysis.method: sequential`): at every look it weighs all the
// evidence gathered since the canary first took production traffic, and decides a metric as
// soon as the evidence suffices, with its false-fail rate bounded however often it looks
// (e-values.ts; docs/analysis.md, "The sequential judge"). Pure functions over plain data.
//
// A metric is High (or Low) once its test rejects "the canary's rate is within the allowed
// ratio of the baseline's", Pass once the opposite test rejects "it is beyond it", and
// Undecided before either. The run's false-fail rate α is split evenly among the tests
// (Bonferroni), so a healthy release fails with probability at most α over the whole rollout.

import { rateRatioInterval, rateRatioLogE, signLogE, type CountMinute } from './e-values.js';
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
 * What the judge has seen of one metric, minute by minute, frozen when first read: a later look
 * adds minutes and never changes one (the tests' guarantee needs data revealed in order).
 */
export type MetricEvidence =
  | { name: string; kind: 'counts'; events: string; minutes: CountEvidenceMinute[] }
  | { name: string; kind: 'values'; minutes: ValueEvidenceMinute[] };

/** The evidence a deployment keeps: its minutes up to `readThrough`, and each latency threshold. */
export interface Evidence {
  /** The end of the last minute read, ms since the epoch; nothing before it is read again. */
  readThrough: number;
  /** Seconds; null where the stable task set had no latency data before the first shift. */
  thresholds: Record<string, number | null>;
  metrics: MetricEvidence[];
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

/**
 * Judges every metric on its evidence. `final`: the rollout's last look, where a critical or
 * must-have-data metric still without data fails the run, as in the fixed-horizon judge.
 */
export function judgeSequential(
  evidence: readonly MetricEvidence[],
  rules: readonly Rules[],
  {
    falseFailRate = DEFAULT_FALSE_FAIL_RATE,
    final = false,
  }: { falseFailRate?: number; final?: boolean } = {},
): SequentialResult {
  const tests = rules.reduce((n, r) => n + sidesOf(r).length, 0);
  const alpha = tests === 0 ? falseFailRate : falseFailRate / tests;
  const byName = new Map(evidence.map((e) => [e.name, e]));
  const metrics = rules.map((rule) => judgeMetric(byName.get(rule.name), rule, alpha, final));
  return { ...classifyRun(metrics), falseFailRate, metrics };
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
  evidence: MetricEvidence | undefined,
  rule: Rules,
  alpha: number,
  final: boolean,
): SequentialMetricResult {
  const log10Threshold = Math.log10(1 / alpha);
  const base = { name: rule.name, critical: false, log10Threshold };
  if (evidence === undefined || !hasData(evidence)) {
    const fails = final && (rule.critical || rule.mustHaveData);
    const reason = fails
      ? `no data by the last look, and the metric is ${rule.critical ? 'critical' : 'must-have-data'}`
      : 'no data yet';
    return {
      ...base,
      classification: 'Nodata',
      critical: fails,
      reason,
      samples: emptySamples(evidence),
      effect: {
        measure: evidence?.kind === 'values' ? 'share of minutes worse' : 'rate ratio',
        estimate: null,
        interval: null,
      },
      log10E: { fail: 0, pass: 0 },
    };
  }
  const tested = evidence.kind === 'counts' ? countTests(evidence, rule) : valueTests(evidence, rule);
  const limit = Math.log(1 / alpha);
  const breach = tested.find((t) => t.failLogE >= limit);
  const passed = tested.every((t) => t.passLogE >= limit);
  const log10E = {
    fail: round3(Math.max(...tested.map((t) => t.failLogE)) / Math.LN10),
    pass: round3(Math.min(...tested.map((t) => t.passLogE)) / Math.LN10),
  };
  const summary =
    evidence.kind === 'counts'
      ? { samples: countSamples(evidence), effect: countEffect(evidence, alpha) }
      : valueSummary(evidence, rule);
  const classification: SequentialClassification =
    breach !== undefined ? (breach.side === 'increase' ? 'High' : 'Low') : passed ? 'Pass' : 'Undecided';
  const reason = describe(classification, breach ?? tested[0]!, log10E, log10Threshold, alpha);
  return {
    ...base,
    classification,
    critical: rule.critical && (classification === 'High' || classification === 'Low'),
    reason,
    samples: summary.samples,
    effect: summary.effect,
    log10E,
  };
}

interface SideTest {
  side: 'increase' | 'decrease';
  /** What the fail test rejects, in words. */
  bound: string;
  failLogE: number;
  passLogE: number;
}

function countTests(evidence: Extract<MetricEvidence, { kind: 'counts' }>, rule: Rules): SideTest[] {
  return sidesOf(rule).map((side) => {
    const bound = side === 'increase' ? rule.allowedIncrease : rule.allowedDecrease;
    const [fail, pass] = side === 'increase' ? (['above', 'below'] as const) : (['below', 'above'] as const);
    return {
      side,
      bound: `the canary's rate of ${evidence.events} is ${side === 'increase' ? 'at most' : 'at least'} ${bound}× the baseline's`,
      failLogE: rateRatioLogE(evidence.minutes, bound, fail),
      passLogE: rateRatioLogE(evidence.minutes, bound, pass),
    };
  });
}

function valueTests(evidence: Extract<MetricEvidence, { kind: 'values' }>, rule: Rules): SideTest[] {
  return sidesOf(rule).map((side) => {
    const { worse, better } = signCounts(evidence, rule, side);
    const bound = side === 'increase' ? rule.allowedIncrease : rule.allowedDecrease;
    return {
      side,
      bound: `a canary minute is ${side === 'increase' ? 'above' : 'below'} ${bound}× its baseline minute at most half the time`,
      failLogE: signLogE(worse, better, 'above'),
      passLogE: signLogE(worse, better, 'below'),
    };
  });
}

/** Minutes where the canary was beyond the allowed ratio of the baseline (`worse`), or within it. */
function signCounts(
  evidence: Extract<MetricEvidence, { kind: 'values' }>,
  rule: Rules,
  side: 'increase' | 'decrease',
): { worse: number; better: number; ties: number } {
  let worse = 0;
  let better = 0;
  let ties = 0;
  for (const m of evidence.minutes) {
    if (!Number.isFinite(m.canary) || !Number.isFinite(m.baseline)) continue;
    const limit = m.baseline * (side === 'increase' ? rule.allowedIncrease : rule.allowedDecrease);
    const beyond = side === 'increase' ? m.canary > limit : m.canary < limit;
    if (m.canary === limit) ties++;
    else if (beyond) worse++;
    else better++;
  }
  return { worse, better, ties };
}

function hasData(evidence: MetricEvidence): boolean {
  return evidence.kind === 'counts'
    ? evidence.minutes.some((m) => m.canaryExposure > 0 && m.baselineExposure > 0)
    : evidence.minutes.some((m) => Number.isFinite(m.canary) && Number.isFinite(m.baseline));
}

function emptySamples(evidence: MetricEvidence | undefined): SampleCounts {
  const minutes = evidence?.minutes.length ?? 0;
  return evidence?.kind === 'values'
    ? { minutes, worse: 0, better: 0, ties: 0 }
    : { minutes, canary: { events: 0, exposure: 0 }, baseline: { events: 0, exposure: 0 } };
}

interface CountSamples {
  minutes: number;
  canary: { events: number; exposure: number };
  baseline: { events: number; exposure: number };
}

function countSamples(evidence: Extract<MetricEvidence, { kind: 'counts' }>): CountSamples {
  const sum = (f: (m: CountMinute) => number): number => evidence.minutes.reduce((s, m) => s + f(m), 0);
  return {
    minutes: evidence.minutes.length,
    canary: { events: sum((m) => m.canaryEvents), exposure: sum((m) => m.canaryExposure) },
    baseline: { events: sum((m) => m.baselineEvents), exposure: sum((m) => m.baselineExposure) },
  };
}

function countEffect(evidence: Extract<MetricEvidence, { kind: 'counts' }>, alpha: number): Effect {
  const samples = countSamples(evidence);
  const canaryRate = samples.canary.exposure > 0 ? samples.canary.events / samples.canary.exposure : NaN;
  const baselineRate =
    samples.baseline.exposure > 0 ? samples.baseline.events / samples.baseline.exposure : NaN;
  const ratio = canaryRate / baselineRate;
  // The interval at 2α, so that each of its ends is a one-sided test at α, like the decision.
  const interval = rateRatioInterval(evidence.minutes, Math.min(1, 2 * alpha));
  return {
    measure: 'rate ratio',
    estimate: Number.isFinite(ratio) ? significant3(ratio) : null,
    interval:
      interval === null ? null : { low: significant3(interval.low), high: significant3(interval.high) },
  };
}

function valueSummary(
  evidence: Extract<MetricEvidence, { kind: 'values' }>,
  rule: Rules,
): { samples: SampleCounts; effect: Effect } {
  const counts = signCounts(evidence, rule, rule.direction === 'decrease' ? 'decrease' : 'increase');
  const decided = counts.worse + counts.better;
  return {
    samples: { minutes: evidence.minutes.length, ...counts },
    effect: {
      measure: 'share of minutes worse',
      estimate: decided === 0 ? null : round3(counts.worse / decided),
      interval: null,
    },
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
