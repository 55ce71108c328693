// The baseline task set (domain/baseline.ts): started with the canary, judged against it, and
// removed on every way out: promotion, clean-up, rollback and abort, and orphan recovery, which
// reaches it through those. Each step is idempotent, so a crash between two of them is mended by
// running the step again: it is created by its externalId, and found by it to be removed.

import { baselineExternalId } from '../domain/baseline.js';
import type { Baseline, Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { TaskSetHealth } from '../ports/ecs.js';
import type { EngineDeps } from './deps.js';
import { TaskSetUnhealthy } from './errors.js';
import { ecsServiceOf } from './spec.js';
import { setAndVerify } from './traffic.js';

/**
 * Starts the baseline: its target group joins the production rule's forward action at weight 0
 * (ECS refuses a task set whose target group no load balancer forwards to), then a task set of
 * the stable revision, the size of the canary, registers with it.
 */
export async function startBaseline(
  deps: Pick<EngineDeps, 'router' | 'taskSets' | 'taskDefinitions'>,
  spec: DeploymentSpec,
  deployment: Deployment,
  scalePercent: number,
): Promise<Baseline> {
  const targetGroupArn = spec.settings.traffic.baselineTargetGroup;
  if (targetGroupArn === undefined) throw new Error('a baseline was planned without its target group');
  const { taskDefinitionArn } = deployment.stable;
  await setAndVerify(deps.router, spec.settings.traffic.productionListenerRule, deployment, 0, {
    targetGroupArn,
    weight: 0,
  });
  const { container } = spec.settings.ecs;
  const port = (await deps.taskDefinitions.describe(taskDefinitionArn)).ports[container];
  if (port === undefined) {
    throw new TaskSetUnhealthy(
      `the stable revision's container "${container}" maps no port, so the baseline cannot serve`,
    );
  }
  const taskSet = await deps.taskSets.create(ecsServiceOf(spec), {
    taskDefinitionArn,
    targetGroupArn,
    container,
    containerPort: port,
    scalePercent,
    externalId: baselineExternalId(spec.deploymentId),
  });
  return { targetGroupArn, taskSetId: taskSet.id, taskDefinitionArn };
}

/** The baseline's health beside the canary's: null when the deployment runs none. */
export async function baselineHealth(
  deps: Pick<EngineDeps, 'taskSets'>,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<TaskSetHealth | null> {
  const taskSetId = deployment.baseline?.taskSetId;
  return taskSetId === undefined ? null : deps.taskSets.health(ecsServiceOf(spec), taskSetId);
}

/**
 * Scales the baseline in and deletes it: the one the record names, and any other this
 * deployment started (found by its externalId: its creation may never have been recorded).
 * Never a PRIMARY task set. One already gone is done.
 */
export async function removeBaseline(
  deps: Pick<EngineDeps, 'taskSets'>,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<void> {
  const service = ecsServiceOf(spec);
  const externalId = baselineExternalId(spec.deploymentId);
  const ours = (await deps.taskSets.list(service)).filter(
    (taskSet) =>
      (taskSet.id === deployment.baseline?.taskSetId || taskSet.externalId === externalId) &&
      taskSet.status !== 'PRIMARY',
  );
  for (const taskSet of ours) {
    await deps.taskSets.scale(service, taskSet.id, 0);
    await deps.taskSets.remove(service, taskSet.id);
  }
}

/** The target group the canary is judged against: the baseline's while it runs, else the stable one's. */
export function comparedTargetGroup(deployment: Pick<Deployment, 'baseline' | 'stable'>): string {
  return deployment.baseline?.targetGroupArn ?? deployment.stable.targetGroupArn;
}
