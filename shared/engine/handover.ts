// A promoted deployment's termination wait, handed to a rollback. Until clean-up removes it,
// the old release's task set still runs at full size behind the idle target group, so a
// rollback is a weight flip back to it: the rollback takes the lock and that task set over,
// and the promoted deployment's clean-up then leaves it alone.
//
// One conditional write on the promoted deployment's record decides between the handover
// (the rollback route) and the clean-up (its CleanUp step): each writes only while the other
// has not, so exactly one of them wins.

import type { Deployment } from '../domain/deployment.js';
import { CLEANING_UP_PHASE, HANDED_OVER_PHASE, TERMINATION_WAIT_PHASE } from '../domain/phase.js';
import type { EngineDeps } from './deps.js';
import { LEASE_MARGIN_SECONDS } from './progress.js';

type Deps = Pick<EngineDeps, 'clock' | 'locks' | 'deployments'>;

/** How a handover ended: done, too late (clean-up or another rollback won), or the lock was gone. */
export type HandoverOutcome =
  { outcome: 'handed-over' } | { outcome: 'too-late'; current: Deployment | null } | { outcome: 'lock-lost' };

/** Whether a deployment is in the termination wait that a rollback may take over. */
export function inTerminationWait(deployment: Deployment): boolean {
  return (
    deployment.status === 'promoted' &&
    deployment.strategy !== 'rolling' &&
    deployment.phase === TERMINATION_WAIT_PHASE &&
    deployment.handedOverTo === undefined
  );
}

const lease = (deps: Deps) => deps.clock.now() + LEASE_MARGIN_SECONDS * 1000;

/**
 * The rollback route's side: hands `holder`'s termination wait to the rollback `successor`,
 * then moves the lock to it. Call before starting the successor's execution.
 */
export async function handOver(deps: Deps, holder: Deployment, successor: string): Promise<HandoverOutcome> {
  const { deploymentId, service } = holder;
  // Closes the handover/clean-up race: taken only while the holder waits, before its clean-up
  // began (which writes the phase only while no handover is recorded) and before another rollback.
  const taken = await deps.deployments.updateIf(
    deploymentId,
    { handedOverTo: successor, updatedAt: deps.clock.now() },
    { status: 'promoted', phase: TERMINATION_WAIT_PHASE, handedOverTo: null },
  );
  if (taken === null) return { outcome: 'too-late', current: await deps.deployments.get(deploymentId) };
  // The holder's clean-up may have moved it already (then it is ours: still true).
  if (await deps.locks.transfer(service, deploymentId, successor, lease(deps)))
    return { outcome: 'handed-over' };
  // A third deployment took the holder's expired lease: the handover did not happen.
  await withdrawRecord(deps, deploymentId, successor);
  return { outcome: 'lock-lost' };
}

/**
 * Undoes a handover whose successor never started: the holder cleans up as if it had not
 * happened. If its clean-up already saw the handover (and ended without removing anything),
 * the service is freed instead; its old task set is then left running, without traffic.
 */
export async function withdrawHandover(deps: Deps, holder: Deployment, successor: string): Promise<void> {
  if (await withdrawRecord(deps, holder.deploymentId, successor)) {
    await deps.locks.transfer(holder.service, successor, holder.deploymentId, lease(deps));
  } else {
    await deps.locks.release(holder.service, successor);
  }
}

async function withdrawRecord(deps: Deps, deploymentId: string, successor: string): Promise<boolean> {
  // Closes the withdraw/clean-up race: only while the holder's clean-up has not yet seen the handover.
  const withdrawn = await deps.deployments.updateIf(
    deploymentId,
    { handedOverTo: undefined, updatedAt: deps.clock.now() },
    { handedOverTo: successor, phase: TERMINATION_WAIT_PHASE },
  );
  return withdrawn !== null;
}

/**
 * The clean-up's side, its first write: claims the old task set for removal, unless a
 * rollback took it over. Returns the rollback's id when one did; then this deployment gives
 * the lock to it (if the route has not yet) and removes nothing.
 */
export async function claimCleanUp(deps: Deps, deployment: Deployment): Promise<string | null> {
  const { deploymentId, service } = deployment;
  // Closes the handover/clean-up race (see handOver): clean-up begins only while no rollback
  // has taken the old task set; from then on, a rollback's handover fails on the phase.
  const claimed = await deps.deployments.updateIf(
    deploymentId,
    { phase: CLEANING_UP_PHASE, updatedAt: deps.clock.now() },
    { handedOverTo: null },
  );
  if (claimed !== null) return null;
  const current = await deps.deployments.get(deploymentId);
  const successor = current?.handedOverTo;
  if (successor === undefined) throw new Error(`deployment ${deploymentId} has no record to clean up`);
  // The lock goes to the rollback now, so this execution's ReleaseLock finds it not its own.
  await deps.locks.transfer(service, deploymentId, successor, lease(deps));
  // Closes the withdraw race: marks the handover as seen, so the route can no longer withdraw it.
  await deps.deployments.updateIf(
    deploymentId,
    { phase: HANDED_OVER_PHASE, updatedAt: deps.clock.now() },
    { handedOverTo: successor },
  );
  return successor;
}
