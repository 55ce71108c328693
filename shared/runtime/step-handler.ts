// The shape every state-machine step handler shares: parse the step's input at the
// edge, run the use case, log a failure with the deployment it concerns. Errors are thrown as they
// are: their `name` is what the state machine's Retry and Catch match.

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type * as z from '../domain/zod.js';
import { correlation, createMetrics, logger, publishMetrics } from './observability.js';

export type StepHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/** `name` is the function's name (`shift-traffic`): the `step` dimension of all its metrics. */
export function stepHandler<
  Schema extends z.ZodMiniType<{ spec: { deploymentId: string; service: string } }>,
  Result,
>(name: string, schema: Schema, run: (input: z.output<Schema>) => Promise<Result>) {
  const metrics = createMetrics({ step: name });
  async function step(event: unknown): Promise<Result> {
    const input = schema.parse(event);
    try {
      const result = await run(input);
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      return result;
    } catch (error) {
      // Named errors are how a state machine decides what happens next, so count them by step.
      metrics.addMetric('StepFailed', MetricUnit.Count, 1);
      logger.info('step failed', {
        ...correlation(input.spec.deploymentId, input.spec.service),
        error: (error as Error).name,
        detail: (error as Error).message,
      });
      throw error;
    }
  }
  return middy(step).use(injectLambdaContext(logger)).use(publishMetrics(metrics));
}
