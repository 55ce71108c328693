// Puts production traffic back on the stable task set, deletes the new one, and
// records why. Idempotent: the state machine retries it on transient errors.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { ecsRequests, elbRequests } from '../shared/aws/clients.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { Elbv2RouteRules } from '../shared/aws/elbv2-route-rules.js';
import { recordRequestsFor, resumedProgress } from '../shared/engine/operator-record.js';
import { rollBack } from '../shared/engine/rollback.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

const input = stepInput({
  error: z.object({ Error: z.string(), Cause: z.optional(z.string()) }),
  progress: z.optional(resumedProgress),
});

export function createHandler(deps: Parameters<typeof rollBack>[0], observe?: Observability) {
  return stepHandler(
    'roll-back',
    input,
    async ({ spec, error, progress }) => {
      // What operators did, recorded before the outcome: their abort, if a step took it.
      await recordRequestsFor(deps, spec.deploymentId, progress, { abort: true });
      return rollBack(deps, spec, error);
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...ledgerWriterPorts(env),
      bakeSchedules: bakeSchedules(env),
      events: cutoverEvents(env),
      router: new Elbv2TrafficRouter(elbRequests(env)),
      routes: new Elbv2RouteRules(elbRequests(env)),
      taskSets: new EcsTaskSets(ecsRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
