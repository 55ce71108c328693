// A look of the sequential judge (`analysis.method: sequential`), made by the ShiftTraffic after
// each bake of a canary or linear rollout: the minutes not read before are added to the
// deployment's evidence, and every metric is judged on all of it. A regression shown at the
// catalog's false-fail rate rolls back; anything else goes on (docs/analysis.md).

import { sequentialWindow } from '../domain/analysis-plan.js';
import type { AnalysisRecord, Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import {
  briefOf,
  judgeSequential,
  type Evidence,
  type SequentialResult,
} from '../domain/sequential-judge.js';
import type { EngineDeps } from './deps.js';
import { addMinutes, startEvidence, type Sides } from './evidence.js';
import { comparedTargetGroup } from './baseline.js';

type Deps = Pick<EngineDeps, 'metrics'>;

/** The look's judgement as it is kept, and the evidence it rests on. */
export async function lookSequential(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
  at: { now: number; step: number; final: boolean },
): Promise<{ record: AnalysisRecord; evidence: Evidence | undefined }> {
  const settings = spec.settings.analysis;
  const metrics = settings.metrics ?? [];
  const listenerArn = spec.settings.traffic.productionListenerRule;
  const sides: Sides = {
    canary: { targetGroupArn: deployment.candidate.targetGroupArn, listenerArn },
    baseline: { targetGroupArn: comparedTargetGroup(deployment), listenerArn },
  };
  // The latency thresholds come from the stable task set before the first shift (a baseline
  // task set serves nothing before then).
  const stable = { targetGroupArn: deployment.stable.targetGroupArn, listenerArn };
  const started = deployment.trafficStartedAt;
  const window = started === undefined ? null : sequentialWindow(started, at.now);
  let evidence = deployment.evidence;
  if (started !== undefined) {
    evidence ??= await startEvidence(deps, metrics, stable, started);
    if (window !== null) evidence = await addMinutes(deps, evidence, metrics, sides, window);
  }
  const result = judgeSequential(evidence?.metrics ?? [], metrics, {
    falseFailRate: settings.falseFailRate,
    final: at.final,
  });
  const readWindow =
    evidence === undefined || window === null ? null : { start: window.start, end: evidence.readThrough };
  return { record: recordOf(result, at, readWindow), evidence };
}

function recordOf(
  result: SequentialResult,
  at: { now: number; step: number; final: boolean },
  window: { start: number; end: number } | null,
): AnalysisRecord {
  const failed = result.metrics.filter(
    (m) => m.classification === 'High' || m.classification === 'Low' || m.critical,
  );
  const fail = result.classification === 'Fail';
  const kind = at.final ? 'final' : 'interim';
  return {
    at: at.now,
    step: at.step,
    final: at.final,
    method: 'sequential',
    classification: result.classification,
    score:
      result.metrics.length === 0
        ? 0
        : Math.round((10_000 * (result.metrics.length - failed.length)) / result.metrics.length) / 100,
    verdict: fail ? 'roll back' : 'continue',
    reason: fail
      ? `${kind} sequential analysis: ${result.reason}`
      : `${kind} sequential analysis: ${result.reason}, so the rollout goes on`,
    failedMetrics: failed.map((m) => m.name),
    window: window === null ? null : { baseline: window, canary: window },
    metrics: result.metrics,
    brief: result.metrics.map(briefOf),
  };
}
