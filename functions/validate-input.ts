// First state of every state machine: checks the execution input against the
// catalog and returns the deployment spec the rest of the machine follows. Bad
// input fails with DeploymentRequestInvalid and a cause that says what to fix; an event
// without the fields the state machine passes (a hand-made invocation) with StepInputInvalid.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../shared/domain/zod.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import { validateDeploymentRequest, type DeploymentSpec } from '../shared/domain/deployment-request.js';
import { DeploymentRequestInvalid } from '../shared/domain/errors.js';
import { stateMachineFor } from '../shared/domain/strategy.js';
import { catalogFilePath, loadCatalog } from '../shared/runtime/catalog.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import {
  correlation,
  instrumented,
  observability,
  type Observability,
} from '../shared/runtime/observability.js';
import { parseStepInput } from '../shared/runtime/step-handler.js';

const eventSchema = z.object({
  deploymentId: z.string().check(z.minLength(1), z.maxLength(80)),
  /** Which state machine this is, so a strategy started on the wrong one is refused. */
  machine: z.enum(['blue-green', 'canary', 'rolling']),
  input: z.unknown(),
});

export function createHandler(catalog: Catalog, observe?: Observability) {
  const { logger, metrics, entry } = instrumented(observe);
  async function validateInput(event: unknown): Promise<DeploymentSpec> {
    try {
      return await validated(event);
    } catch (error) {
      metrics.addMetric('DeploymentsRefused', MetricUnit.Count, 1);
      throw error;
    }
  }

  function validated(event: unknown): Promise<DeploymentSpec> {
    const { deploymentId, machine, input } = parseStepInput('validate-input', eventSchema, event);
    const spec = validateDeploymentRequest(input, catalog, deploymentId);
    const wanted = stateMachineFor(spec.plan.strategy);
    if (wanted !== machine) {
      throw new DeploymentRequestInvalid([
        {
          path: 'strategy',
          message: `strategy ${spec.plan.strategy} runs on the ${wanted} state machine, not ${machine}; start that one`,
        },
      ]);
    }
    logger.info('deployment input is valid', {
      ...correlation(deploymentId, spec.service),
      image: spec.image,
      strategy: spec.plan.strategy,
    });
    metrics.addMetric('DeploymentsValidated', MetricUnit.Count, 1);
    return Promise.resolve(spec);
  }
  return entry(validateInput);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(loadCatalog(catalogFilePath(env)), observability(env));
}

export const handler = lambdaHandler(handlerFor);
