// Sends the test listener's traffic to the new task set, before production traffic moves.

import { statePorts } from '../shared/aws/step-ports.js';
import { elbRequests } from '../shared/aws/clients.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { stepInput } from '../shared/engine/spec.js';
import { allowTestTraffic } from '../shared/engine/traffic.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof allowTestTraffic>[0], observe?: Observability) {
  return stepHandler(
    'allow-test-traffic',
    stepInput({}),
    async ({ spec }) => {
      await allowTestTraffic(deps, spec);
      return { testTraffic: true };
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...statePorts(env),
      router: new Elbv2TrafficRouter(elbRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
