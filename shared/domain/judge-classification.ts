// The canary judge's first half: classifying one metric of a canary against its baseline, with
// the semantics of Kayenta's NetflixACAJudge (spinnaker/kayenta, kayenta-judge/src/main/scala/
// com/netflix/kayenta/judge/):
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
//
// Scoring the classified metrics is judge-scoring.ts; judge.ts runs both over a run's series.
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

/** The catalog's defaults for a metric's rules (direction increase, allowedIncrease 1.1, …). */
export function defaultRules(name: string): MetricRules {
  return analysisMetricSchema.parse({ name, source: { builtin: 'error-rate' } });
}

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

function num(v: number): string {
  return String(Number(v.toPrecision(4)));
}

function percent(confidence: number): string {
  return `${Number((confidence * 100).toPrecision(4))}%`;
}
