// First state of every state machine: checks the execution input against the
// catalog and returns the deployment spec the rest of the machine follows.
// Bad input fails with DeploymentRequestInvalid and a cause that says what to fix.

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { validateDeploymentRequest, type DeploymentSpec } from '../shared/domain/deployment-request.js';
import { loadCatalog } from '../shared/runtime/catalog.js';
import { correlate, logger, metrics } from '../shared/runtime/observability.js';

const catalog = loadCatalog();

const eventSchema = z.object({
  deploymentId: z.string().min(1).max(80),
  input: z.unknown(),
});

async function validateInput(event: unknown): Promise<DeploymentSpec> {
  const { deploymentId, input } = eventSchema.parse(event);
  correlate(deploymentId);
  const spec = validateDeploymentRequest(input, catalog, deploymentId);
  correlate(deploymentId, spec.service);
  logger.info('deployment input is valid', { image: spec.image, strategy: spec.plan.strategy });
  metrics.addMetric('DeploymentsValidated', MetricUnit.Count, 1);
  return Promise.resolve(spec);
}

export const handler = middy(validateInput).use(injectLambdaContext(logger)).use(logMetrics(metrics));
