// Anchors the ledger's head outside DynamoDB, frees the service at the end of every path,
// then starts the push that waited, if any.

import { sfnRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { ledgerAnchors } from '../shared/aws/s3-ledger-anchors.js';
import { SfnExecutions, stateMachineArns } from '../shared/aws/sfn-executions.js';
import { releaseLock } from '../shared/engine/finish.js';
import { stepInput } from '../shared/engine/spec.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { observability, type Observability } from '../shared/runtime/observability.js';
import { stepHandler } from '../shared/runtime/step-handler.js';

export function createHandler(deps: Parameters<typeof releaseLock>[0], observe?: Observability) {
  return stepHandler('release-lock', stepInput({}), ({ spec }) => releaseLock(deps, spec), observe);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    {
      ...tables(env),
      anchors: ledgerAnchors(env),
      executions: new SfnExecutions(sfnRequests(env), stateMachineArns(env)),
    },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
