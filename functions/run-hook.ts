// Runs one lifecycle hook (the service owner's Lambda function), if the catalog sets one.

import * as z from '../shared/domain/zod.js';
import { lambdaRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { LambdaHookRunner } from '../shared/aws/lambda-hook-runner.js';
import { HOOK_NAMES } from '../shared/domain/catalog-schema.js';
import { runHook } from '../shared/engine/hooks.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof runHook>[0]) {
  return stepHandler('run-hook', stepInput({ hook: z.enum(HOOK_NAMES) }), ({ spec, hook }) =>
    runHook(deps, spec, hook),
  );
}

export const handler = createHandler({
  clock: processClock,
  ...tables(),
  hooks: new LambdaHookRunner(lambdaRequests()),
});
