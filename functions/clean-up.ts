// After the termination wait: scales the old task set in and deletes it, never the one ECS
// calls PRIMARY nor one behind a target group that production traffic is on.

import { statePorts } from '../shared/aws/step-ports.js';
import { ecsRequests, elbRequests } from '../shared/aws/clients.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { cleanUp } from '../shared/engine/promote.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof cleanUp>[0], observe?: Observability) {
  return stepHandler('clean-up', stepInput({}), ({ spec }) => cleanUp(deps, spec), observe);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...statePorts(env),
      taskSets: new EcsTaskSets(ecsRequests(env)),
      router: new Elbv2TrafficRouter(elbRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
