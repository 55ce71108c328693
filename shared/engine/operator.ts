// What a person can do to a running deployment: approve it, promote it (end the
// current bake, or with `full` skip every remaining step), or abort it. Each acts
// on the deployment's task tokens, and each is recorded in the ledger with who did
// it and why, only once it has taken effect: the token was delivered (Step Functions
// resumes a paused task once, so of two actions racing for one token exactly one
// wins), or, with no token to answer, the flag the next step reads was set. A
// deployment that cannot take the action now (it ended, it is not waiting, or another
// action won the token) answers NotActionable, and nothing is recorded.

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

/** What an action did, for the person who asked: the API answers it as is. */
export interface ActionTaken {
  deploymentId: string;
  action: Action;
  /** In words: what was delivered or set, and what the deployment does next. */
  effect: string;
}

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
  // A console start records its claimed actor as `console:<actor>`: that person may not approve it either.
  const starters = [deployment.actor, deployment.actor.replace(/^console:/, '')];
  if (deployment.approval?.separateApprover !== true || !starters.includes(operator.actor)) return;
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

/** The token was not delivered: the wait it paused ended first (another action, or its timeout). */
function lost(deployment: Deployment, action: Action, wait: 'approval' | 'bake'): NotActionable {
  return new NotActionable(
    `the ${wait} wait of ${deployment.deploymentId} ended before this ${action.replace('-', ' ')} reached it ` +
      '(another action or its timeout came first), so nothing was done or recorded; ' +
      `look at the deployment again (GET /deployments/${deployment.deploymentId}) and act on what it is doing now`,
  );
}

export async function approve(deps: Deps, deploymentId: string, operator: Operator): Promise<ActionTaken> {
  const deployment = await running(deps, deploymentId, 'approve');
  if (deployment.approval === undefined) {
    throw new NotActionable(
      `deployment ${deploymentId} is not waiting for approval (it is at: ${deployment.phase})`,
    );
  }
  checkFourEyes(deployment, operator, 'approve');
  const outcome = await deps.tokens.succeed(deployment.approval.token, {
    approvedBy: operator.actor,
    reason: operator.reason,
  });
  if (outcome === 'gone') throw lost(deployment, 'approve', 'approval');
  await record(deps, deployment, 'approve', operator);
  await deps.deployments.update(deploymentId, { approval: undefined });
  return {
    deploymentId,
    action: 'approve',
    effect: "the approval's token was answered: production traffic starts moving to the new release",
  };
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
): Promise<ActionTaken> {
  const action = operator.full ? 'promote-full' : 'promote';
  const deployment = await running(deps, deploymentId, action);
  const wait = deployment.approval !== undefined ? 'approval' : deployment.bake !== undefined ? 'bake' : null;
  const token = deployment.approval?.token ?? deployment.bake?.token;
  if (token === undefined && !operator.full) {
    throw new NotActionable(
      `deployment ${deploymentId} is not baking or waiting for approval (it is at: ${deployment.phase}); there is no step to end early`,
    );
  }
  checkFourEyes(deployment, operator, action);
  // Set before the token is answered: the step it resumes reads them.
  const flags = operator.full
    ? { promoteFull: true }
    : // The operator judged this step: its canary analysis is skipped (as Argo's promote skips it).
      wait === 'bake'
      ? { analysisSkippedBy: operator.actor }
      : {};
  if (Object.keys(flags).length > 0) await deps.deployments.update(deploymentId, flags);
  if (token !== undefined && wait !== null) {
    const outcome = await deps.tokens.succeed(token, { promotedBy: operator.actor });
    if (outcome === 'gone') {
      // The race was lost: take back what this request set, so it has no effect.
      if (Object.keys(flags).length > 0)
        await deps.deployments.update(deploymentId, { promoteFull: undefined, analysisSkippedBy: undefined });
      throw lost(deployment, action, wait);
    }
  }
  await record(deps, deployment, action, operator);
  if (deployment.approval !== undefined) await deps.deployments.update(deploymentId, { approval: undefined });
  const next = operator.full ? 'traffic goes to 100% and the release is promoted' : 'the next step begins';
  const effect =
    wait === 'approval'
      ? `the approval's token was answered (approved): ${next}`
      : wait === 'bake'
        ? `the bake's token was answered (ended early): ${next}`
        : `set promote-full, which the next step reads (there was no wait to end): ${next}`;
  return { deploymentId, action, effect };
}

/**
 * Rolls back now. A bake or an approval wait is failed at once; otherwise the next step
 * (at most one health-check interval away) sees the request and rolls back.
 */
export async function abort(deps: Deps, deploymentId: string, operator: Operator): Promise<ActionTaken> {
  const deployment = await running(deps, deploymentId, 'abort');
  if (deployment.abortRequested !== undefined) {
    throw new NotActionable(
      `deployment ${deploymentId} is already being aborted (asked by ${deployment.abortRequested.actor}); nothing more to do`,
    );
  }
  const message = `aborted by ${operator.actor}${operator.reason ? `: ${operator.reason}` : ''}`;
  const wait = deployment.bake !== undefined ? 'bake' : deployment.approval !== undefined ? 'approval' : null;
  const token = deployment.bake?.token ?? deployment.approval?.token;
  if (token !== undefined && wait !== null) {
    const outcome = await deps.tokens.fail(token, 'DeploymentAborted', message);
    if (outcome === 'gone') throw lost(deployment, 'abort', wait);
  }
  // With a token failed, the rollback step also finds this reason in the token's cause.
  await noteReason(deps, deployment, { kind: 'operator', message });
  await deps.deployments.update(deploymentId, {
    abortRequested: { actor: operator.actor, reason: operator.reason },
  });
  await record(deps, deployment, 'abort', operator);
  const effect =
    wait === null
      ? 'the abort was set on the deployment: its next step rolls back'
      : `the ${wait}'s token was failed: the deployment rolls back`;
  return { deploymentId, action: 'abort', effect };
}
