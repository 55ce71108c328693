// Registers the release's task definition, pinned by digest, and runs it as a new task set:
// behind the idle target group, or (rolling) empty in the stable one; with a baseline task set of
// the stable revision beside it when the analysis asks for one.

import { statePorts } from '../shared/aws/step-ports.js';
import { elbRequests } from '../shared/aws/clients.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { stepInput } from '../shared/engine/spec.js';
import { startCandidate } from '../shared/engine/task-set.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof startCandidate>[0], observe?: Observability) {
  return stepHandler('create-task-set', stepInput({}), ({ spec }) => startCandidate(deps, spec), observe);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    { ...statePorts(env), ...ecsAdapters(env), router: new Elbv2TrafficRouter(elbRequests(env)) },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
