// One look at the new task set's health, inside the state machine's bounded wait loop.

import { statePorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { stepInput } from '../shared/engine/spec.js';
import { checkTaskSet } from '../shared/engine/task-set.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

const input = stepInput({
  health: z.object({
    attempt: z.int().check(z.gte(0)),
    steady: z.boolean(),
    batch: z.int(),
    waitingSince: z.optional(z.number()),
  }),
  batch: z._default(z.int(), -1),
});

export function createHandler(deps: Parameters<typeof checkTaskSet>[0], observe?: Observability) {
  return stepHandler(
    'check-task-set',
    input,
    ({ spec, health, batch }) => checkTaskSet(deps, spec, health, batch),
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler({ ...statePorts(env), ...ecsAdapters(env) }, observability(env));
}

export const handler = lambdaHandler(handlerFor);
