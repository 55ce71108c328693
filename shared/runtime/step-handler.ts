// The shape every state-machine step handler shares: parse the step's input at the
// edge, tag logs with the deployment, run the use case. Errors are thrown as they
// are: their `name` is what the state machine's Retry and Catch match.

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { z } from 'zod';
import { correlate, logger, metrics } from './observability.js';

export type StepHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/** `name` is the function's name (`shift-traffic`): the `step` dimension of its metrics. */
export function stepHandler<
  Schema extends z.ZodType<{ spec: { deploymentId: string; service: string } }>,
  Result,
>(name: string, schema: Schema, run: (input: z.output<Schema>) => Promise<Result>) {
  async function step(event: unknown): Promise<Result> {
    const input = schema.parse(event);
    correlate(input.spec.deploymentId, input.spec.service);
    const result = await run(input);
    metrics.addDimension('step', name);
    metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
    return result;
  }
  return middy(step).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}
