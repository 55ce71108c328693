// Canary analysis at the end of a bake: the judge compares the new task set's metrics
// with the old one's (docs/analysis.md). A pass lets the deployment go on; a fail rolls
// it back with the score and the failing metrics as the reason; a marginal final result
// pauses it for a person. Every judgement is kept on the deployment and published. A canary
// or linear bake is judged by the ShiftTraffic after it (traffic.ts), blue-green's final bake
// by its Analyze step.

import {
  ANALYSIS_PERIOD_SECONDS,
  analysisVerdict,
  analysisWindows,
  isFinalAnalysis,
  MIN_ANALYSIS_MINUTES,
  onFailVerdict,
  minutesIn,
  type AnalysisVerdict,
  type TimeWindow,
} from '../domain/analysis-plan.js';
import type { AnalysisRecord, Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import { judge, type MetricSeries } from '../domain/judge.js';
import type { JudgeResult } from '../domain/judge-scoring.js';
import type { EngineDeps } from './deps.js';
import { endBake } from './bake.js';
import { AnalysisFailed, AnalysisMarginal } from './errors.js';
import { advance, loadDeployment, noteReason } from './progress.js';
import { comparedTargetGroup } from './baseline.js';
import { lookSequential } from './sequential-analysis.js';

type Deps = Pick<
  EngineDeps,
  'clock' | 'locks' | 'deployments' | 'watchers' | 'bakeSchedules' | 'metrics' | 'events'
>;

export type AnalysisOutcome =
  | { verdict: 'continue'; final: boolean; score: number }
  | { verdict: 'skipped'; final: boolean; reason: string };

/**
 * Judges the bake that just ended; `stepIndex` is the schedule step it followed. A bake this
 * deployment judged (or skipped) before is not judged again: its verdict stands, except that a
 * marginal one goes on once a person said so (`decided`: the wait for a decision ended in approve).
 */
export async function analyze(
  deps: Deps,
  spec: DeploymentSpec,
  stepIndex: number,
  { decided = false }: { decided?: boolean } = {},
): Promise<AnalysisOutcome> {
  const final = isFinalAnalysis(spec.plan.strategy, stepIndex, spec.plan.schedule?.length ?? 1);
  // Called after every bake; it judges only where the catalog asks.
  // (A rollback deployment has analysis turned off by validate-input.)
  if (!spec.settings.analysis.enabled) return { verdict: 'skipped', final, reason: 'analysis is off' };
  let deployment = await loadDeployment(deps, spec.deploymentId);
  deployment = await endBake(deps, deployment);
  if (deployment.judgedStep === stepIndex) return judgedBefore(deps, spec, deployment, decided, final);
  const judged = { judgedStep: stepIndex };
  const skippedBy = deployment.promoteFull ? 'promote --full' : deployment.analysisSkippedBy;
  if (skippedBy !== undefined) {
    await advance(deps, deployment, 'analysis skipped', 0, { analysisSkippedBy: undefined, ...judged });
    return { verdict: 'skipped', final, reason: `the operator promoted the step (${skippedBy})` };
  }
  const now = deps.clock.now();
  if (spec.settings.analysis.method === 'sequential') {
    deployment = await advance(deps, deployment, final ? 'final analysis' : 'analysis');
    const look = await lookSequential(deps, spec, deployment, { now, step: stepIndex, final });
    return keep(deps, spec, deployment, look.record, { ...judged, evidence: look.evidence });
  }
  const windows =
    deployment.trafficStartedAt === undefined
      ? null
      : analysisWindows(spec.plan.strategy, deployment.trafficStartedAt, now);
  const minutes = windows === null ? 0 : minutesIn(windows.canary);
  if (!final && minutes < MIN_ANALYSIS_MINUTES) {
    await advance(deps, deployment, 'analysis skipped', 0, judged);
    return {
      verdict: 'skipped',
      final,
      reason: `${minutes} of the ${MIN_ANALYSIS_MINUTES} whole minutes a judgement needs; a later analysis covers them`,
    };
  }
  deployment = await advance(deps, deployment, final ? 'final analysis' : 'analysis');

  const settings = spec.settings.analysis;
  const metrics = settings.metrics ?? [];
  const listenerArn = spec.settings.traffic.productionListenerRule;
  const read = (targetGroupArn: string, window: TimeWindow | undefined): Promise<MetricSeries[]> =>
    window === undefined
      ? Promise.resolve([])
      : deps.metrics.series(metrics, { targetGroupArn, listenerArn }, window, ANALYSIS_PERIOD_SECONDS);
  const [baseline, canary] = await Promise.all([
    read(comparedTargetGroup(deployment), windows?.baseline),
    read(deployment.candidate.targetGroupArn, windows?.canary),
  ]);
  const result = judge({ baseline, canary }, settings);
  const { verdict, reason } = analysisVerdict(result, final, settings.thresholds);
  const record = analysisRecord(result, {
    at: now,
    step: stepIndex,
    final,
    verdict,
    reason,
    window: windows,
  });
  return keep(deps, spec, deployment, record, judged);
}

/** Keeps a judgement on the deployment, publishes it, and acts on it. */
async function keep(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Awaited<ReturnType<typeof loadDeployment>>,
  record: AnalysisRecord,
  changes: Partial<Pick<Deployment, 'judgedStep' | 'evidence'>>,
): Promise<AnalysisOutcome> {
  if (
    record.verdict === 'roll back' &&
    onFailVerdict(record.failedMetrics, spec.settings.analysis) === 'pause'
  ) {
    record = {
      ...record,
      verdict: 'pause',
      reason: `${record.reason}; onFail is pause, so a person decides`,
    };
  }
  // Earlier looks keep their brief; only the latest keeps every metric's full account.
  const earlier = (deployment.analyses ?? []).map(({ metrics: _account, ...look }) => look);
  const kept = await deps.deployments.update(spec.deploymentId, {
    analysis: record,
    analyses: [...earlier, record],
    ...changes,
  });
  await publishJudgement(deps, spec, kept, record);
  return act(deps, kept, record);
}

/** Analysis Completed, on Cutover's bus (at least once: a step that runs again publishes it again). */
async function publishJudgement(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Awaited<ReturnType<typeof loadDeployment>>,
  record: AnalysisRecord,
): Promise<void> {
  await deps.events.publish({
    detailType: 'Analysis Completed',
    detail: {
      deploymentId: spec.deploymentId,
      service: spec.service,
      release: deployment.release,
      final: record.final,
      classification: record.classification,
      score: record.score,
      verdict: record.verdict,
      reason: record.reason,
      failedMetrics: record.failedMetrics,
    },
  });
}

function analysisRecord(
  result: JudgeResult,
  rest: {
    at: number;
    step: number;
    final: boolean;
    verdict: AnalysisVerdict;
    reason: string;
    window: AnalysisRecord['window'];
  },
): AnalysisRecord {
  const failedMetrics = result.metrics
    .filter(
      (m) => m.classification === 'High' || m.classification === 'Low' || m.classification === 'NodataFail',
    )
    .map((m) => m.name);
  return { ...rest, classification: result.classification, score: result.score, failedMetrics };
}

/** The verdict on a bake judged before (none when its judgement was skipped), acted on again. */
async function judgedBefore(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Awaited<ReturnType<typeof loadDeployment>>,
  decided: boolean,
  final: boolean,
): Promise<AnalysisOutcome> {
  const stepIndex = deployment.judgedStep;
  const record = deployment.analysis?.step === stepIndex ? deployment.analysis : undefined;
  if (record === undefined) return { verdict: 'skipped', final, reason: 'skipped before' };
  // A person was asked only after the event, and approved: go on.
  if (record.verdict === 'pause' && decided) return { verdict: 'continue', final, score: record.score };
  // A retry: the run it repeats may have stopped before publishing the judgement.
  await publishJudgement(deps, spec, deployment, record);
  return act(deps, deployment, record);
}

async function act(
  deps: Deps,
  deployment: Awaited<ReturnType<typeof loadDeployment>>,
  record: AnalysisRecord,
): Promise<AnalysisOutcome> {
  const failing = record.failedMetrics.length > 0 ? ` (failing: ${record.failedMetrics.join(', ')})` : '';
  if (record.verdict === 'roll back') {
    await noteReason(deps, deployment, {
      kind: 'analysis',
      message: `${record.reason}${failing}`,
      score: record.score,
      failedMetrics: record.failedMetrics,
    });
    throw new AnalysisFailed(`${record.reason}${failing}`);
  }
  if (record.verdict === 'pause') throw new AnalysisMarginal(`${record.reason}${failing}; approve or abort`);
  return { verdict: 'continue', final: record.final, score: record.score };
}
