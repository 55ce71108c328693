// A deployment's plan, each step marked done, current, pending, failed or skipped, from where
// the deployment is now (or where it stopped).

import type { ServiceEntry } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import { DeploymentRequestInvalid } from '../domain/errors.js';
import { phaseInfo } from '../domain/phase.js';
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
  entry: ServiceEntry | undefined,
  traffic: readonly WeightsAt[],
): StepView[] {
  const steps = deployment.plan ?? planAgain(deployment, entry);
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
  return currentIndex(steps, { phase: 'rolling back', weights }) + 1;
}

export function currentIndex(
  steps: PlanStep[],
  d: Pick<Deployment, 'phase' | 'weights'> & Partial<Pick<Deployment, 'headerRoute'>>,
): number {
  const find = (test: (s: PlanStep) => boolean) => steps.findIndex(test);
  const info = phaseInfo(d.phase);
  if (info === undefined) return 0;
  const header = find((s) => s.kind === 'shift' && s.header !== undefined);
  if (info.kind === 'header route') return header;
  switch (info.kind) {
    case 'hook':
      return find((s) => s.kind === 'hook' && s.hook === info.hook);
    case 'approval':
      if (info.because === 'approval required') return find((s) => s.kind === 'approval');
      break;
    case 'final bake':
      return find((s) => s.kind === 'bake' && s.final);
    case 'promoted':
      return find((s) => s.kind === 'termination-wait');
    case 'done':
      return steps.length;
    default:
  }
  const shifted = lastShift(steps, d);
  if (shifted === -1 && header !== -1 && d.headerRoute !== undefined) {
    // The header-routed step ran, and no weighted one yet: its bake, or the step itself.
    return info.kind === 'bake' || info.kind === 'approval' ? header + 1 : header;
  }
  if (shifted !== -1) {
    // A bake, or a marginal analysis asking a person at the end of its bake: the step after the shift.
    const baking = info.kind === 'bake' || info.kind === 'approval';
    return baking ? shifted + 1 : shifted + (d.weights.candidate === 100 ? 1 : 0);
  }
  switch (info.kind) {
    case 'started':
      return find((s) => s.kind === 'check-alarms');
    case 'check-alarms':
      return find((s) => s.kind === 'register-task-definition');
    case 'register-task-definition':
      return find((s) => s.kind === 'create-task-set');
    case 'wait-healthy':
      return find((s) => s.kind === 'wait-healthy');
    case 'healthy':
      return find((s) => s.kind === 'wait-healthy') + 1;
    case 'test-traffic':
      return find((s) => s.kind === 'test-traffic') + 1;
    default:
      return 0;
  }
}

/** The last shift (or rolling batch) the candidate's weight has reached, or -1 for none. */
function lastShift(steps: PlanStep[], d: Pick<Deployment, 'weights'>): number {
  const shifted = steps.filter(
    (s) =>
      (s.kind === 'shift' && s.header === undefined && s.weight <= d.weights.candidate) ||
      (s.kind === 'scale-batch' && s.candidatePercent <= d.weights.candidate),
  );
  return shifted.length === 0 ? -1 : steps.indexOf(shifted.at(-1)!);
}

/**
 * The steps of a deployment recorded before plans were kept with it: planned again from the
 * catalog as it is now. None when the service is gone from the catalog, or no longer allows the
 * deployment's strategy (then no plan can say what that deployment ran).
 */
function planAgain(deployment: Deployment, entry: ServiceEntry | undefined): PlanStep[] {
  if (entry === undefined) return [];
  try {
    return planDeployment(deployment.service, entry, { strategy: deployment.strategy }).steps;
  } catch (error) {
    if (error instanceof DeploymentRequestInvalid) return [];
    throw error;
  }
}
