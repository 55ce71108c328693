// The rollback route while a promoted deployment still holds the service. In its termination
// wait the old release's task set still runs, so the rollback takes the wait over and moves
// production back to that task set at once (shared/engine/handover.ts). Past the wait (its
// clean-up began), or for rolling (no old task set is left), the answer is a 409 that says why.

import type { Deployment } from '../domain/deployment.js';
import { handOver, inTerminationWait, withdrawHandover } from '../engine/handover.js';
import type { ApiDeps } from './deps.js';
import { conflict } from './errors.js';

/** A release a rollback may redeploy, as the route picked it. */
interface Target {
  release: number;
  image: string;
}

const digestOf = (image: string) => image.slice(image.indexOf('@') + 1);

/**
 * The promoted deployment whose termination wait a rollback to `target` takes over, or null
 * when `active` is not a promoted deployment (the ordinary rollback applies). Throws a 409
 * saying why when `active` holds the service in a way no rollback can take over.
 */
export function handoverFrom(name: string, active: Deployment | null, target: Target): Deployment | null {
  if (active === null || active.status !== 'promoted') return null;
  const old = active.stable.release;
  const finishing = `release ${active.release} of ${name} was promoted and is finishing (${active.deploymentId})`;
  if (active.strategy === 'rolling')
    throw conflict(
      'DeploymentInProgress',
      `${finishing}: a rolling deployment scaled release ${old}'s tasks in batch by batch, so no old ` +
        'task set is left to move production back to. Roll back again in a few seconds, once it frees ' +
        'the service: a new release then redeploys the earlier image',
    );
  if (!inTerminationWait(active)) throw tooLate(name, active);
  if (digestOf(target.image) !== digestOf(active.stable.image))
    throw conflict(
      'DeploymentInProgress',
      `${finishing}, and release ${old}'s old task set still runs (termination wait): a rollback now ` +
        `can only move production back to release ${old}. Roll back without "to" (or with "to": ${old}), ` +
        `or wait for the termination wait to end to roll back to release ${target.release}`,
    );
  return active;
}

/** Why a handover came too late: the old task set is being removed, or another rollback has it. */
function tooLate(name: string, current: Deployment): Error {
  if (current.handedOverTo !== undefined)
    return conflict(
      'DeploymentInProgress',
      `${name} is already rolling back to release ${current.stable.release}: rollback ` +
        `${current.handedOverTo} took over release ${current.release}'s termination wait`,
    );
  return conflict(
    'DeploymentInProgress',
    `release ${current.stable.release}'s old task set of ${name} is being removed right now (the ` +
      `termination wait of release ${current.release} ended); roll back again in a few seconds, ` +
      'then a new task set of it is started',
  );
}

/** Takes `holder`'s termination wait and lock for the rollback `successor`; a 409 if too late. */
export async function takeOver(deps: ApiDeps, holder: Deployment, successor: string): Promise<void> {
  const handover = await handOver(deps, holder, successor);
  if (handover.outcome === 'handed-over') return;
  if (handover.outcome === 'too-late') throw tooLate(holder.service, handover.current ?? holder);
  throw conflict(
    'DeploymentInProgress',
    `${holder.service}'s lock passed to another deployment while this rollback took it over from ` +
      `${holder.deploymentId}; nothing was started. Look at the service (cutover status), then roll back again`,
  );
}

/** Gives the termination wait back when the rollback's execution did not start. */
export async function giveBack(deps: ApiDeps, holder: Deployment, successor: string): Promise<void> {
  await withdrawHandover(deps, holder, successor);
}

/** The answer's `effect` for a handover. */
export function handoverEffect(holder: Deployment): string {
  return (
    `release ${holder.stable.release}'s old task set still runs (termination wait of release ` +
    `${holder.release}): started a new release that moves production back to it at once`
  );
}
