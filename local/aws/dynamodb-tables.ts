// The two DynamoDB tables of serverless.yml (LedgerTable, DeploymentsTable) as CreateTable inputs,
// so the local cloud and the contract tests create them exactly as deployed. The contract tests
// compare these definitions with serverless.yml, so the two cannot drift apart.

import {
  CreateTableCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** The deployments table's TTL attribute (epoch seconds), as in serverless.yml. */
export const DEPLOYMENTS_TTL_ATTRIBUTE = 'expiresAt';

export function ledgerTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'service', AttributeType: 'S' },
      { AttributeName: 'seq', AttributeType: 'N' },
    ],
    KeySchema: [
      { AttributeName: 'service', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ],
  };
}

export function deploymentsTableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
      { AttributeName: 'gsi1pk', AttributeType: 'S' },
      { AttributeName: 'gsi1sk', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'byService',
        KeySchema: [
          { AttributeName: 'gsi1pk', KeyType: 'HASH' },
          { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

export async function createLedgerTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTable(client, ledgerTableDefinition(tableName));
}

export async function createDeploymentsTable(client: DynamoDBClient, tableName: string): Promise<void> {
  await createTable(client, deploymentsTableDefinition(tableName));
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: DEPLOYMENTS_TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (error) {
    // dynalite has no UpdateTimeToLive (and never expires items). TTL only cleans up finished
    // bakes, which no adapter relies on for correctness, so the table is usable without it.
    if (!(error instanceof Error && error.name === 'UnknownOperationException')) throw error;
  }
}

/** Both tables, created side by side. */
export async function createTables(
  client: DynamoDBClient,
  names: { ledger: string; deployments: string },
): Promise<void> {
  await Promise.all([
    createLedgerTable(client, names.ledger),
    createDeploymentsTable(client, names.deployments),
  ]);
}

async function createTable(client: DynamoDBClient, input: CreateTableCommandInput): Promise<void> {
  try {
    await client.send(new CreateTableCommand(input));
  } catch (error) {
    // A restarted local cloud finds its tables in the data folder.
    if (!(error instanceof Error && error.name === 'ResourceInUseException')) throw error;
  }
  // The first check runs at once; emulators make tables ACTIVE within milliseconds.
  await waitUntilTableExists(
    { client, minDelay: 1, maxDelay: 1, maxWaitTime: 30 },
    { TableName: input.TableName },
  );
}
