// Takes the service's lock and opens the release (deployment record + ledger).
// A busy service: DeploymentInProgress, or DeploymentQueued for a push that waits.

import { tables } from '../shared/aws/dynamodb-tables.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { beginDeployment } from '../shared/engine/begin.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { defaultObservability, observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { ledgerKeys, ledgerSigner } from '../shared/aws/kms-ledger-keys.js';

export function createHandler(
  deps: Parameters<typeof beginDeployment>[0],
  observe: Observability = defaultObservability(),
) {
  return stepHandler('acquire-lock', stepInput({}), ({ spec }) => beginDeployment(deps, spec), observe);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      clock: processClock,
      signer: ledgerSigner(env),
      ledgerKeys: ledgerKeys(env),
      ...tables(env),
      events: cutoverEvents(env),
      ...ecsAdapters(env),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
