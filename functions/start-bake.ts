// Starts an event-driven bake: stores the task token where alarm events find it,
// checks the alarms once, then schedules the token's success at the bake's end.

import * as z from '../shared/domain/zod.js';
import { cloudWatchRequests, sfnRequests } from '../shared/aws/clients.js';
import { SfnTaskTokens } from '../shared/aws/sfn-task-tokens.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { startBake } from '../shared/engine/bake.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

const input = stepInput({
  token: z.string().check(z.minLength(1)),
  bakeSeconds: z.int().check(z.gte(0)),
  final: z.boolean(),
});

export function createHandler(deps: Parameters<typeof startBake>[0]) {
  return stepHandler('start-bake', input, async ({ spec, token, bakeSeconds, final }) => {
    await startBake(deps, spec, token, bakeSeconds, final);
    return { baking: bakeSeconds };
  });
}

export const handler = createHandler({
  clock: processClock,
  ...tables(),
  bakeSchedules: bakeSchedules(),
  alarms: new CloudWatchAlarmWatch(cloudWatchRequests()),
  tokens: new SfnTaskTokens(sfnRequests()),
});
