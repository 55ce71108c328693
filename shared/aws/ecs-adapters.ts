// The ECS adapters, sharing one ECS client per process.

import type { ECSClient } from '@aws-sdk/client-ecs';
import { ecsClient } from './clients.js';
import { EcsTaskDefinitions } from './ecs-task-definitions.js';
import { EcsTaskSets } from './ecs-task-sets.js';

export function ecsAdapters(client: ECSClient = ecsClient()) {
  return { taskDefinitions: new EcsTaskDefinitions(client), taskSets: new EcsTaskSets(client) };
}
