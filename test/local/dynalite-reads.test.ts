// The local cloud's dynalite reads table definitions from memory and sends the item reads of one
// turn of the event loop to LevelDB together (local/aws/dynalite-table-cache.ts,
// dynalite-batched-reads.ts). Neither may change an answer: a table deleted and made again with
// another key is read with its new key at once, and every read sees every write answered
// before it was sent, however many are sent at once.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import {
  BatchGetItemCommand,
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { durableDynalite } from '../../local/aws/durable-dynalite.js';
import { freePort } from '../../harness/emulators.js';

let folder: string;
let server: Server;
let client: DynamoDBClient;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'cutover-dynalite-reads-'));
  const port = await freePort();
  server = durableDynalite(join(folder, 'dynamodb'));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterAll(async () => {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(folder, { recursive: true, force: true });
});

/** Creates the table, without waiting for it to be ACTIVE. */
const startTable = (name: string, key: string) =>
  client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: key, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: key, KeyType: 'HASH' }],
    }),
  );

/** Whether the table is ACTIVE within 3 s, asked every few ms. */
async function active(name: string): Promise<boolean> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

/** Whether the table is gone within 3 s (DeleteTable answers while it is still DELETING, as on AWS). */
async function gone(name: string): Promise<boolean> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    const error = await client.send(new DescribeTableCommand({ TableName: name })).then(
      () => null,
      (caught: unknown) => caught,
    );
    if ((error as Error | null)?.name === 'ResourceNotFoundException') return true;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return false;
}

async function createTable(name: string, key: string): Promise<void> {
  await startTable(name, key);
  if (!(await active(name))) throw new Error(`table ${name} did not become ACTIVE`);
}

describe('dynalite as the local cloud runs it', () => {
  it('reads a table made again with another key by its new key, once the old one is deleted', async () => {
    await createTable('remade', 'pk');
    await client.send(new PutItemCommand({ TableName: 'remade', Item: { pk: { S: 'a' } } }));
    await client.send(new DeleteTableCommand({ TableName: 'remade' }));
    await expect(
      client.send(new GetItemCommand({ TableName: 'remade', Key: { pk: { S: 'a' } } })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    // Made again once the old one is gone: until then CreateTable answers ResourceInUseException.
    expect(await gone('remade')).toBe(true);
    await createTable('remade', 'id');
    await client.send(new PutItemCommand({ TableName: 'remade', Item: { id: { S: 'b' } } }));
    await expect(
      client.send(new PutItemCommand({ TableName: 'remade', Item: { pk: { S: 'c' } } })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const got = await client.send(new GetItemCommand({ TableName: 'remade', Key: { id: { S: 'b' } } }));
    expect(got.Item).toEqual({ id: { S: 'b' } });
  });

  it('shows each new table ACTIVE once dynalite makes it so, however the reads fall around its writes', async () => {
    // dynalite writes a new table twice (CREATING, then ACTIVE at once): a read sent while the
    // second write is in flight may get CREATING, and must not be kept past that write.
    const names = Array.from({ length: 20 }, (_, i) => `fresh-${i}`);
    const results = await Promise.all(
      names.map(async (name) => {
        await startTable(name, 'pk');
        return active(name);
      }),
    );
    expect(names.filter((_, i) => !results[i])).toEqual([]);
  });

  it('answers 100 keys read at once, and 100 GetItems sent together, each with its own item', async () => {
    await createTable('many', 'pk');
    const keys = Array.from({ length: 100 }, (_, i) => `k${i}`);
    // Every other key has an item; the rest must come back missing, not with a neighbour's item.
    await Promise.all(
      keys
        .filter((_, i) => i % 2 === 0)
        .map((k) =>
          client.send(new PutItemCommand({ TableName: 'many', Item: { pk: { S: k }, v: { S: `v-${k}` } } })),
        ),
    );
    const batch = await client.send(
      new BatchGetItemCommand({
        RequestItems: { many: { Keys: keys.map((k) => ({ pk: { S: k } })), ConsistentRead: true } },
      }),
    );
    const found = (batch.Responses?.many ?? []).map((item) => [item.pk!.S, item.v!.S]);
    expect(new Map(found as [string, string][])).toEqual(
      new Map(keys.filter((_, i) => i % 2 === 0).map((k) => [k, `v-${k}`])),
    );
    const singles = await Promise.all(
      keys.map((k) => client.send(new GetItemCommand({ TableName: 'many', Key: { pk: { S: k } } }))),
    );
    expect(singles.map((s) => s.Item?.v?.S ?? null)).toEqual(
      keys.map((k, i) => (i % 2 === 0 ? `v-${k}` : null)),
    );
  });

  it('reads every write answered before the read was sent, with reads and writes interleaved', async () => {
    await createTable('counter', 'pk');
    const key = { pk: { S: 'n' } };
    for (let n = 1; n <= 30; n++) {
      await client.send(
        new UpdateItemCommand({
          TableName: 'counter',
          Key: key,
          UpdateExpression: 'SET v = :n',
          ExpressionAttributeValues: { ':n': { N: String(n) } },
        }),
      );
      // Several reads in the same turn: each must see the write just answered.
      const reads = await Promise.all(
        [1, 2, 3].map(() => client.send(new GetItemCommand({ TableName: 'counter', Key: key }))),
      );
      expect(reads.map((r) => r.Item?.v?.N)).toEqual([String(n), String(n), String(n)]);
    }
  });
});
