// A rollback that finds the release it brings back still running takes that task set over
// instead of starting another one. This happens when a rollback took over a promoted
// deployment's termination wait (handover.ts): the old release's task set still runs at full
// size, with no production traffic, behind the idle target group, which is the rollback's own
// candidate group. Adopting it makes the rollback a weight flip; creating a second task set
// beside it would split that group's traffic between the two.

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { TaskSet } from '../ports/ecs.js';
import type { EngineDeps } from './deps.js';

type Deps = Pick<EngineDeps, 'taskSets' | 'taskDefinitions'>;

/**
 * The task set a rollback adopts, or null if it must create one: an ACTIVE (not primary) task
 * set behind the deployment's candidate target group, at full scale, whose task definition
 * runs exactly the image being deployed (same digest) in the catalog's container.
 */
export async function adoptableTaskSet(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<TaskSet | null> {
  if (spec.trigger !== 'rollback' || spec.plan.strategy === 'rolling') return null;
  const sets = await deps.taskSets.list({
    cluster: spec.settings.ecs.cluster,
    service: spec.settings.ecs.service,
  });
  const behindCandidate = sets.filter(
    (s) =>
      s.status === 'ACTIVE' &&
      s.targetGroupArn === deployment.candidate.targetGroupArn &&
      s.scalePercent === 100,
  );
  for (const taskSet of behindCandidate) {
    const definition = await deps.taskDefinitions.describe(taskSet.taskDefinitionArn);
    const image = definition.images[spec.settings.ecs.container];
    if (image !== undefined && digestOf(image) === spec.digest) return taskSet;
  }
  return null;
}

function digestOf(image: string): string | undefined {
  const at = image.indexOf('@');
  return at === -1 ? undefined : image.slice(at + 1);
}
