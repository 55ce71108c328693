// Runs one lifecycle hook (the service owner's Lambda function), if the catalog sets one. Its
// Task waits for the hook's task token; this function answers it. Called by the Task first,
// then, while the hook answers IN_PROGRESS, by the schedule each answer makes (`callBack`).
// For a webhook, the state machine makes each call itself: this function prepares each call
// (`prepare`), judges each answer (`answer`), and starts each wait between two calls
// (`waitSeconds`, ended by the same schedules), engine/webhooks.ts. After a rollback, it calls the
// hooks that verify it (`afterRollback`), engine/rollback-verification.ts.

import { statePorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { lambdaRequests, sfnRequests } from '../shared/aws/clients.js';
import { LambdaHookRunner } from '../shared/aws/lambda-hook-runner.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { hookCallBacks } from '../shared/aws/scheduler-hook-call-backs.js';
import { SfnTaskTokens } from '../shared/aws/sfn-task-tokens.js';
import { HOOK_NAMES } from '../shared/domain/catalog-schema.js';
import { callHookAgain, startHook } from '../shared/engine/hooks.js';
import { verifyRollback } from '../shared/engine/rollback-verification.js';
import { judgeWebhookAnswer, prepareWebhookCall, waitForWebhookCall } from '../shared/engine/webhooks.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { parseStepInput, stepHandler } from '../shared/runtime/step-handler.js';

const hook = z.enum(HOOK_NAMES);
const token = z.string().check(z.minLength(1));
const callBackInput = z.object({
  callBack: z.object({
    deploymentId: z.string().check(z.minLength(1)),
    hook,
    token,
    call: z.int().check(z.gte(2)),
  }),
});

export function createHandler(
  deps: Parameters<typeof startHook>[0] & Parameters<typeof verifyRollback>[0],
  observe?: Observability,
) {
  const first = stepHandler(
    'run-hook',
    stepInput({ hook, token }),
    async ({ spec, hook, token }, context) => {
      await startHook(deps, spec, hook, token, context.invokedFunctionArn);
      return { hook, called: 1 };
    },
    observe,
  );
  const prepare = stepHandler(
    'run-hook',
    stepInput({ hook, prepare: z.literal(true) }),
    ({ spec, hook }) => prepareWebhookCall(deps, spec, hook),
    observe,
  );
  const judge = stepHandler(
    'run-hook',
    stepInput({ hook, answer: z.unknown() }),
    ({ spec, hook, answer }) => judgeWebhookAnswer(deps, spec, hook, answer),
    observe,
  );
  const wait = stepHandler(
    'run-hook',
    stepInput({ hook, token, waitSeconds: z.int().check(z.gte(0)) }),
    async ({ spec, hook, token, waitSeconds }, context) => {
      await waitForWebhookCall(deps, spec, hook, token, waitSeconds, context.invokedFunctionArn);
      return { hook, waitSeconds };
    },
    observe,
  );
  const afterRollback = stepHandler(
    'run-hook',
    stepInput({ afterRollback: z.literal(true) }),
    ({ spec }) => verifyRollback(deps, spec),
    observe,
  );
  return async (event: unknown, context?: unknown): Promise<unknown> => {
    if (typeof event === 'object' && event !== null && 'afterRollback' in event)
      return afterRollback(event, context);
    if (typeof event === 'object' && event !== null && 'waitSeconds' in event) return wait(event, context);
    if (typeof event === 'object' && event !== null && 'prepare' in event) return prepare(event, context);
    if (typeof event === 'object' && event !== null && 'answer' in event) return judge(event, context);
    if (typeof event !== 'object' || event === null || !('callBack' in event)) return first(event, context);
    const { callBack } = parseStepInput('run-hook', callBackInput, event);
    return { hook: callBack.hook, call: callBack.call, outcome: await callHookAgain(deps, callBack) };
  };
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...statePorts(env),
      hooks: new LambdaHookRunner(lambdaRequests(env)),
      tokens: new SfnTaskTokens(sfnRequests(env)),
      hookCallBacks: hookCallBacks(env),
      events: cutoverEvents(env),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
