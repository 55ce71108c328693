// EventBridge "CloudWatch Alarm State Change": when a watched alarm goes to ALARM,
// fail the bake token of every running deployment that watches it, so rollback
// starts at once. OK and INSUFFICIENT_DATA are ignored. Idempotent.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../shared/domain/zod.js';
import { sfnRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { SfnTaskTokens } from '../shared/aws/sfn-task-tokens.js';
import type { EngineDeps } from '../shared/engine/deps.js';
import { failBakesWatching, type AlarmFiredResult } from '../shared/engine/on-alarm.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { instrumented, observability, type Observability } from '../shared/runtime/observability.js';

const alarmStateChange = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  detail: z.object({
    alarmName: z.string().check(z.minLength(1)),
    state: z.object({ value: z.string(), reason: z.optional(z.string()) }),
  }),
});

type Result = AlarmFiredResult | { alarmName: string; ignored: string };

export function createHandler(
  deps: Pick<EngineDeps, 'watchers' | 'tokens' | 'deployments'>,
  observe?: Observability,
) {
  const { logger, metrics, entry } = instrumented(observe);
  async function onAlarm(event: unknown): Promise<Result> {
    const { detail } = alarmStateChange.parse(event);
    if (detail.state.value !== 'ALARM') return { alarmName: detail.alarmName, ignored: detail.state.value };
    const result = await failBakesWatching(deps, detail.alarmName, detail.state.reason);
    logger.info('alarm fired', { ...result });
    metrics.addMetric('BakesFailedByAlarm', MetricUnit.Count, result.failed.length);
    return result;
  }
  return entry(onAlarm);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler({ ...tables(env), tokens: new SfnTaskTokens(sfnRequests(env)) }, observability(env));
}

export const handler = lambdaHandler(handlerFor);
