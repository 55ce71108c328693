// Orphaned deployments: the service's lock is held, but the execution that holds it has
// ended without letting go (it was stopped, it failed in its own rollback, or the local
// cloud was killed under it). Nothing would ever finish it, so this does: a deployment whose
// promotion had not begun is rolled back to the stable release, with a `recovered` reason in
// the ledger; one whose promotion began is finished (recover-promotion.ts): its task set
// primary with all traffic, its Promoted record written, its old task set removed. Then the
// lock is released (starting the push that waited, if any). Each service is recovered on its
// own: one that fails is reported with its error and tried again at the next sweep, and the
// others go on. A running execution is left alone, even past its
// lease: every wait in the state machines has a timeout, so it ends, and is recovered then if
// it still holds the lock. (Judging a run by its lease alone would abort healthy deployments
// whenever steps are slow to be scheduled, as on a loaded machine at a fast simulated clock.)

import type { Catalog } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import { validateDeploymentRequest, type DeploymentSpec } from '../domain/deployment-request.js';
import { stateMachineFor } from '../domain/strategy.js';
import type { ExecutionSummary } from '../ports/executions.js';
import type { EngineDeps } from './deps.js';
import { releaseLock } from './finish.js';
import { noteReason } from './progress.js';
import { ecsServiceOf } from './task-set.js';
import { finishPromotion, promotionBegan } from './recover-promotion.js';
import { rollBack } from './rollback.js';

/** What rollback needs, and the executions to see which ones ended. */
type Deps = Parameters<typeof rollBack>[0] & Pick<EngineDeps, 'executions' | 'vouchers' | 'anchors'>;

export interface Recovery {
  service: string;
  /** Null only when the lock itself could not be read. */
  deploymentId: string | null;
  /** `failed`: recovery threw; `message` says why, and the next sweep tries again. */
  action: 'rolled-back' | 'cleaned-up' | 'released' | 'needs-operator' | 'failed';
  message: string;
}

/** Looks at every service's lock once; returns what it did. */
export async function recoverOrphans(deps: Deps, catalog: Catalog): Promise<Recovery[]> {
  const done: Recovery[] = [];
  for (const service of Object.keys(catalog.services)) {
    const seen: { deploymentId: string | null } = { deploymentId: null };
    try {
      const recovery = await recoverService(deps, catalog, service, seen);
      if (recovery !== null) done.push(recovery);
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      const message = `recovery of ${service} failed (${why}); the next sweep tries again, and the lock stays held until then`;
      done.push({ service, deploymentId: seen.deploymentId, action: 'failed', message });
    }
  }
  return done;
}

async function recoverService(
  deps: Deps,
  catalog: Catalog,
  service: string,
  seen: { deploymentId: string | null },
): Promise<Recovery | null> {
  const holder = await deps.locks.holder(service);
  if (holder === null) return null;
  const { deploymentId } = holder;
  seen.deploymentId = deploymentId;
  const deployment = await deps.deployments.get(deploymentId);
  const leaseOver = holder.leaseUntil < deps.clock.now();
  const execution =
    deployment === null
      ? null
      : await deps.executions.describe(stateMachineFor(deployment.strategy), deploymentId);
  const ended = execution === null || execution.status !== 'RUNNING';
  if (deployment === null) {
    // The lock was taken, and the record never written: nothing ran yet.
    if (!leaseOver) return null;
    await deps.locks.release(service, deploymentId);
    return { service, deploymentId, action: 'released', message: 'lock held with no deployment record' };
  }
  if (!ended) return null;
  const spec = specOf(catalog, deployment);
  if (spec === null) {
    const message = `the catalog no longer describes how to deploy ${service}: roll it back by hand`;
    return { service, deploymentId, action: 'needs-operator', message };
  }
  const why = `its execution ${describeEnd(execution)} while it held the lock in phase ${deployment.phase}`;
  if (deployment.status === 'running' && !(await promotionBegan(deps, spec, deployment))) {
    await keepStablePrimary(deps, spec, deployment);
    await noteReason(deps, deployment, {
      kind: 'recovered',
      message: `${why}; Cutover put production back on ${stableName(deployment)}`,
    });
    await rollBack(deps, spec, { Error: 'Recovered', Cause: why });
    await releaseLock(deps, spec);
    return { service, deploymentId, action: 'rolled-back', message: why };
  }
  // Promoted, even in phase `done`: ECS may have lost what clean-up did (a restart from an
  // older snapshot), and finishing is idempotent when it did not.
  if (deployment.status === 'running' || deployment.status === 'promoted') {
    const finished = await finishPromotion(deps, spec, deployment);
    await releaseLock(deps, spec);
    if (!finished.done)
      return { service, deploymentId, action: 'needs-operator', message: `${why}; ${finished.message}` };
    return { service, deploymentId, action: 'cleaned-up', message: `${why}; Cutover finished its promotion` };
  }
  await releaseLock(deps, spec);
  return { service, deploymentId, action: 'released', message: why };
}

/**
 * Before a rollback: if ECS shows a task set other than the stable one as PRIMARY (a person
 * changed it by hand), the stable one is made primary again, so that it is the one left
 * carrying production; rollback never deletes the PRIMARY task set.
 */
async function keepStablePrimary(deps: Deps, spec: DeploymentSpec, deployment: Deployment): Promise<void> {
  const service = ecsServiceOf(spec);
  const sets = await deps.taskSets.list(service);
  const stable = sets.find((s) => s.id === deployment.stable.taskSetId);
  if (stable !== undefined && stable.status !== 'PRIMARY')
    await deps.taskSets.makePrimary(service, stable.id);
}

function stableName(deployment: Deployment): string {
  const { release } = deployment.stable;
  return release > 0 ? `release ${release}` : 'the task set that ran before Cutover';
}

function describeEnd(execution: ExecutionSummary | null): string {
  if (execution === null) return 'no longer exists';
  const error = execution.error ? ` (${execution.error})` : '';
  return `ended ${execution.status}${error}`;
}

/** The spec the execution ran with, rebuilt from its record and the catalog. */
function specOf(catalog: Catalog, deployment: Deployment): DeploymentSpec | null {
  try {
    return validateDeploymentRequest(
      {
        service: deployment.service,
        image: deployment.image,
        strategy: deployment.strategy,
        trigger: deployment.trigger,
        actor: deployment.actor,
      },
      catalog,
      deployment.deploymentId,
    );
  } catch {
    // The service left the catalog, or its settings no longer accept this deployment.
    return null;
  }
}
