// The deployments table itself: created exactly as serverless.yml declares it, and its four
// adapters turn an unreachable endpoint into TransientError, so the step that called them retries.
// The adapters' contract tests against the emulators are in test/aws/dynamodb-*.contract.test.ts.

import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DynamoAlarmWatchers } from '../../shared/aws/dynamodb-alarm-watchers.js';
import { DynamoDeploymentLocks } from '../../shared/aws/dynamodb-deployment-locks.js';
import { DynamoDeployments } from '../../shared/aws/dynamodb-deployments.js';
import { TransientError } from '../../shared/aws/errors.js';
import { DEPLOYMENTS_TTL_ATTRIBUTE, deploymentsTableDefinition } from '../../local/aws/dynamodb-tables.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';
import { NOW, TABLE } from '../support/deployments-table.js';

describe('deployments table adapters at the edge', () => {
  it('turn an unreachable endpoint into TransientError, so the step retries', async () => {
    // A port nobody listens on: a real connection refusal, not a mocked one.
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...emulatorClientConfig(endpoint), maxAttempts: 1 }),
    );
    try {
      await expect(
        new DynamoDeploymentLocks(client, TABLE).acquire('web', 'dep-a', NOW, NOW),
      ).rejects.toMatchObject({
        name: 'TransientError',
        message: expect.stringContaining(`UpdateItem lock on table ${TABLE}`),
      });
      await expect(new DynamoDeployments(client, TABLE).get('dep-a')).rejects.toBeInstanceOf(TransientError);
      await expect(new DynamoAlarmWatchers(client, TABLE).watchersOf('web-5xx')).rejects.toBeInstanceOf(
        TransientError,
      );
    } finally {
      client.destroy();
    }
  });

  it('creates the deployments table exactly as serverless.yml declares it', () => {
    const template = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'), {
      logLevel: 'error',
    }) as { resources: { Resources: { DeploymentsTable: { Properties: Record<string, unknown> } } } };
    const declared = template.resources.Resources.DeploymentsTable.Properties;
    const definition = deploymentsTableDefinition(TABLE);
    expect(definition.AttributeDefinitions).toEqual(declared.AttributeDefinitions);
    expect(definition.KeySchema).toEqual(declared.KeySchema);
    expect(definition.GlobalSecondaryIndexes).toEqual(declared.GlobalSecondaryIndexes);
    expect(definition.BillingMode).toBe(declared.BillingMode);
    expect(declared.TimeToLiveSpecification).toEqual({
      AttributeName: DEPLOYMENTS_TTL_ATTRIBUTE,
      Enabled: true,
    });
  });
});
