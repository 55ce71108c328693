// The canary judge: classifies each metric of a canary against its baseline and scores the run,
// with the semantics of Kayenta's NetflixACAJudge (spinnaker/kayenta, kayenta-judge/src/main/
// scala/com/netflix/kayenta/judge/):
//
//   NetflixACAJudge.scala                    per metric: drop NaN, optional IQR outlier removal,
//                                            the Mann-Whitney classifier at 98% confidence
//   preprocessing/Transforms.scala           removeNaNs, removeOutliers
//   detectors/IQRDetector.scala              the outlier fences (factor 3, reduced sensitivity)
//   stats/DescriptiveStatistics.scala        R-7 percentiles, the summary statistics
//   classifiers/metric/MannWhitneyClassifier.scala
//                                            Nodata / NodataFailMetric, identical data, High / Low
//                                            by direction, tolerance and mean-ratio effect size,
//                                            critical metrics
//   stats/EffectSizes.scala                  meanRatio (NaN when either mean is 0)
//   scorers/WeightedSumScorer.scala          group scores, weights, critical failure, ≥ 50% Nodata
//   classifiers/score/ThresholdScoreClassifier.scala
//                                            Pass / Marginal / Fail from the summary score
//   kayenta-standalone-canary-analysis/.../orca/task/MonitorCanaryTask.java
//                                            interim runs: stop unless the score is above marginal
//
// docs/analysis.md explains every rule. Pure functions over plain data; no I/O.

import { analysisMetricSchema, type AnalysisMetric } from './catalog-schema.js';
import {
  DEFAULT_CONFIDENCE,
  hodgesLehmann,
  mannWhitneyU,
  type HodgesLehmannResult,
  type MannWhitneyMethod,
  type MannWhitneyResult,
} from './mann-whitney.js';

/** How one metric of the canary compares with the baseline. */
export type MetricClassification = 'Pass' | 'High' | 'Low' | 'Nodata' | 'NodataFail';
/** The verdict on the whole run, from its summary score. */
export type RunClassification = 'Pass' | 'Marginal' | 'Fail';

/** The catalog's settings for one metric that the judge uses (its `source` is not needed). */
export type MetricRules = Pick<
  AnalysisMetric,
  | 'name'
  | 'direction'
  | 'allowedIncrease'
  | 'allowedDecrease'
  | 'critical'
  | 'mustHaveData'
  | 'outliers'
  | 'group'
>;

/** The catalog's `analysis` settings; a parsed catalog entry's `analysis` fits as it is. */
export interface AnalysisSettings {
  thresholds: { pass: number; marginal: number };
  groupWeights?: Readonly<Record<string, number>>;
  metrics?: readonly MetricRules[];
}

/** One metric's data points over the analysis window. */
export interface MetricSeries {
  name: string;
  values: readonly number[];
}

/** The baseline's and the canary's series, matched by metric name. */
export interface JudgeInput {
  baseline: readonly MetricSeries[];
  canary: readonly MetricSeries[];
}

/** Kayenta's fixed parameters, overridable for tests and experiments. */
export interface JudgeOptions {
  /** Confidence of the Hodges-Lehmann interval (NetflixACAJudge: 0.98). */
  confidence?: number;
  /** The band ±tolerance·|estimate| the interval must clear (NetflixACAJudge: 0.25). */
  tolerance?: number;
  /** IQR fence factor for `outliers: remove` (NetflixACAJudge's default outlierFactor: 3.0). */
  outlierFactor?: number;
}

export const KAYENTA_CONFIDENCE = DEFAULT_CONFIDENCE;
export const KAYENTA_TOLERANCE = 0.25;
export const KAYENTA_OUTLIER_FACTOR = 3;
/** WeightedSumScorer.NODATA_THRESHOLD: this share of Nodata metrics (in percent) fails the run. */
export const NODATA_THRESHOLD = 50;
/**
 * Kayenta's criticalIncrease / criticalDecrease defaults: a critical metric fails the run when
 * it is High with a mean ratio ≥ 1, or Low with a mean ratio ≤ 1. The catalog has no setting
 * for them, so the defaults hold.
 */
const CRITICAL_INCREASE = 1;
const CRITICAL_DECREASE = 1;

