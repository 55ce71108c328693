// Runs the release as a new task set: behind the idle target group, or (rolling)
// empty in the stable one.

import { ecsClient } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { EcsTaskDefinitions } from '../shared/aws/ecs-task-definitions.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { stepInput } from '../shared/engine/spec.js';
import { createTaskSet } from '../shared/engine/task-set.js';
import { systemClock } from '../shared/ports/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof createTaskSet>[0]) {
  return stepHandler('create-task-set', stepInput({}), ({ spec }) => createTaskSet(deps, spec));
}

const ecs = ecsClient();
export const handler = createHandler({
  clock: systemClock,
  ...tables(),
  taskDefinitions: new EcsTaskDefinitions(ecs),
  taskSets: new EcsTaskSets(ecs),
});
