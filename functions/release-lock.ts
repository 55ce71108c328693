// Anchors the ledger's head outside DynamoDB, frees the service at the end of every path,
// then starts the push that waited, if any.

import { sfnRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { ledgerAnchors } from '../shared/aws/s3-ledger-anchors.js';
import { SfnExecutions } from '../shared/aws/sfn-executions.js';
import { releaseLock } from '../shared/engine/finish.js';
import { stepInput } from '../shared/engine/spec.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof releaseLock>[0]) {
  return stepHandler('release-lock', stepInput({}), ({ spec }) => releaseLock(deps, spec));
}

export const handler = createHandler({
  ...tables(),
  anchors: ledgerAnchors(),
  executions: new SfnExecutions(sfnRequests()),
});
