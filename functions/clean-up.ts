// After the termination wait: scales the old task set in and deletes it.

import { ecsClient } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { cleanUp } from '../shared/engine/promote.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof cleanUp>[0]) {
  return stepHandler('clean-up', stepInput({}), ({ spec }) => cleanUp(deps, spec));
}

export const handler = createHandler({
  clock: processClock,
  ...tables(),
  taskSets: new EcsTaskSets(ecsClient()),
});
