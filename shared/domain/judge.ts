// The canary judge: classifies each metric of a canary against its baseline
// (judge-classification.ts) and scores the run (judge-scoring.ts), with the semantics of Kayenta's
// NetflixACAJudge (spinnaker/kayenta, kayenta-judge/src/main/scala/com/netflix/kayenta/judge/),
// and makes the interim judgement between steps as
// kayenta-standalone-canary-analysis/.../orca/task/MonitorCanaryTask.java does.
//
// docs/analysis.md explains every rule. Pure functions over plain data; no I/O.

import { classifyMetric, type JudgeOptions, type MetricRules } from './judge-classification.js';
import { scoreMetrics, type AnalysisSettings, type JudgeResult } from './judge-scoring.js';

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

export interface InterimJudgement extends JudgeResult {
  /** Whether the deployment may go on to the next step: the score is above `marginal`. */
  proceed: boolean;
}

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