export interface SampleSummary {
  /** Values judged, after dropping missing values and outliers. */
  n: number;
  /** Mean of the values judged; null when there are none. */
  mean: number | null;
  /** Values dropped as missing (NaN or infinite). */
  missing: number;
  /** Values dropped as outliers (only with `outliers: remove`). */
  outliers: number;
}

export interface MetricResult {
  name: string;
  group: string;
  classification: MetricClassification;
  /** Why, in words. */
  reason: string;
  /** This metric alone fails the run: it is critical and did not Pass. */
  critical: boolean;
  /** Mann-Whitney U of the canary against the baseline (pairs where the canary is higher). */
  u: number | null;
  /** Two-sided Mann-Whitney p-value, as scipy.stats.mannwhitneyu; reported, not used to decide. */
  pValue: number | null;
  /** How the p-value was computed: scipy's exact distribution or its normal approximation. */
  method: MannWhitneyMethod | null;
  /** Hodges-Lehmann interval for the shift canary - baseline, at the judge's confidence. */
  interval: [number, number] | null;
  /** Hodges-Lehmann estimate of that shift (the median pairwise difference). */
  estimate: number | null;
  /** Mean ratio canary / baseline; null when it cannot be computed (no data, or a mean of 0). */
  ratio: number | null;
  baseline: SampleSummary;
  canary: SampleSummary;
}

export interface GroupScore {
  name: string;
  /** pass / (pass + high + low + nodataFail) × 100; null when the group has none of those. */
  score: number | null;
  /** The weight in percent the group carries in the summary score. */
  weight: number;
  counts: Record<MetricClassification, number>;
}

export interface JudgeResult {
  classification: RunClassification;
  /** The summary score, 0 to 100, rounded to two decimals. */
  score: number;
  /** Why, in words: the critical failure, the Nodata rule, or the score against the thresholds. */
  reason: string;
  metrics: MetricResult[];
  groups: GroupScore[];
}

export interface InterimJudgement extends JudgeResult {
  /** Whether the deployment may go on to the next step: the score is above `marginal`. */
  proceed: boolean;
}

/** The catalog's defaults for a metric's rules (direction increase, allowedIncrease 1.1, …). */
export function defaultRules(name: string): MetricRules {
  return analysisMetricSchema.parse({ name, source: { builtin: 'error-rate' } });
}

// ---------------------------------------------------------------------------------------------
// The run

/**
 * The final judgement of a run: every metric classified, the groups and summary scored, and the
 * summary classified against `thresholds` (≥ pass: Pass, ≥ marginal: Marginal, else Fail).
 * At the end, Pass lets a deployment through, Fail rolls it back and Marginal asks a person
 * (shared/domain/analysis-plan.ts).
 */
export function judge(
  input: JudgeInput,
  analysis: AnalysisSettings,
  options: JudgeOptions = {},
): JudgeResult {
  const rules = analysis.metrics ?? [];
  const baseline = indexSeries(input.baseline, 'baseline', rules);
  const canary = indexSeries(input.canary, 'canary', rules);
  const metrics = rules.map((r) =>
    classifyMetric(baseline.get(r.name) ?? [], canary.get(r.name) ?? [], r, options),
  );
  return scoreMetrics(metrics, analysis);
}

/**
 * An interim judgement, made at a step before the last (after each bake of a canary or linear
 * rollout). The run goes on only while the score stays above `marginal`, as Kayenta's
 * MonitorCanaryTask does (`canaryScore <= marginal` stops the canary): a Marginal score lets it
 * continue, in the hope that more data clears it, but a score at or below marginal stops it at
 * once. The final judgement (`judge`) is stricter: it needs the score to reach `pass`.
 */
export function judgeInterim(
  input: JudgeInput,
  analysis: AnalysisSettings,
  options: JudgeOptions = {},
): InterimJudgement {
  const result = judge(input, analysis, options);
  const proceed = result.score > analysis.thresholds.marginal;
  const reason = proceed
    ? `${result.reason}; interim score ${result.score} is above marginal ${analysis.thresholds.marginal}, so the rollout continues`
    : `${result.reason}; interim score ${result.score} is not above marginal ${analysis.thresholds.marginal}, so the rollout stops`;
  return { ...result, reason, proceed };
}

