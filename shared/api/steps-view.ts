// A deployment's plan, each step marked done, current, pending, failed or skipped, from where
// the deployment is now (or where it stopped).

import type { ServiceEntry } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import { planDeployment, type PlanStep } from '../domain/plan.js';
import type { WeightsAt } from './deployment-history.js';

/**
 * `failed`: the step that was running when the deployment was rolled back or aborted.
 * `skipped`: never ran, because the deployment was rolled back or aborted before it.
 */
export type StepState = 'done' | 'current' | 'pending' | 'failed' | 'skipped';

export type StepView = PlanStep & { state: StepState };

export function stepsOf(
  deployment: Deployment,
  entry: ServiceEntry,
  traffic: readonly WeightsAt[],
): StepView[] {
  let steps: PlanStep[];
  try {
    steps = planDeployment(deployment.service, entry, { strategy: deployment.strategy }).steps;
  } catch {
    return [];
  }
  if (deployment.status === 'rolled-back' || deployment.status === 'aborted') {
    const failed = failedIndex(steps, deployment, traffic);
    return steps.map((step, i) => ({
      ...step,
      state: i < failed ? 'done' : i === failed ? 'failed' : 'skipped',
    }));
  }
  const current = deployment.status === 'running' ? currentIndex(steps, deployment) : steps.length;
  return steps.map((step, i) => ({
    ...step,
    state: i < current ? 'done' : i === current ? 'current' : 'pending',
  }));
}

/**
 * The step that was running when the rollback began: from the phase and weight the rollback
 * kept, or, for a deployment recorded before it kept them, the step after the furthest
 * shift the ledger shows (a hook, an approval or a health wait named by its reason).
 */
function failedIndex(steps: PlanStep[], deployment: Deployment, traffic: readonly WeightsAt[]): number {
  const reached = Math.max(0, ...traffic.map((point) => point.candidate));
  const stopped = deployment.failedStep;
  if (stopped !== undefined && stopped.phase !== 'rolling back') {
    const weights = { stable: 100 - stopped.candidate, candidate: stopped.candidate };
    return Math.min(currentIndex(steps, { ...deployment, phase: stopped.phase, weights }), steps.length - 1);
  }
  const reason = deployment.reason;
  if (reason?.kind === 'hook' && 'hook' in reason)
    return steps.findIndex((s) => s.kind === 'hook' && s.hook === reason.hook);
  if (reason?.kind === 'approval-timeout') return steps.findIndex((s) => s.kind === 'approval');
  if (reached === 0)
    return reason?.kind === 'health' ? steps.findIndex((s) => s.kind === 'wait-healthy') : -1;
  const weights = { stable: 100 - reached, candidate: reached };
  return currentIndex(steps, { ...deployment, phase: 'shift', weights }) + 1;
}

export function currentIndex(steps: PlanStep[], d: Deployment): number {
  const phase = d.phase;
  const find = (test: (s: PlanStep) => boolean) => steps.findIndex(test);
  if (phase.startsWith('hook:')) return find((s) => s.kind === 'hook' && s.hook === phase.slice(5));
  if (phase === 'approval') return find((s) => s.kind === 'approval');
  if (phase === 'final bake') return find((s) => s.kind === 'bake' && s.final);
  if (phase === 'promoted') return find((s) => s.kind === 'termination-wait');
  if (phase === 'done') return steps.length;
  const shifted = steps.filter(
    (s) =>
      (s.kind === 'shift' && s.weight <= d.weights.candidate) ||
      (s.kind === 'scale-batch' && s.candidatePercent <= d.weights.candidate),
  );
  if (shifted.length > 0) {
    const last = steps.indexOf(shifted.at(-1)!);
    // A marginal analysis asks for approval at the end of its bake.
    const baking = phase === 'bake' || phase === 'approval (analysis marginal)';
    return baking ? last + 1 : last + (d.weights.candidate === 100 ? 1 : 0);
  }
  const early: Record<string, PlanStep['kind']> = {
    started: 'check-alarms',
    'check-alarms': 'register-task-definition',
    'register-task-definition': 'create-task-set',
    'wait-healthy': 'wait-healthy',
    healthy: 'wait-healthy',
    'test-traffic': 'test-traffic',
  };
  const kind = early[phase];
  return kind === undefined
    ? 0
    : find((s) => s.kind === kind) + (phase === 'healthy' || phase === 'test-traffic' ? 1 : 0);
}
