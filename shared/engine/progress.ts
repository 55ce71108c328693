// Keeping a running deployment's record and lock current. Every step says what it
// is doing (the `phase` that status and the dashboard show) and extends the lock's
// lease to cover its next wait, so only a deployment that truly stopped loses it.

import type { Deployment } from '../domain/deployment.js';
import type { Reason } from '../domain/ledger.js';
import type { Phase } from '../domain/phase.js';
import type { Clock } from '../ports/clock.js';
import type { DeploymentLocks, Deployments } from '../ports/deployments.js';
import { DeploymentAborted, LockLost } from './errors.js';
import { takeAbort } from './operator-record.js';

/** Slack on top of the longest wait a step expects before the next step runs. */
export const LEASE_MARGIN_SECONDS = 15 * 60;

type ProgressDeps = { clock: Clock; locks: DeploymentLocks; deployments: Deployments };

/** Loads a deployment this step belongs to; fails loudly if its record is missing. */
export async function loadDeployment(
  deps: { deployments: Deployments },
  deploymentId: string,
): Promise<Deployment> {
  const deployment = await deps.deployments.get(deploymentId);
  if (deployment === null)
    throw new Error(`deployment ${deploymentId} has no record; it was not started by acquire-lock`);
  return deployment;
}

/**
 * Records the phase (and any other changes) and renews the lease for `waitSeconds`
 * plus a margin. Throws LockLost if another deployment has taken the service over,
 * and DeploymentAborted if an operator asked to abort (except while rolling back).
 */
export async function advance(
  deps: ProgressDeps,
  deployment: Deployment,
  phase: Phase,
  waitSeconds = 0,
  changes: Partial<Deployment> = {},
  { rollingBack = false }: { rollingBack?: boolean } = {},
): Promise<Deployment> {
  // An abort the API set: taken here (so it can no longer be withdrawn) unless it was withdrawn first.
  if (deployment.abortRequested !== undefined && !rollingBack && (await takeAbort(deps, deployment))) {
    const { actor, reason } = deployment.abortRequested;
    throw new DeploymentAborted(`aborted by ${actor}${reason ? `: ${reason}` : ''}`);
  }
  const now = deps.clock.now();
  const leaseUntil = now + (waitSeconds + LEASE_MARGIN_SECONDS) * 1000;
  if (!(await deps.locks.renew(deployment.service, deployment.deploymentId, leaseUntil))) {
    throw new LockLost(
      `deployment ${deployment.deploymentId} no longer holds the lock of ${deployment.service}; ` +
        'its lease expired and another deployment took over, so this one stops here',
    );
  }
  return deps.deployments.update(deployment.deploymentId, { ...changes, phase, updatedAt: now });
}

/** Keeps the first reason: later errors during the same failure do not replace it. */
export async function noteReason(
  deps: { deployments: Deployments },
  deployment: Deployment,
  reason: Reason,
): Promise<void> {
  if (deployment.reason === undefined) await deps.deployments.update(deployment.deploymentId, { reason });
}
