// Promotion and clean-up. The new task set becomes primary while the old one keeps
// running, with no traffic, for the termination wait: until then a rollback is
// still only a weight flip. Then the old task set is scaled in and deleted.

import type { Deployment } from '../domain/deployment.js';
import { TERMINATION_WAIT_PHASE } from '../domain/phase.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { TaskSet } from '../ports/ecs.js';
import type { EngineDeps } from './deps.js';
import { endBake } from './bake.js';
import { refuseWhileFiring } from './alarms.js';
import { claimCleanUp } from './handover.js';
import { appendOnce } from './ledger-append.js';
import { removeBaseline } from './baseline.js';
import { advance, loadDeployment } from './progress.js';
import { ecsServiceOf } from './task-set.js';

type Deps = Pick<
  EngineDeps,
  | 'clock'
  | 'locks'
  | 'deployments'
  | 'taskSets'
  | 'serviceStates'
  | 'ledger'
  | 'signer'
  | 'watchers'
  | 'bakeSchedules'
  | 'events'
  | 'alarms'
>;

/**
 * The deployment's release becomes the service's stable one, and the ledger says it was
 * promoted (once, whoever finishes the promotion: the state machine, or orphan recovery).
 */
export async function recordPromotion(
  deps: Pick<EngineDeps, 'serviceStates' | 'ledger' | 'clock' | 'signer'>,
  spec: DeploymentSpec,
  deployment: Deployment,
  promoted: { taskSetId: string; taskDefinitionArn: string; targetGroupArn: string },
  actor: 'state-machine' | 'recover-orphans',
): Promise<void> {
  await deps.serviceStates.setStable(spec.service, {
    release: deployment.release,
    image: spec.image,
    ...promoted,
    ...(deployment.pushedAt === undefined ? {} : { pushedAt: deployment.pushedAt }),
  });
  await appendOnce(deps, {
    service: spec.service,
    type: 'Promoted',
    deploymentId: spec.deploymentId,
    release: deployment.release,
    actor,
    detail: { image: spec.image, taskDefinitionArn: promoted.taskDefinitionArn },
  });
}

/** Deployment Promoted, on Cutover's bus (at least once: a retried step may repeat it). */
export async function publishPromoted(
  deps: Pick<EngineDeps, 'events'>,
  spec: DeploymentSpec,
  release: number,
): Promise<void> {
  await deps.events.publish({
    detailType: 'Deployment Promoted',
    detail: { deploymentId: spec.deploymentId, service: spec.service, release, image: spec.image },
  });
}

export async function promote(deps: Deps, spec: DeploymentSpec): Promise<{ release: number }> {
  let deployment = await loadDeployment(deps, spec.deploymentId);
  deployment = await endBake(deps, deployment);
  const { taskSetId, taskDefinitionArn, targetGroupArn } = deployment.candidate;
  if (taskSetId === undefined || taskDefinitionArn === undefined)
    throw new Error('promote ran before the task set');
  await refuseWhileFiring(deps, spec, deployment, 'the promotion');
  await deps.taskSets.makePrimary(ecsServiceOf(spec), taskSetId);
  await recordPromotion(
    deps,
    spec,
    deployment,
    { taskSetId, taskDefinitionArn, targetGroupArn },
    'state-machine',
  );
  // The baseline has served its purpose: the final shift took its traffic away.
  const baseline = await retireBaseline(deps, spec, deployment);
  // The record first: whoever sees the status `promoted` finds the Promoted record too.
  const wait = spec.plan.strategy === 'rolling' ? 0 : spec.settings.terminationWaitSeconds;
  deployment = await advance(deps, deployment, TERMINATION_WAIT_PHASE, wait, {
    status: 'promoted',
    approval: undefined,
    ...baseline,
  });
  await publishPromoted(deps, spec, deployment.release);
  return { release: deployment.release };
}

/**
 * After the termination wait: scale the old task set in, then delete it.
 *
 * Which task set is old comes from the record, but whether it may go is decided by what ECS
 * and the load balancer say now: the PRIMARY task set, and (outside rolling) any task set
 * behind a target group that production traffic is on, is never scaled in or deleted,
 * whatever the record says. The record and ECS can disagree after a crash: the local cloud
 * restarted from a snapshot older than the promotion, or a person changed the service by
 * hand. Scaling in the primary would take the service down, so clean-up refuses instead.
 *
 * A rollback may have taken the termination wait over (handover.ts): then the old task set is
 * the rollback's to bring back, and clean-up removes nothing (`removed: null`).
 */
export async function cleanUp(
  deps: Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'taskSets' | 'router'>,
  spec: DeploymentSpec,
): Promise<{ removed: string | null; handedOverTo?: string }> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const handedOverTo = await claimCleanUp(deps, deployment);
  if (handedOverTo !== null) return { removed: null, handedOverTo };
  const service = ecsServiceOf(spec);
  const old = deployment.stable.taskSetId;
  // A promotion finished by orphan recovery may come here with its baseline still running.
  const baseline = await retireBaseline(deps, spec, deployment);
  // Read after the termination wait, not before: the lock keeps other deployments from
  // changing the service in between, and these reads see any change made before them.
  const taskSet = (await deps.taskSets.list(service)).find((candidate) => candidate.id === old);
  // Gone already (an earlier try deleted it, or someone did by hand): nothing left to do.
  if (taskSet !== undefined) {
    const live = await liveTargetGroups(deps, spec);
    const why = protectedBecause(taskSet, live);
    if (why !== null) {
      throw new Error(
        `clean-up of ${spec.service} refused to remove task set ${old}: ${why}. ECS does not show ` +
          `release ${deployment.release} as promoted; make its task set primary with all traffic ` +
          `on it (or roll back) before removing the old one`,
      );
    }
    await deps.taskSets.scale(service, old, 0);
    await deps.taskSets.remove(service, old);
  }
  await advance(deps, deployment, 'done', 0, baseline);
  return { removed: old };
}

/** Removes a baseline still running; the record's change that says so (none when none ran). */
async function retireBaseline(
  deps: Pick<EngineDeps, 'clock' | 'taskSets'>,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<Pick<Deployment, 'baseline'> | Record<string, never>> {
  const { baseline } = deployment;
  if (baseline === undefined || baseline.removedAt !== undefined) return {};
  await removeBaseline(deps, spec, deployment);
  return { baseline: { ...baseline, removedAt: deps.clock.now() } };
}

/** The target groups production traffic is on now; none for rolling, which shares one group. */
async function liveTargetGroups(
  deps: Pick<EngineDeps, 'router'>,
  spec: DeploymentSpec,
): Promise<Set<string>> {
  if (spec.plan.strategy === 'rolling') return new Set();
  const weights = await deps.router.weights(spec.settings.traffic.productionListenerRule);
  return new Set(weights.filter((w) => w.weight > 0).map((w) => w.targetGroupArn));
}

/** Why a task set must stay, or null if it may be scaled in and deleted. */
export function protectedBecause(
  taskSet: Pick<TaskSet, 'status' | 'targetGroupArn'>,
  liveGroups: ReadonlySet<string>,
): string | null {
  if (taskSet.status === 'PRIMARY') return 'ECS says it is the PRIMARY task set';
  if (taskSet.targetGroupArn !== undefined && liveGroups.has(taskSet.targetGroupArn))
    return `production traffic is on its target group ${taskSet.targetGroupArn}`;
  return null;
}