function indexSeries(
  series: readonly MetricSeries[],
  side: 'baseline' | 'canary',
  rules: readonly MetricRules[],
): Map<string, readonly number[]> {
  const known = new Set(rules.map((r) => r.name));
  const byName = new Map<string, readonly number[]>();
  for (const s of series) {
    if (!known.has(s.name)) {
      const list = [...known].join(', ') || 'none';
      throw new RangeError(
        `the ${side} has a series "${s.name}" that no analysis metric names (metrics: ${list})`,
      );
    }
    if (byName.has(s.name)) throw new RangeError(`the ${side} has two series named "${s.name}"`);
    byName.set(s.name, s.values);
  }
  return byName;
}

// ---------------------------------------------------------------------------------------------
// One metric (NetflixACAJudge.classifyMetric and MannWhitneyClassifier.classify)

/** Classifies one metric: the canary's values against the baseline's, under the metric's rules. */
export function classifyMetric(
  baselineValues: readonly number[],
  canaryValues: readonly number[],
  rules: MetricRules,
  options: JudgeOptions = {},
): MetricResult {
  const confidence = options.confidence ?? KAYENTA_CONFIDENCE;
  const tolerance = options.tolerance ?? KAYENTA_TOLERANCE;
  const factor = options.outlierFactor ?? KAYENTA_OUTLIER_FACTOR;
  const b = prepare(baselineValues, rules.outliers, factor);
  const c = prepare(canaryValues, rules.outliers, factor);
  const common = { name: rules.name, group: rules.group, baseline: b.summary, canary: c.summary };
  const none = { u: null, pValue: null, method: null, interval: null, estimate: null, ratio: null };

  if (b.values.length === 0 || c.values.length === 0) {
    const missing =
      b.values.length === 0 && c.values.length === 0
        ? 'the baseline and the canary'
        : b.values.length === 0
          ? 'the baseline'
          : 'the canary';
    const reason = `no data for ${rules.name} in ${missing}`;
    // A metric that must have data fails its group; a critical one fails the whole run.
    if (rules.mustHaveData && !rules.critical) {
      return {
        ...common,
        ...none,
        classification: 'NodataFail',
        reason: `${reason} (mustHaveData)`,
        critical: false,
      };
    }
    return {
      ...common,
      ...none,
      classification: 'Nodata',
      reason: rules.critical ? `${reason} (critical metric)` : reason,
      critical: rules.critical,
    };
  }

  const test = mannWhitneyU(c.values, b.values);
  const hl = hodgesLehmann(c.values, b.values, confidence);
  const ratio = meanRatio(b.values, c.values);
  const stats = {
    u: test.u,
    pValue: test.pValue,
    method: test.method,
    interval: hl.interval,
    estimate: hl.estimate,
    ratio: Number.isNaN(ratio) ? null : ratio,
  };

  if (sameValues(b.values, c.values)) {
    return {
      ...common,
      ...stats,
      classification: 'Pass',
      reason: 'the canary and baseline data are identical',
      critical: false,
    };
  }
  if (new Set([...b.values, ...c.values]).size === 1) {
    return {
      ...common,
      ...stats,
      classification: 'Pass',
      reason: 'every value is the same',
      critical: false,
    };
  }

  const comparison = compare(hl, ratio, rules, tolerance, confidence, test);
  const critical =
    rules.critical &&
    ((comparison.classification === 'High' && (Number.isNaN(ratio) || ratio >= CRITICAL_INCREASE)) ||
      (comparison.classification === 'Low' && (Number.isNaN(ratio) || ratio <= CRITICAL_DECREASE)));
  const reason = critical ? `${comparison.reason} (critical metric)` : comparison.reason;
  return { ...common, ...stats, classification: comparison.classification, reason, critical };
}

/**
 * MannWhitneyClassifier.compare: the canary is High when the whole interval for its shift lies
 * above +tolerance·|estimate| and the mean ratio reaches allowedIncrease; Low when it lies below
 * -tolerance·|estimate| and the ratio is down to allowedDecrease. A ratio that cannot be
 * computed (a mean of 0) does not hold a classification back.
 */
