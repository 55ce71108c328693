// A handler's Logger and Metrics. Logs are JSON, each line about a deployment with its id. Each
// handler has its own Metrics (CloudWatch EMF), so that handlers sharing a process, as in the
// local cloud, never publish or overwrite each other's metrics. The Logger's level and whether
// metrics are printed come from the handler's environment (POWERTOOLS_LOG_LEVEL,
// POWERTOOLS_METRICS_DISABLED): on Lambda, process.env; locally, the local cloud's.

import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import middy, { type MiddlewareObj } from '@middy/core';
import type { Environment } from './env.js';

export interface Observability {
  logger: Logger;
  /** POWERTOOLS_METRICS_DISABLED: what the handler counts is never printed. */
  metricsDisabled: boolean;
}

type LogLevel = NonNullable<ConstructorParameters<typeof Logger>[0]>['logLevel'];

/** A handler's Logger and metrics switch, made when it is built, from its environment. */
export function observability(env: Environment): Observability {
  const level = env.POWERTOOLS_LOG_LEVEL || env.LOG_LEVEL;
  return {
    logger: new Logger({ serviceName: 'cutover', ...(level ? { logLevel: level as LogLevel } : {}) }),
    metricsDisabled: ['true', '1'].includes((env.POWERTOOLS_METRICS_DISABLED ?? '').toLowerCase()),
  };
}

let processObservability: Observability | undefined;

/** The process's own, from process.env, made at first use: for handlers built without one (tests). */
export function defaultObservability(): Observability {
  return (processObservability ??= observability(process.env));
}

/**
 * What a function's entry point works with: its logger, its own metrics, and `entry`, which
 * puts a handler under middy with the logger given each invocation's Lambda context and what
 * it counted published when the invocation ends. `observe` is the function's own, made from its
 * environment; without one (a handler tests build), the process's.
 */
export function instrumented(observe: Observability | undefined, dimensions?: Record<string, string>) {
  const own = observe ?? defaultObservability();
  const metrics = createMetrics(dimensions);
  return {
    logger: own.logger,
    metrics,
    entry: <Event, Result, Context>(handler: (event: Event, context: Context) => Promise<Result>) =>
      middy(handler).use(injectLambdaContext(own.logger)).use(publishMetrics(metrics, own)),
  };
}

/**
 * A handler's own Metrics. `dimensions` are set once as defaults (a step handler's `step`),
 * never added per invocation. Keys a log line must not use: `service`, `message`, `level`,
 * `timestamp` and `sampling_rate` are the Logger's own, and it drops them.
 */
export function createMetrics(dimensions?: Record<string, string>): Metrics {
  return new Metrics({
    namespace: 'Cutover',
    serviceName: 'cutover',
    ...(dimensions === undefined ? {} : { defaultDimensions: dimensions }),
  });
}

/**
 * Middleware: after each invocation, publishes what it counted, and nothing if it counted
 * nothing; with metrics disabled, drops it.
 */
export function publishMetrics(metrics: Metrics, { metricsDisabled }: Observability): MiddlewareObj {
  function publish(): void {
    if (!metrics.hasStoredMetrics()) return;
    if (metricsDisabled) metrics.clearMetrics();
    else metrics.publishStoredMetrics();
  }
  return { after: publish, onError: publish };
}

/**
 * The keys that tie a log line to the deployment it concerns, passed with each line. Never
 * appended to a handler's logger: handlers run at the same time, in the local cloud in one
 * process, so one invocation's keys would tag another's lines.
 */
export function correlation(deploymentId: string, service?: string): Record<string, string> {
  return { deploymentId, ...(service === undefined ? {} : { deployedService: service }) };
}
