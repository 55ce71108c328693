// One Logger per process, created at cold start: logs are JSON with the deployment id as
// correlation id. One Metrics per handler (CloudWatch EMF), so that handlers sharing a
// process, as in the local cloud, never publish or overwrite each other's metrics.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';

export const logger = new Logger({ serviceName: 'cutover' });

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

/** Middleware: after each invocation, publishes what it counted, and nothing if it counted nothing. */
export function publishMetrics(metrics: Metrics): MiddlewareObj {
  function publish(): void {
    if (metrics.hasStoredMetrics()) metrics.publishStoredMetrics();
  }
  return { after: publish, onError: publish };
}

/** Tags every log line of this invocation with the deployment it concerns. */
export function correlate(deploymentId: string, service?: string): void {
  logger.appendKeys({ deploymentId, ...(service === undefined ? {} : { deployedService: service }) });
}
