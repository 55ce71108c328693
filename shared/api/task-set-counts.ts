// The counts of a service's task sets for the status views: one DescribeTaskSets for all of
// them. A view is read often and must not fail because ECS is slow or a task set went away:
// the counts are then left out (null), and the rest of the view is answered.

import type { ServiceEntry } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import type { TaskSetCapacity } from '../ports/ecs.js';
import type { ApiDeps } from './deps.js';

export async function capacitiesOf(
  deps: Pick<ApiDeps, 'taskSets'>,
  entry: ServiceEntry,
  taskSetIds: readonly (string | undefined)[],
): Promise<Map<string, TaskSetCapacity> | null> {
  const ids = taskSetIds.filter((id): id is string => id !== undefined && id !== '');
  if (ids.length === 0) return null;
  try {
    return await deps.taskSets.capacities({ cluster: entry.ecs.cluster, service: entry.ecs.service }, ids);
  } catch {
    return null;
  }
}

/** A running deployment's stable and candidate task sets, and its baseline task set while it runs. */
export function taskSetCounts(
  deps: Pick<ApiDeps, 'taskSets'>,
  entry: ServiceEntry,
  deployment: Deployment,
): Promise<Map<string, TaskSetCapacity> | null> {
  const baseline = deployment.baseline?.removedAt === undefined ? deployment.baseline?.taskSetId : undefined;
  return capacitiesOf(deps, entry, [deployment.stable.taskSetId, deployment.candidate.taskSetId, baseline]);
}
