// One Logger per process, created at cold start: logs are JSON, each line about a deployment
// with its id. One Metrics per handler (CloudWatch EMF), so that handlers sharing a
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

/**
 * The keys that tie a log line to the deployment it concerns, passed with each line. Never
 * appended to the shared logger: handlers share a process on the local cloud and run at the
 * same time, so one invocation's keys would tag another's lines.
 */
export function correlation(deploymentId: string, service?: string): Record<string, string> {
  return { deploymentId, ...(service === undefined ? {} : { deployedService: service }) };
}
