// Rolling: grows the new task set by one batch and shrinks the old one to match.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { recordRequestsFor, resumedProgress } from '../shared/engine/operator-record.js';
import { stepInput } from '../shared/engine/spec.js';
import { scaleBatch } from '../shared/engine/task-set.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof scaleBatch>[0], observe?: Observability) {
  return stepHandler(
    'scale-batch',
    stepInput({ cursor: z.looseObject({ index: z.int() }), progress: z.optional(resumedProgress) }),
    async ({ spec, cursor, progress }) => {
      await recordRequestsFor(deps, spec.deploymentId, progress);
      return scaleBatch(deps, spec, cursor);
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...ledgerWriterPorts(env),
      events: cutoverEvents(env),
      ...ecsAdapters(env),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
