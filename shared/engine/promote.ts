// Promotion and clean-up. The new task set becomes primary while the old one keeps
// running, with no traffic, for the termination wait: until then a rollback is
// still only a weight flip. Then the old task set is scaled in and deleted.

import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import { endBake } from './bake.js';
import { refuseWhileFiring } from './alarms.js';
import { appendOnce } from './ledger-append.js';
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
  | 'watchers'
  | 'events'
  | 'alarms'
>;

export async function promote(deps: Deps, spec: DeploymentSpec): Promise<{ release: number }> {
  let deployment = await loadDeployment(deps, spec.deploymentId);
  deployment = await endBake(deps, deployment);
  const { taskSetId, taskDefinitionArn, targetGroupArn } = deployment.candidate;
  if (taskSetId === undefined || taskDefinitionArn === undefined)
    throw new Error('promote ran before the task set');
  await refuseWhileFiring(deps, spec, deployment, 'the promotion');
  await deps.taskSets.makePrimary(ecsServiceOf(spec), taskSetId);
  await deps.serviceStates.setStable(spec.service, {
    release: deployment.release,
    image: spec.image,
    taskSetId,
    taskDefinitionArn,
    targetGroupArn,
    ...(deployment.pushedAt === undefined ? {} : { pushedAt: deployment.pushedAt }),
  });
  await appendOnce(deps, {
    service: spec.service,
    type: 'Promoted',
    deploymentId: spec.deploymentId,
    release: deployment.release,
    actor: 'state-machine',
    detail: { image: spec.image, taskDefinitionArn },
  });
  // The record first: whoever sees the status `promoted` finds the Promoted record too.
  const wait = spec.plan.strategy === 'rolling' ? 0 : spec.settings.terminationWaitSeconds;
  deployment = await advance(deps, deployment, 'promoted', wait, { status: 'promoted', approval: undefined });
  await deps.events.publish({
    detailType: 'Deployment Promoted',
    detail: {
      deploymentId: spec.deploymentId,
      service: spec.service,
      release: deployment.release,
      image: spec.image,
    },
  });
  return { release: deployment.release };
}

/** After the termination wait: scale the old task set in, then delete it. */
export async function cleanUp(
  deps: Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'taskSets'>,
  spec: DeploymentSpec,
): Promise<{ removed: string }> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const service = ecsServiceOf(spec);
  const old = deployment.stable.taskSetId;
  // Gone already (an earlier try deleted it, or someone did by hand): nothing left to do.
  if ((await deps.taskSets.list(service)).some((taskSet) => taskSet.id === old)) {
    await deps.taskSets.scale(service, old, 0);
    await deps.taskSets.remove(service, old);
  }
  await advance(deps, deployment, 'done');
  return { removed: old };
}
