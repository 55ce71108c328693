// One Logger and one Metrics per process, created at cold start. Logs are JSON
// with the deployment id as correlation id; metrics are CloudWatch EMF.

import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';

export const logger = new Logger({ serviceName: 'cutover' });
export const metrics = new Metrics({ namespace: 'Cutover', serviceName: 'cutover' });

/** Tags every log line of this invocation with the deployment it concerns. */
export function correlate(deploymentId: string, service?: string): void {
  logger.appendKeys({ deploymentId, ...(service === undefined ? {} : { deployedService: service }) });
}
