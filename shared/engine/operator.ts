// What a person can do to a running deployment: approve it, promote it (end the
// current bake, or with `full` skip every remaining step), or abort it. Each acts
// on the deployment's task tokens, and each is recorded in the ledger with who did
// it and why. A deployment that cannot take the action now answers NotActionable.

import type { Deployment } from '../domain/deployment.js';
import type { EngineDeps } from './deps.js';
import { appendOnce } from './ledger-append.js';
import { noteReason } from './progress.js';

export interface Operator {
  actor: string;
  reason?: string | undefined;
}

/** The deployment does not exist. */
export class DeploymentNotFound extends Error {
  override readonly name = 'DeploymentNotFound' as const;
}

/** The deployment exists but cannot take this action now (it ended, or it is not waiting). */
export class NotActionable extends Error {
  override readonly name = 'NotActionable' as const;
}

/**
 * Four eyes: the catalog's `approval.separateApprover` is on and the person who started the
 * deployment tried to approve it (with approve, or with promote while it waits for approval).
 */
export class SelfApprovalRefused extends Error {
  override readonly name = 'SelfApprovalRefused' as const;
}

type Deps = Pick<EngineDeps, 'deployments' | 'tokens' | 'ledger' | 'serviceStates' | 'clock'>;
type Action = 'approve' | 'promote' | 'promote-full' | 'abort';

async function running(deps: Deps, deploymentId: string, action: Action): Promise<Deployment> {
  const deployment = await deps.deployments.get(deploymentId);
  if (deployment === null) throw new DeploymentNotFound(`no deployment ${deploymentId}`);
  if (deployment.status !== 'running') {
    throw new NotActionable(
      `deployment ${deploymentId} has ended (${deployment.status}); there is nothing to ${action.replace('-', ' ')}`,
    );
  }
  return deployment;
}

/** Refuses, before anything is recorded or answered, an approval by the deployment's own starter. */
function checkFourEyes(deployment: Deployment, operator: Operator, action: Action): void {
  if (deployment.approval?.separateApprover !== true || operator.actor !== deployment.actor) return;
  const verb = action === 'approve' ? 'approve' : `${action.replace('-', ' ')} (which would approve)`;
  throw new SelfApprovalRefused(
    `${operator.actor} started ${deployment.deploymentId}, and ${deployment.service}'s catalog entry ` +
      `requires a separate approver (approval.separateApprover), so ${operator.actor} may not ${verb} it; ` +
      'ask someone else to approve it, or abort it',
  );
}

async function record(deps: Deps, deployment: Deployment, action: Action, operator: Operator): Promise<void> {
  await appendOnce(deps, {
    service: deployment.service,
    type: 'OperatorAction',
    deploymentId: deployment.deploymentId,
    release: deployment.release,
    actor: operator.actor,
    detail: { action, ...(operator.reason ? { reason: operator.reason } : {}) },
  });
}

export async function approve(deps: Deps, deploymentId: string, operator: Operator): Promise<void> {
  const deployment = await running(deps, deploymentId, 'approve');
  if (deployment.approval === undefined) {
    throw new NotActionable(
      `deployment ${deploymentId} is not waiting for approval (it is at: ${deployment.phase})`,
    );
  }
  checkFourEyes(deployment, operator, 'approve');
  // Recorded before the token is answered, so the ledger has the approval before the
  // traffic shift it lets happen.
  await record(deps, deployment, 'approve', operator);
  const outcome = await deps.tokens.succeed(deployment.approval.token, {
    approvedBy: operator.actor,
    reason: operator.reason,
  });
  if (outcome === 'gone') throw new NotActionable(`the approval of ${deploymentId} has already ended`);
  await deps.deployments.update(deploymentId, { approval: undefined });
}

/**
 * Ends the current bake now, so the next step begins; a deployment waiting for approval is
 * approved. With `full`, every remaining step and bake is skipped: traffic goes to 100% and
 * the release is promoted (Argo Rollouts' `promote --full`).
 */
export async function promote(
  deps: Deps,
  deploymentId: string,
  operator: Operator & { full: boolean },
): Promise<void> {
  const action = operator.full ? 'promote-full' : 'promote';
  const deployment = await running(deps, deploymentId, action);
  const token = deployment.approval?.token ?? deployment.bake?.token;
  if (token === undefined && !operator.full) {
    throw new NotActionable(
      `deployment ${deploymentId} is not baking or waiting for approval (it is at: ${deployment.phase}); there is no step to end early`,
    );
  }
  checkFourEyes(deployment, operator, action);
  await record(deps, deployment, action, operator);
  if (operator.full) await deps.deployments.update(deploymentId, { promoteFull: true });
  // The operator judged this step: its canary analysis is skipped (as Argo's promote skips it).
  else if (deployment.bake !== undefined)
    await deps.deployments.update(deploymentId, { analysisSkippedBy: operator.actor });
  if (token !== undefined) await deps.tokens.succeed(token, { promotedBy: operator.actor });
  if (deployment.approval !== undefined) await deps.deployments.update(deploymentId, { approval: undefined });
}

/**
 * Rolls back now. A bake or an approval wait is failed at once; otherwise the next step
 * (at most one health-check interval away) sees the request and rolls back.
 */
export async function abort(deps: Deps, deploymentId: string, operator: Operator): Promise<void> {
  const deployment = await running(deps, deploymentId, 'abort');
  const message = `aborted by ${operator.actor}${operator.reason ? `: ${operator.reason}` : ''}`;
  await noteReason(deps, deployment, { kind: 'operator', message });
  await deps.deployments.update(deploymentId, {
    abortRequested: { actor: operator.actor, reason: operator.reason },
  });
  await record(deps, deployment, 'abort', operator);
  const token = deployment.bake?.token ?? deployment.approval?.token;
  if (token !== undefined) await deps.tokens.fail(token, 'DeploymentAborted', message);
}
