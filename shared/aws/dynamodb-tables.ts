// The adapters over Cutover's two tables, on one set of DynamoDB requests per handler (signed
// JSON requests, dynamodb-documents.ts; no SDK client). Table names come from the handler's
// environment (set by serverless.yml, or the local cloud).

import { requireEnv, type Environment } from '../runtime/env.js';
import { dynamoDocuments, dynamoDocumentsFromEnv, type DynamoSource } from './dynamodb-documents.js';
import { DynamoReleaseLedger } from './dynamodb-release-ledger.js';
import { DynamoStartVouchers } from './dynamodb-vouchers.js';
import { DynamoAlarmWatchers } from './dynamodb-alarm-watchers.js';
import { DynamoDeploymentLocks } from './dynamodb-deployment-locks.js';
import { DynamoDeployments } from './dynamodb-deployments.js';
import { DynamoServiceStates } from './dynamodb-service-states.js';

/** The tables named in `env`, reached through `source`: by default, DynamoDB as `env` reaches it. */
export function tables(env: Environment, source: DynamoSource = dynamoDocumentsFromEnv(env)) {
  const documents = dynamoDocuments(source);
  const deploymentsTable = requireEnv('DEPLOYMENTS_TABLE', env);
  return {
    ledger: new DynamoReleaseLedger(documents, requireEnv('LEDGER_TABLE', env)),
    locks: new DynamoDeploymentLocks(documents, deploymentsTable),
    deployments: new DynamoDeployments(documents, deploymentsTable),
    serviceStates: new DynamoServiceStates(documents, deploymentsTable),
    watchers: new DynamoAlarmWatchers(documents, deploymentsTable),
    vouchers: new DynamoStartVouchers(documents, deploymentsTable),
  };
}