function compare(
  hl: HodgesLehmannResult,
  ratio: number,
  rules: MetricRules,
  tolerance: number,
  confidence: number,
  test: MannWhitneyResult,
): { classification: 'Pass' | 'High' | 'Low'; reason: string } {
  const [lower, upper] = hl.interval;
  const bound = tolerance * Math.abs(hl.estimate);
  const shift = `the ${percent(confidence)} interval for the canary's shift is [${num(lower)}, ${num(upper)}]`;
  const ratioText = Number.isNaN(ratio)
    ? 'the mean ratio cannot be computed (a mean is 0)'
    : `the mean ratio is ${num(ratio)}`;
  const isHigher = lower > bound;
  const isLower = upper < -bound;
  const highEffect = Number.isNaN(ratio) || ratio >= rules.allowedIncrease;
  const lowEffect = Number.isNaN(ratio) || ratio <= rules.allowedDecrease;

  if (isHigher && rules.direction !== 'decrease' && highEffect) {
    return {
      classification: 'High',
      reason: `${rules.name} is High: ${shift}, above +${num(bound)}, and ${ratioText}${Number.isNaN(ratio) ? '' : ` (allowedIncrease ${num(rules.allowedIncrease)})`}`,
    };
  }
  if (isLower && rules.direction !== 'increase' && lowEffect) {
    return {
      classification: 'Low',
      reason: `${rules.name} is Low: ${shift}, below -${num(bound)}, and ${ratioText}${Number.isNaN(ratio) ? '' : ` (allowedDecrease ${num(rules.allowedDecrease)})`}`,
    };
  }
  const p = `p = ${num(test.pValue)}`;
  if (isHigher && rules.direction === 'decrease') {
    return {
      classification: 'Pass',
      reason: `the canary is higher (${shift}), but only a decrease counts for ${rules.name}`,
    };
  }
  if (isLower && rules.direction === 'increase') {
    return {
      classification: 'Pass',
      reason: `the canary is lower (${shift}), but only an increase counts for ${rules.name}`,
    };
  }
  if (isHigher) {
    return {
      classification: 'Pass',
      reason: `the canary is higher (${shift}), but ${ratioText}, below allowedIncrease ${num(rules.allowedIncrease)}`,
    };
  }
  if (isLower) {
    return {
      classification: 'Pass',
      reason: `the canary is lower (${shift}), but ${ratioText}, above allowedDecrease ${num(rules.allowedDecrease)}`,
    };
  }
  return { classification: 'Pass', reason: `no clear shift: ${shift}, within ±${num(bound)} (${p})` };
}

interface Prepared {
  values: number[];
  summary: SampleSummary;
}

/** Transforms.removeNaNs, then (with `outliers: remove`) Transforms.removeOutliers with the IQR detector. */
function prepare(values: readonly number[], outliers: MetricRules['outliers'], factor: number): Prepared {
  const present = values.filter((v) => Number.isFinite(v));
  const kept = outliers === 'remove' ? removeOutliers(present, factor) : present;
  return {
    values: kept,
    summary: {
      n: kept.length,
      mean: kept.length === 0 ? null : mean(kept),
      missing: values.length - present.length,
      outliers: present.length - kept.length,
    },
  };
}

/**
 * IQRDetector(factor, reduceSensitivity = true): a value is an outlier when it lies outside
 * [min(p1, Q1 - factor·IQR), max(p99, Q3 + factor·IQR)], with R-7 percentiles. Taking the 1st
 * and 99th percentiles as the fences when they are wider keeps dense, spiky series intact.
 */
export function removeOutliers(values: readonly number[], factor: number = KAYENTA_OUTLIER_FACTOR): number[] {
  if (values.length === 0) return [];
  const sorted = [...values].sort((a, b) => a - b);
  const q1 = percentile(sorted, 25);
  const q3 = percentile(sorted, 75);
  const iqr = q3 - q1;
  const lowerFence = Math.min(percentile(sorted, 1), q1 - factor * iqr);
  const upperFence = Math.max(percentile(sorted, 99), q3 + factor * iqr);
  return values.filter((v) => !(v > upperFence || v < lowerFence));
}

/** The p-th percentile (0-100) of sorted values by R's type 7 (commons-math EstimationType.R_7). */
export function percentile(sorted: readonly number[], p: number): number {
  const h = ((sorted.length - 1) * p) / 100;
  const low = Math.floor(h);
  const below = sorted[low]!;
  const above = sorted[Math.min(low + 1, sorted.length - 1)]!;
  return below + (h - low) * (above - below);
}

