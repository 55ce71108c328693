// Judges the bake that just ended, then moves production traffic to the schedule's next
// weight, reads it back, records it.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { cloudWatchRequests, elbRequests } from '../shared/aws/clients.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { CloudWatchMetricSource } from '../shared/aws/cloudwatch-metric-source.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { Elbv2RouteRules } from '../shared/aws/elbv2-route-rules.js';
import { recordRequestsFor, resumedProgress } from '../shared/engine/operator-record.js';
import { stepInput } from '../shared/engine/spec.js';
import { shiftTraffic } from '../shared/engine/traffic.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

const cursor = z.object({ index: z.int(), weight: z.number(), bakeSeconds: z.number(), done: z.boolean() });

export function createHandler(deps: Parameters<typeof shiftTraffic>[0], observe?: Observability) {
  return stepHandler(
    'shift-traffic',
    stepInput({ cursor, progress: z.optional(resumedProgress) }),
    async ({ spec, cursor, progress }) => {
      await recordRequestsFor(deps, spec.deploymentId, progress);
      // The wait for a decision on a marginal analysis ended in approve (abort fails it).
      const decided = (progress?.resumedDecision ?? null) !== null;
      return shiftTraffic(deps, spec, cursor, { decided });
    },
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  const cloudWatch = cloudWatchRequests(env);
  return createHandler(
    {
      ...ledgerWriterPorts(env),
      alarms: new CloudWatchAlarmWatch(cloudWatch),
      metrics: new CloudWatchMetricSource(cloudWatch),
      bakeSchedules: bakeSchedules(env),
      events: cutoverEvents(env),
      router: new Elbv2TrafficRouter(elbRequests(env)),
      routes: new Elbv2RouteRules(elbRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
