// Starts an event-driven bake: stores the task token where alarm events find it,
// checks the alarms once, then schedules the token's success at the bake's end.

import { statePorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { cloudWatchRequests, sfnRequests } from '../shared/aws/clients.js';
import { SfnTaskTokens } from '../shared/aws/sfn-task-tokens.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { startBake } from '../shared/engine/bake.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

const input = stepInput({
  token: z.string().check(z.minLength(1)),
  bakeSeconds: z.int().check(z.gte(0)),
  final: z.boolean(),
});

export function createHandler(deps: Parameters<typeof startBake>[0], observe?: Observability) {
  return stepHandler(
    'start-bake',
    input,
    async ({ spec, token, bakeSeconds, final }) => {
      await startBake(deps, spec, token, bakeSeconds, final);
      return { baking: bakeSeconds };
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...statePorts(env),
      bakeSchedules: bakeSchedules(env),
      alarms: new CloudWatchAlarmWatch(cloudWatchRequests(env)),
      tokens: new SfnTaskTokens(sfnRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
