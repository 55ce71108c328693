// The ECS adapters, sharing one set of ECS requests per process.

import { ecsRequests } from './clients.js';
import { EcsTaskDefinitions } from './ecs-task-definitions.js';
import { EcsTaskSets } from './ecs-task-sets.js';
import type { JsonCalls } from './json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';

export function ecsAdapters(ecs: JsonCalls | SdkClientLike = ecsRequests()) {
  return { taskDefinitions: new EcsTaskDefinitions(ecs), taskSets: new EcsTaskSets(ecs) };
}
