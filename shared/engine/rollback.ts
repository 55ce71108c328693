// Rollback: production traffic back on the stable task set, a header-routed step's rule deleted,
// the new task set (and a baseline task set) deleted (for rolling, only once the stable set is ready to carry production),
// and the reason recorded. Every step is idempotent, so a rollback that
// meets a transient error is simply run again by the state machine's Retry.

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import { reasonFromError, type CaughtError } from '../domain/reason.js';
import type { Reason } from '../domain/ledger.js';
import type { EngineDeps } from './deps.js';
import { cancelSchedule, endBake } from './bake.js';
import { appendOnce } from './ledger-append.js';
import { advance } from './progress.js';
import { awaitRestoredCapacity } from './restored-capacity.js';
import { removeBaseline } from './baseline.js';
import { closeHeaderRoute, headerRouteOpen } from './header-route.js';
import { ecsServiceOf } from './task-set.js';
import { setAndVerify } from './traffic.js';

export interface RollbackOutcome {
  outcome: 'rolled-back' | 'aborted';
  /** The execution's final error name: RolledBack, or Aborted when no production traffic had moved. */
  error: 'RolledBack' | 'Aborted';
  cause: string;
  reason: Reason;
}

type Deps = Pick<
  EngineDeps,
  | 'clock'
  | 'locks'
  | 'deployments'
  | 'router'
  | 'taskSets'
  | 'ledger'
  | 'signer'
  | 'serviceStates'
  | 'watchers'
  | 'bakeSchedules'
  | 'events'
  | 'routes'
>;

export async function rollBack(
  deps: Deps,
  spec: DeploymentSpec,
  error: CaughtError,
): Promise<RollbackOutcome> {
  let deployment = await deps.deployments.get(spec.deploymentId);
  if (deployment === null) {
    const reason = reasonFromError(error, 'start');
    return { outcome: 'aborted', error: 'Aborted', cause: reason.message, reason };
  }
  const bake = deployment;
  // The bake's schedule is deleted once production is safe: not on the alarm's path to it.
  deployment = await endBake(deps, deployment, { schedule: 'later' });
  const reason = deployment.reason ?? reasonFromError(error, deployment.phase);
  // Where it stopped (kept from a first attempt: a retry finds 'rolling back'); status marks that step failed.
  const failedStep = deployment.failedStep ?? {
    phase: deployment.phase,
    candidate: deployment.weights.candidate,
    // Requests with the step's header reached the new task set: traffic moved, at weight 0.
    ...(headerRouteOpen(deployment) ? { headerRoute: true as const } : {}),
  };
  deployment = await advance(
    deps,
    deployment,
    'rolling back',
    0,
    { reason, failedStep },
    { rollingBack: true },
  );
  // From where it stopped, not from the weights now: a retry after the last write below finds
  // them at 0, and would call a rollback an abort (and append a second, different record).
  const trafficMoved = failedStep.candidate > 0 || failedStep.headerRoute === true;

  await restoreProduction(deps, spec, deployment);
  const closed = await closeHeaderRoute(deps, spec, deployment);
  await cancelSchedule(deps, bake);
  await removeCandidate(deps, spec, deployment);
  // Found by its externalId too: a crash may have cut its creation short of the record.
  await removeBaseline(deps, spec, deployment);
  const baseline = deployment.baseline && {
    ...deployment.baseline,
    removedAt: deployment.baseline.removedAt ?? deps.clock.now(),
  };

  const outcome = trafficMoved ? 'rolled-back' : 'aborted';
  await appendOnce(deps, {
    service: spec.service,
    type: trafficMoved ? 'RolledBack' : 'Aborted',
    deploymentId: spec.deploymentId,
    release: deployment.release,
    actor: reason.kind === 'operator' ? 'operator' : 'state-machine',
    detail: { reason },
  });
  await deps.events.publish({
    detailType: 'Deployment Rolled Back',
    detail: {
      deploymentId: spec.deploymentId,
      service: spec.service,
      release: deployment.release,
      image: spec.image,
      outcome,
      reason,
    },
  });
  await advance(
    deps,
    deployment,
    outcome,
    0,
    {
      status: outcome,
      weights: { stable: 100, candidate: 0 },
      testTraffic: false,
      approval: undefined,
      ...(baseline === undefined ? {} : { baseline }),
      ...closed,
    },
    { rollingBack: true },
  );
  return { outcome, error: trafficMoved ? 'RolledBack' : 'Aborted', cause: reason.message, reason };
}

async function restoreProduction(deps: Deps, spec: DeploymentSpec, deployment: Deployment): Promise<void> {
  const { traffic } = spec.settings;
  if (spec.plan.strategy === 'rolling') {
    // Capacity first: the old task set back to full size, and ready to carry production,
    // before the new one goes (see restored-capacity.ts; throws TransientError to retry).
    await deps.taskSets.scale(ecsServiceOf(spec), deployment.stable.taskSetId, 100);
    await awaitRestoredCapacity(deps, spec, deployment.stable.taskSetId);
    return;
  }
  await setAndVerify(deps.router, traffic.productionListenerRule, deployment, 0);
  if (traffic.testListenerRule !== undefined && deployment.testTraffic) {
    await setAndVerify(deps.router, traffic.testListenerRule, deployment, 0);
  }
}

/**
 * Deletes the new task set, found by id or, if its creation was never recorded, by its
 * externalId. One that no longer exists (deleted by an earlier try, or by hand) is done.
 */
async function removeCandidate(deps: Deps, spec: DeploymentSpec, deployment: Deployment): Promise<void> {
  const service = ecsServiceOf(spec);
  const existing = await deps.taskSets.list(service);
  const ids = new Set<string>();
  for (const taskSet of existing) {
    const recorded = taskSet.id === deployment.candidate.taskSetId;
    if ((recorded || taskSet.externalId === spec.deploymentId) && taskSet.status !== 'PRIMARY')
      ids.add(taskSet.id);
  }
  for (const id of ids) {
    await deps.taskSets.scale(service, id, 0);
    await deps.taskSets.remove(service, id);
  }
}
