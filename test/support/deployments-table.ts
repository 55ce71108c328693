// The deployments table on a real DynamoDB emulator, for the contract tests of its four adapters
// (locks, deployments, service states, alarm watchers: test/aws/dynamodb-*.contract.test.ts).
// Each file starts its own emulator and table, and builds its items from the fixtures here.

import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, it } from 'vitest';
import { createDeploymentsTable } from '../../local/aws/dynamodb-tables.js';
import type { Deployment, StableRelease } from '../../shared/domain/deployment.js';
import type { QueuedPush } from '../../shared/ports/deployments.js';
import { emulatorClientConfig, type DYNAMODB_EMULATORS, type Emulator } from '../../harness/emulators.js';

type DynamoEmulator = (typeof DYNAMODB_EMULATORS)[number];
type EmulatorName = DynamoEmulator['name'];

export const TABLE = 'cutover-test-deployments';
const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web';
export const image = (n: number) => `${REPO}@sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;
export const NOW = 1_741_942_800_000; // 2025-03-14T09:00:00Z
export const MINUTE = 60_000;

/** Fresh names per case, so cases share a table without sharing state. */
export const newService = () => `svc-${randomUUID()}`;
export const newId = () => `dep-${randomUUID()}`;

export function stableRelease(release: number): StableRelease {
  return {
    release,
    image: image(release),
    taskSetId: `ecs-svc/${release}`,
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${release}`,
    targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1',
  };
}

export function deployment(service: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    deploymentId: newId(),
    service,
    release: 8,
    image: image(8),
    strategy: 'canary',
    trigger: 'push',
    actor: 'ecr-push',
    status: 'running',
    phase: 'register-task-definition',
    startedAt: NOW,
    updatedAt: NOW,
    stable: stableRelease(7),
    candidate: {
      targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2',
    },
    weights: { stable: 100, candidate: 0 },
    ...overrides,
  };
}

export function push(service: string, pushedAt: number, n = pushedAt % 250): QueuedPush {
  return { service, image: image(n), pushedAt, input: { service, image: image(n), trigger: 'push' } };
}

export interface DeploymentsTable {
  /** The plain client, for what the adapters do not do (DescribeTimeToLive). */
  readonly base: DynamoDBClient;
  /** The document client the adapters are given. */
  readonly documents: DynamoDBDocumentClient;
  /** The raw item, read around the adapters, to pin the table layout other readers rely on. */
  readonly rawItem: (pk: string, sk: string) => Promise<Record<string, unknown> | undefined>;
  /** A case that this emulator gets wrong; each use says how, and which AWS document it breaks. */
  readonly itUnlessGapOn: (gapOn: EmulatorName) => typeof it | typeof it.fails;
}

/**
 * Called inside a describe: starts the emulator and creates the table before its cases, and
 * stops the emulator after them. The clients are there once the describe's first hook has run.
 */
export function deploymentsTableOn(emulator: DynamoEmulator): DeploymentsTable {
  let server: Emulator | undefined;
  let base: DynamoDBClient | undefined;
  let documents: DynamoDBDocumentClient | undefined;

  beforeAll(async () => {
    server = await emulator.start();
    base = new DynamoDBClient(emulatorClientConfig(server.endpoint));
    // Default marshalling on purpose: the adapters must not need removeUndefinedValues.
    documents = DynamoDBDocumentClient.from(base);
    await createDeploymentsTable(base, TABLE);
  });

  afterAll(async () => {
    base?.destroy();
    await server?.stop();
  });

  const started = <T>(client: T | undefined): T => {
    if (client === undefined) throw new Error(`the ${emulator.name} emulator has not started yet`);
    return client;
  };

  return {
    get base() {
      return started(base);
    },
    get documents() {
      return started(documents);
    },
    rawItem: async (pk, sk) => {
      const output = await started(documents).send(new GetCommand({ TableName: TABLE, Key: { pk, sk } }));
      return output.Item;
    },
    itUnlessGapOn: (gapOn) => (gapOn === emulator.name ? it.fails : it),
  };
}
