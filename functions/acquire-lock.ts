// Takes the service's lock and opens the release (deployment record + ledger).
// A busy service: DeploymentInProgress, or DeploymentQueued for a push that waits.

import { tables } from '../shared/aws/dynamodb-tables.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { beginDeployment } from '../shared/engine/begin.js';
import { stepInput } from '../shared/engine/spec.js';
import { processClock } from '../shared/runtime/clock.js';
import { stepHandler } from '../shared/runtime/step-handler.js';
import { ledgerKeys, ledgerSigner } from '../shared/aws/kms-ledger-keys.js';

export function createHandler(deps: Parameters<typeof beginDeployment>[0]) {
  return stepHandler('acquire-lock', stepInput({}), ({ spec }) => beginDeployment(deps, spec));
}

export const handler = createHandler({
  clock: processClock,
  signer: ledgerSigner(),
  ledgerKeys: ledgerKeys(),
  ...tables(),
  events: cutoverEvents(),
  ...ecsAdapters(),
});
