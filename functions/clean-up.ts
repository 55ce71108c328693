// After the termination wait: scales the old task set in and deletes it, never the one ECS
// calls PRIMARY nor one behind a target group that production traffic is on.

import { ecsRequests, elbRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
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
  taskSets: new EcsTaskSets(ecsRequests()),
  router: new Elbv2TrafficRouter(elbRequests()),
});
