// The shape every state-machine step handler shares: parse the step's input at the
// edge, run the use case, log a failure with the deployment it concerns. Errors are thrown as they
// are: their `name` is what the state machine's Retry and Catch match. An input that does not
// parse is StepInputInvalid, naming each field that is wrong, never the parser's own error.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type * as z from '../domain/zod.js';
import { StepInputInvalid } from './errors.js';
import { correlation, instrumented, type Observability } from './observability.js';

/** What a step reads of Lambda's context: the ARN it was invoked by (run-hook calls itself back). */
export interface StepContext {
  invokedFunctionArn: string;
}

export type StepHandler = (event: unknown, context?: unknown) => Promise<unknown>;

/**
 * `name` is the function's name (`shift-traffic`): the `step` dimension of all its metrics. It
 * logs and counts with `observe`, made from the function's environment (observability.ts), or
 * the process's when none is given.
 */
export function stepHandler<
  Schema extends z.ZodMiniType<{ spec: { deploymentId: string; service: string } }>,
  Result,
>(
  name: string,
  schema: Schema,
  run: (input: z.output<Schema>, context: StepContext) => Promise<Result>,
  observe?: Observability,
) {
  const { logger, metrics, entry } = instrumented(observe, { step: name });
  async function step(event: unknown, context?: Partial<StepContext>): Promise<Result> {
    try {
      const result = await run(parseStepInput(name, schema, event), {
        invokedFunctionArn: context?.invokedFunctionArn ?? '',
      });
      metrics.addMetric('StepSucceeded', MetricUnit.Count, 1);
      return result;
    } catch (error) {
      // Named errors are how a state machine decides what happens next, so count them by step.
      metrics.addMetric('StepFailed', MetricUnit.Count, 1);
      logger.info('step failed', {
        ...deploymentOf(event),
        error: (error as Error).name,
        detail: (error as Error).message,
      });
      throw error;
    }
  }
  return entry(step);
}

/** The event as `schema` reads it, or StepInputInvalid listing every field that is wrong. */
export function parseStepInput<Schema extends z.ZodMiniType>(
  step: string,
  schema: Schema,
  event: unknown,
): z.output<Schema> {
  const parsed = schema.safeParse(event);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => ({ path: pathOf(issue.path), message: issue.message }));
  // No `cause`: the problems say all the parser did, and the local runner would show the cause
  // (the parser's error) as the task's Cause instead of this message, as AWS shows it.
  throw new StepInputInvalid(step, problems);
}

/** `['spec', 'plan', 'steps', 2]` → `spec.plan.steps[2]`. */
function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('');
}

/** The deployment a log line is about: read from the event as sent, since it may not parse. */
function deploymentOf(event: unknown): Record<string, string> {
  const spec = (event as { spec?: { deploymentId?: unknown; service?: unknown } } | null)?.spec;
  if (typeof spec?.deploymentId !== 'string') return {};
  return correlation(spec.deploymentId, typeof spec.service === 'string' ? spec.service : undefined);
}