/** EffectSizes.meanRatio: canary mean / baseline mean, NaN when either mean is 0. */
function meanRatio(baseline: readonly number[], canary: readonly number[]): number {
  const b = mean(baseline);
  const c = mean(canary);
  return b === 0 || c === 0 ? NaN : c / b;
}

function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

function sameValues(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  const x = [...a].sort((p, q) => p - q);
  const y = [...b].sort((p, q) => p - q);
  return x.every((v, i) => v === y[i]);
}

// ---------------------------------------------------------------------------------------------
// Scoring (WeightedSumScorer and ThresholdScoreClassifier)

/** Scores classified metrics into group scores and a summary score, and classifies the run. */
export function scoreMetrics(
  metrics: readonly MetricResult[],
  analysis: Pick<AnalysisSettings, 'thresholds' | 'groupWeights'>,
): JudgeResult {
  const groups = groupScores(metrics, analysis.groupWeights ?? {});
  const { thresholds } = analysis;
  const result = (score: number, why: string | null): JudgeResult => {
    const classification: RunClassification =
      score >= thresholds.pass ? 'Pass' : score >= thresholds.marginal ? 'Marginal' : 'Fail';
    const reason = why ?? describeScore(score, classification, thresholds);
    return { classification, score, reason, metrics: [...metrics], groups };
  };

  const failure = metrics.find((m) => m.critical);
  if (failure !== undefined) return result(0, `critical metric ${failure.name} failed: ${failure.reason}`);
  const nodata = metrics.filter((m) => m.classification === 'Nodata').length;
  if (metrics.length > 0 && (nodata / metrics.length) * 100 >= NODATA_THRESHOLD) {
    return result(
      0,
      `${nodata} of ${metrics.length} metrics had no data; ${NODATA_THRESHOLD}% or more fails the run`,
    );
  }
  if (metrics.length === 0) return result(0, 'there are no metrics to judge');
  // A group with nothing to score (all Nodata) counts as 100: it neither helps nor hurts.
  const summary = groups.reduce((sum, g) => sum + (g.score ?? 100) * (g.weight / 100), 0);
  return result(roundHalfUp(summary, 2), null);
}

function groupScores(
  metrics: readonly MetricResult[],
  weights: Readonly<Record<string, number>>,
): GroupScore[] {
  const names = [...new Set(metrics.map((m) => m.group))];
  const unweighted = names.filter((n) => !Object.hasOwn(weights, n));
  // Kayenta subtracts every configured weight, then splits what is left evenly.
  const configured = Object.values(weights).reduce((sum, w) => sum + w, 0);
  const fallback = unweighted.length > 0 ? (100 - configured) / unweighted.length : 0;
  return names.map((name) => {
    const counts: Record<MetricClassification, number> = {
      Pass: 0,
      High: 0,
      Low: 0,
      Nodata: 0,
      NodataFail: 0,
    };
    for (const m of metrics) if (m.group === name) counts[m.classification]++;
    const scored = counts.Pass + counts.High + counts.Low + counts.NodataFail;
    return {
      name,
      score: scored === 0 ? null : (counts.Pass / scored) * 100,
      weight: Object.hasOwn(weights, name) ? weights[name]! : fallback,
      counts,
    };
  });
}

function describeScore(
  score: number,
  classification: RunClassification,
  thresholds: AnalysisSettings['thresholds'],
): string {
  switch (classification) {
    case 'Pass':
      return `score ${score} reaches pass ${thresholds.pass}`;
    case 'Marginal':
      return `score ${score} is below pass ${thresholds.pass} but reaches marginal ${thresholds.marginal}`;
    case 'Fail':
      return `score ${score} is below marginal ${thresholds.marginal}`;
  }
}

/**
 * commons-math Precision.round(x, digits): half up, on the shortest decimal form of x (so 1.005
 * rounds to 1.01, as in Java, not to 1.00 as Math.round(x * 100) / 100 would).
 */
function roundHalfUp(x: number, digits: number): number {
  const text = String(x);
  if (text.includes('e')) return Math.round(x * 10 ** digits) / 10 ** digits; // tiny: no half to round
  return Number(`${Math.round(Number(`${text}e${digits}`))}e-${digits}`);
}

function num(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function percent(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`;
}
