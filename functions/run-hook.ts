// Runs one lifecycle hook (the service owner's Lambda function), if the catalog sets one.

import * as z from '../shared/domain/zod.js';
import { lambdaRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { LambdaHookRunner } from '../shared/aws/lambda-hook-runner.js';
import { HOOK_NAMES } from '../shared/domain/catalog-schema.js';
import { runHook } from '../shared/engine/hooks.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { defaultObservability, observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(
  deps: Parameters<typeof runHook>[0],
  observe: Observability = defaultObservability(),
) {
  return stepHandler(
    'run-hook',
    stepInput({ hook: z.enum(HOOK_NAMES) }),
    ({ spec, hook }) => runHook(deps, spec, hook),
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      clock: processClock,
      ...tables(env),
      hooks: new LambdaHookRunner(lambdaRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
