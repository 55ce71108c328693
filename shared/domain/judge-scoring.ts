// The canary judge's second half: scoring classified metrics into group scores and a summary
// score, and classifying the run, with the semantics of Kayenta (spinnaker/kayenta,
// kayenta-judge/src/main/scala/com/netflix/kayenta/judge/):
//
//   scorers/WeightedSumScorer.scala          group scores, weights, critical failure, ≥ 50% Nodata
//   classifiers/score/ThresholdScoreClassifier.scala
//                                            Pass / Marginal / Fail from the summary score
//
// Classifying each metric is judge-classification.ts. docs/analysis.md explains every rule.

import type { MetricClassification, MetricResult, MetricRules } from './judge-classification.js';

/** The verdict on the whole run, from its summary score. */
export type RunClassification = 'Pass' | 'Marginal' | 'Fail';

/** The catalog's `analysis` settings; a parsed catalog entry's `analysis` fits as it is. */
export interface AnalysisSettings {
  thresholds: { pass: number; marginal: number };
  groupWeights?: Readonly<Record<string, number>>;
  metrics?: readonly MetricRules[];
}

/** WeightedSumScorer.NODATA_THRESHOLD: this share of Nodata metrics (in percent) fails the run. */
export const NODATA_THRESHOLD = 50;
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
