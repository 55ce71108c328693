// The adapters over Cutover's two tables, built on one DynamoDB client per process.
// Table names come from the environment (set by serverless.yml, or the local cloud).

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { requireEnv } from '../runtime/env.js';
import { credentialsOption } from '../runtime/invocation-credentials.js';
import { DynamoReleaseLedger } from './dynamodb-release-ledger.js';
import { DynamoStartVouchers } from './dynamodb-vouchers.js';
import { DynamoAlarmWatchers } from './dynamodb-alarm-watchers.js';
import { DynamoDeploymentLocks } from './dynamodb-deployment-locks.js';
import { DynamoDeployments } from './dynamodb-deployments.js';
import { DynamoServiceStates } from './dynamodb-service-states.js';

export function documentClient(): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(new DynamoDBClient(credentialsOption()), {
    marshallOptions: { removeUndefinedValues: true },
  });
}

export function tables(client: DynamoDBDocumentClient = documentClient()) {
  const deploymentsTable = requireEnv('DEPLOYMENTS_TABLE');
  return {
    ledger: new DynamoReleaseLedger(client, requireEnv('LEDGER_TABLE')),
    locks: new DynamoDeploymentLocks(client, deploymentsTable),
    deployments: new DynamoDeployments(client, deploymentsTable),
    serviceStates: new DynamoServiceStates(client, deploymentsTable),
    watchers: new DynamoAlarmWatchers(client, deploymentsTable),
    vouchers: new DynamoStartVouchers(client, deploymentsTable),
  };
}
