// What the API answers with: deployments with their steps marked done, current or
// pending, and a service's ledger grouped into releases.

import { alarmNames, type ServiceEntry } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import { planDeployment, type PlanStep } from '../domain/plan.js';
import type { AlarmState } from '../ports/alarms.js';
import type { ExecutionSummary } from '../ports/executions.js';
import { analysisView, type WeightsAt } from './deployment-history.js';

/** `skipped`: never ran, because the deployment was rolled back or aborted before it. */
export type StepState = 'done' | 'current' | 'pending' | 'skipped';

export function deploymentView(
  deployment: Deployment,
  entry: ServiceEntry | undefined,
  now: number,
  alarms: Record<string, AlarmState>,
  execution: ExecutionSummary | null,
  traffic: WeightsAt[] = [],
  speed = 1,
) {
  const steps = entry === undefined ? [] : stepsOf(deployment, entry, traffic);
  return {
    deploymentId: deployment.deploymentId,
    service: deployment.service,
    release: deployment.release,
    image: deployment.image,
    strategy: deployment.strategy,
    status: deployment.status,
    phase: deployment.phase,
    trigger: deployment.trigger,
    actor: deployment.actor,
    weights: deployment.weights,
    stable: { release: deployment.stable.release, image: deployment.stable.image },
    bake: deployment.bake
      ? {
          endsAt: new Date(deployment.bake.endsAt).toISOString(),
          secondsLeft: Math.max(0, Math.round((deployment.bake.endsAt - now) / 1000)),
        }
      : null,
    approval: deployment.approval
      ? {
          expiresAt: new Date(deployment.approval.expiresAt).toISOString(),
          // Real seconds a person has left to answer (the local cloud's clock runs `speed` times faster).
          secondsLeft: Math.max(0, Math.round((deployment.approval.expiresAt - now) / 1000 / speed)),
        }
      : null,
    promoteFull: deployment.promoteFull ?? false,
    analysis: deployment.analysis ? analysisView(deployment.analysis) : null,
    analyses: (deployment.analyses ?? []).map(analysisView),
    traffic,
    alarms: (entry ? alarmNames(entry) : []).map((name) => ({ name, state: alarms[name] ?? 'UNKNOWN' })),
    steps,
    reason: deployment.reason ?? null,
    execution: executionView(execution),
    startedAt: new Date(deployment.startedAt).toISOString(),
    updatedAt: new Date(deployment.updatedAt).toISOString(),
  };
}

export function executionView(execution: ExecutionSummary | null) {
  return execution
    ? { status: execution.status, error: execution.error ?? null, cause: execution.cause ?? null }
    : null;
}

/**
 * The plan's steps, each done, current or pending, from where the deployment is now. For one
 * that was rolled back or aborted, the steps up to the furthest shift it reached are done and
 * the rest were skipped.
 */
function stepsOf(
  deployment: Deployment,
  entry: ServiceEntry,
  traffic: readonly WeightsAt[],
): (PlanStep & { state: StepState })[] {
  let steps: PlanStep[];
  try {
    steps = planDeployment(deployment.service, entry, { strategy: deployment.strategy }).steps;
  } catch {
    return [];
  }
  if (deployment.status === 'rolled-back' || deployment.status === 'aborted') {
    const reached = Math.max(0, ...traffic.map((point) => point.candidate));
    const last =
      reached === 0
        ? -1
        : currentIndex(steps, {
            ...deployment,
            phase: 'shift',
            weights: { stable: 100 - reached, candidate: reached },
          });
    return steps.map((step, i) => ({ ...step, state: i <= last ? 'done' : 'skipped' }));
  }
  const current = deployment.status === 'running' ? currentIndex(steps, deployment) : steps.length;
  return steps.map((step, i) => ({
    ...step,
    state: i < current ? 'done' : i === current ? 'current' : 'pending',
  }));
}

function currentIndex(steps: PlanStep[], d: Deployment): number {
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
    return phase === 'bake' ? last + 1 : last + (d.weights.candidate === 100 ? 1 : 0);
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
