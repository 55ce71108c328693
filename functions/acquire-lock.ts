// Takes the service's lock and opens the release (deployment record + ledger).
// A busy service: DeploymentInProgress, or DeploymentQueued for a push that waits.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { beginDeployment } from '../shared/engine/begin.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { ledgerKeys } from '../shared/aws/kms-ledger-keys.js';

export function createHandler(deps: Parameters<typeof beginDeployment>[0], observe?: Observability) {
  return stepHandler('acquire-lock', stepInput({}), ({ spec }) => beginDeployment(deps, spec), observe);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...ledgerWriterPorts(env),
      ledgerKeys: ledgerKeys(env),
      events: cutoverEvents(env),
      ...ecsAdapters(env),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
