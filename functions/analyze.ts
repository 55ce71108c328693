// Canary analysis at the end of blue-green's final bake: judges the new task set's metrics
// against the old one's; fails with AnalysisFailed (roll back) or AnalysisMarginal (ask a
// person). Canary and linear bakes are judged by shift-traffic, before the next shift.

import { statePorts } from '../shared/aws/step-ports.js';
import * as z from '../shared/domain/zod.js';
import { cloudWatchRequests } from '../shared/aws/clients.js';
import { CloudWatchMetricSource } from '../shared/aws/cloudwatch-metric-source.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { analyze } from '../shared/engine/analysis.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

/** The schedule step whose bake just ended (blue-green, which has no schedule, sends none: 0). */
const cursor = z._default(z.object({ index: z.int() }), { index: 0 });

export function createHandler(deps: Parameters<typeof analyze>[0], observe?: Observability) {
  return stepHandler(
    'analyze',
    stepInput({ cursor }),
    ({ spec, cursor }) => analyze(deps, spec, cursor.index),
    observe,
  );
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...statePorts(env),
      bakeSchedules: bakeSchedules(env),
      events: cutoverEvents(env),
      metrics: new CloudWatchMetricSource(cloudWatchRequests(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
