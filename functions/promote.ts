// Makes the new task set primary and records the promotion. The old task set keeps
// running without traffic until clean-up, after the termination wait.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import { cloudWatchRequests, ecsRequests } from '../shared/aws/clients.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import * as z from '../shared/domain/zod.js';
import { recordRequestsFor, resumedProgress } from '../shared/engine/operator-record.js';
import { promote } from '../shared/engine/promote.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

export function createHandler(deps: Parameters<typeof promote>[0], observe?: Observability) {
  return stepHandler(
    'promote',
    stepInput({ progress: z.optional(resumedProgress) }),
    async ({ spec, progress }) => {
      await recordRequestsFor(deps, spec.deploymentId, progress);
      return promote(deps, spec);
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...ledgerWriterPorts(env),
      alarms: new CloudWatchAlarmWatch(cloudWatchRequests(env)),
      bakeSchedules: bakeSchedules(env),
      events: cutoverEvents(env),
      taskSets: new EcsTaskSets(ecsRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
