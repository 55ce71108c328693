// What a person can do to a running deployment: approve it, promote it (end the
// current bake, or with `full` skip every remaining step), or abort it. Each acts on the
// deployment's task tokens, or sets a flag its next step reads. Step Functions resumes a
// paused task once, so of two actions racing for one token exactly one wins; flags are set
// with a conditional write, so of two requests for one flag exactly one wins. A deployment
// that cannot take the action now (it ended, it is not waiting, or another action won)
// answers NotActionable, and nothing is recorded. What won is recorded in the ledger, with
// who did it and why, by the deployment's own steps as they act on it (operator-record.ts):
// never for an action that had no effect, and never lost when this process stops between
// delivering an action and answering it.

import { randomBytes } from 'node:crypto';
import type { Deployment } from '../domain/deployment.js';
import type { EngineDeps } from './deps.js';
import { DeploymentNotFound, NotActionable, SelfApprovalRefused } from './errors.js';
import { tokenOutput, type DeliveredAction } from './operator-record.js';
import { noteReason } from './progress.js';

export interface Operator {
  actor: string;
  reason?: string | undefined;
}

type Deps = Pick<EngineDeps, 'deployments' | 'tokens' | 'clock'>;
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

/** This request, with an id of its own, as the step that acts on it records it. */
function request(action: Action, operator: Operator): DeliveredAction {
  return {
    id: randomBytes(8).toString('hex'),
    action,
    actor: operator.actor,
    ...(operator.reason ? { reason: operator.reason } : {}),
  };
}

/** The token was not delivered: the wait it paused ended first (another action, or its timeout). */
function lost(deployment: Deployment, action: Action, wait: 'approval' | 'bake' | 'hook'): NotActionable {
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
  const outcome = await deps.tokens.succeed(
    deployment.approval.token,
    tokenOutput(request('approve', operator)),
  );
  if (outcome === 'gone') throw lost(deployment, 'approve', 'approval');
  await deps.deployments.update(deploymentId, { approval: undefined });
  return {
    deploymentId,
    action: 'approve',
    effect: `the approval's token was answered: production traffic starts moving to the new release`,
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
  const asked = request(action, operator);
  if (token === undefined || wait === null) {
    // No wait to end: the next step reads the flag, and records this request from the record.
    const set = await deps.deployments.updateIf(
      deploymentId,
      { promoteFull: true, promoteFullRequest: { id: asked.id, actor: asked.actor, reason: asked.reason } },
      { status: 'running', promoteFullRequest: null },
    );
    if (set === null) {
      throw new NotActionable(
        `deployment ${deploymentId} has ended, or is already being promoted fully; look at it again ` +
          `(GET /deployments/${deploymentId})`,
      );
    }
    return {
      deploymentId,
      action,
      effect: `set promote-full, which the next step reads (there was no wait to end): traffic goes to 100% and the release is promoted`,
    };
  }
  // Set before the token is answered: the step it resumes reads them.
  const flags = operator.full
    ? { promoteFull: true }
    : // The operator judged this step: its canary analysis is skipped (as Argo's promote skips it).
      wait === 'bake'
      ? { analysisSkippedBy: operator.actor }
      : {};
  if (Object.keys(flags).length > 0) await deps.deployments.update(deploymentId, flags);
  const outcome = await deps.tokens.succeed(token, { promotedBy: operator.actor, ...tokenOutput(asked) });
  if (outcome === 'gone') {
    // The race was lost: take back what this request set, so it has no effect.
    if (Object.keys(flags).length > 0)
      await deps.deployments.update(deploymentId, { promoteFull: undefined, analysisSkippedBy: undefined });
    throw lost(deployment, action, wait);
  }
  if (deployment.approval !== undefined) await deps.deployments.update(deploymentId, { approval: undefined });
  const next = operator.full ? 'traffic goes to 100% and the release is promoted' : 'the next step begins';
  const effect =
    wait === 'approval'
      ? `the approval's token was answered (approved): ${next}`
      : `the bake's token was answered (ended early): ${next}`;
  return { deploymentId, action, effect };
}

/**
 * Rolls back now. A bake, an approval or a hook wait is failed at once; otherwise the next step
 * (at most one health-check interval away) sees the request and rolls back.
 */
export async function abort(deps: Deps, deploymentId: string, operator: Operator): Promise<ActionTaken> {
  await running(deps, deploymentId, 'abort');
  const asked = request('abort', operator);
  // One abort per deployment: the conditional write decides which of two racing requests it is.
  const deployment = await deps.deployments.updateIf(
    deploymentId,
    { abortRequested: { actor: asked.actor, reason: asked.reason }, abortId: asked.id },
    { status: 'running', abortId: null },
  );
  if (deployment === null) throw await notAbortable(deps, deploymentId);
  const message = `aborted by ${operator.actor}${operator.reason ? `: ${operator.reason}` : ''}`;
  // A hook's wait is failed too: one that answers IN_PROGRESS may hold its Task for hours.
  const wait =
    deployment.bake !== undefined
      ? 'bake'
      : deployment.approval !== undefined
        ? 'approval'
        : deployment.hookWait !== undefined
          ? 'hook'
          : null;
  const token = deployment.bake?.token ?? deployment.approval?.token ?? deployment.hookWait?.token;
  let effect =
    wait === null || token === undefined
      ? 'the abort was set on the deployment: its next step rolls back'
      : `the ${wait}'s token was failed: the deployment rolls back`;
  if (token !== undefined && wait !== null) {
    const outcome = await deps.tokens.fail(token, 'DeploymentAborted', message);
    if (outcome === 'gone') {
      // The wait ended first. Withdraw the request, unless a step already took it and rolls back.
      const withdrawn = await deps.deployments.updateIf(
        deploymentId,
        { abortRequested: undefined, abortId: undefined },
        { abortId: asked.id, abortTakenAt: null },
      );
      if (withdrawn !== null) throw lost(deployment, 'abort', wait);
      effect = `the ${wait} had just ended, and the next step took the abort: the deployment rolls back`;
    }
  }
  // With a token failed, the rollback step also finds this reason in the token's cause.
  await noteReason(deps, deployment, { kind: 'operator', message });
  return { deploymentId, action: 'abort', effect };
}

/** Why an abort's conditional write failed: the deployment ended, or another abort came first. */
async function notAbortable(deps: Deps, deploymentId: string): Promise<Error> {
  const now = await running(deps, deploymentId, 'abort');
  return new NotActionable(
    `deployment ${deploymentId} is already being aborted (asked by ${now.abortRequested?.actor ?? 'someone else'}); nothing more to do`,
  );
}
