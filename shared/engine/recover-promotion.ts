// Finishing a promotion whose execution ended before clean-up was done. The promotion may
// have been cut short anywhere between its first write and the end of the termination wait,
// and ECS may not show all of it (the local cloud restarts from a snapshot that can be older
// than the records in DynamoDB). So ECS and the load balancer are brought to what the
// promotion decided, each step idempotent, before the old task set goes: the new task set
// PRIMARY, all production traffic on it, the ledger's Promoted record written, then clean-up.

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { TaskSet } from '../ports/ecs.js';
import type { EngineDeps } from './deps.js';
import { endBake } from './bake.js';
import { cleanUp, publishPromoted, recordPromotion } from './promote.js';
import { ecsServiceOf } from './task-set.js';
import { setAndVerify } from './traffic.js';

type Deps = Pick<
  EngineDeps,
  | 'clock'
  | 'locks'
  | 'deployments'
  | 'taskSets'
  | 'router'
  | 'ledger'
  | 'signer'
  | 'serviceStates'
  | 'watchers'
  | 'bakeSchedules'
  | 'events'
>;

/**
 * Whether the promotion got past its alarm check and began to take effect: the record says
 * promoted, or the ledger, the service's stable release or ECS already shows the new release.
 * Such a deployment is finished forward; one that shows none of these is rolled back.
 */
export async function promotionBegan(
  deps: Pick<EngineDeps, 'ledger' | 'serviceStates' | 'taskSets'>,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<boolean> {
  if (deployment.status === 'promoted') return true;
  const head = await deps.ledger.head(spec.service);
  if (head?.deploymentId === spec.deploymentId && head.type === 'Promoted') return true;
  const { stable } = await deps.serviceStates.get(spec.service);
  if (stable !== null && stable.release === deployment.release && stable.image === spec.image) return true;
  const candidate = findCandidate(await deps.taskSets.list(ecsServiceOf(spec)), spec, deployment);
  return candidate?.status === 'PRIMARY';
}

export type PromotionOutcome = { done: true } | { done: false; message: string };

/** Brings the service to the promoted release with one task set; says why when it cannot. */
export async function finishPromotion(
  deps: Deps,
  spec: DeploymentSpec,
  recorded: Deployment,
): Promise<PromotionOutcome> {
  const deployment = await endBake(deps, recorded);
  const service = ecsServiceOf(spec);
  const candidate = findCandidate(await deps.taskSets.list(service), spec, deployment);
  const { taskDefinitionArn } = deployment.candidate;
  if (candidate === undefined || taskDefinitionArn === undefined) {
    return {
      done: false,
      message:
        `release ${deployment.release} of ${spec.service} was promoted, but ECS no longer has its task set, ` +
        'so production stays on the task set ECS runs; deploy the release again, or roll back',
    };
  }
  if (candidate.status !== 'PRIMARY') await deps.taskSets.makePrimary(service, candidate.id);
  if (spec.plan.strategy === 'rolling') {
    await deps.taskSets.scale(service, candidate.id, 100);
  } else {
    const withId = { ...deployment, candidate: { ...deployment.candidate, taskSetId: candidate.id } };
    await setAndVerify(deps.router, spec.settings.traffic.productionListenerRule, withId, 100);
  }
  if (deployment.status !== 'promoted')
    await finishPromotionRecords(deps, spec, deployment, candidate.id, taskDefinitionArn);
  await cleanUp(deps, spec);
  return { done: true };
}

/** What promote writes after it makes the task set primary, for a promotion cut short there. */
async function finishPromotionRecords(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
  taskSetId: string,
  taskDefinitionArn: string,
): Promise<void> {
  // A Promoted record promote already wrote is the head (the lock kept others out), and
  // it is not written twice.
  await recordPromotion(
    deps,
    spec,
    deployment,
    { taskSetId, taskDefinitionArn, targetGroupArn: deployment.candidate.targetGroupArn },
    'recover-orphans',
  );
  // The record after the ledger, as promote does it: status `promoted` means Promoted is written.
  await deps.deployments.update(spec.deploymentId, {
    status: 'promoted',
    phase: 'promoted',
    approval: undefined,
    candidate: { ...deployment.candidate, taskSetId },
    updatedAt: deps.clock.now(),
  });
  await publishPromoted(deps, spec, deployment.release);
}

/** The deployment's task set, by the id it recorded or, if that was never recorded, by its externalId. */
function findCandidate(sets: TaskSet[], spec: DeploymentSpec, deployment: Deployment): TaskSet | undefined {
  return sets.find((s) => s.id === deployment.candidate.taskSetId || s.externalId === spec.deploymentId);
}
