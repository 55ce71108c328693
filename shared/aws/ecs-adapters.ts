// The ECS adapters, sharing one set of ECS requests per handler.

import type { Environment } from '../runtime/env.js';
import { ecsRequests } from './clients.js';
import { EcsTaskDefinitions } from './ecs-task-definitions.js';
import { EcsTaskSets } from './ecs-task-sets.js';

/** Over ECS as `env` reaches it. */
export function ecsAdapters(env: Environment) {
  const ecs = ecsRequests(env);
  return { taskDefinitions: new EcsTaskDefinitions(ecs), taskSets: new EcsTaskSets(ecs) };
}
