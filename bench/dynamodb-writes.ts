// Figure 6, DynamoDB write latency in the local cloud: p50 and p99 of PutItem, one at a time
// from the SDK on loopback, with dynalite as the local cloud runs it (every write fsynced
// before it is answered: local/aws/durable-dynalite.ts) and, for the cost of that, as it ran
// before (writes handed to the OS and answered at once, lost on a power cut). Each store gets
// a fresh folder; the first writes warm the client and the store and are not counted.

import { mkdtempSync, rmSync, statfsSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { durableDynalite } from '../local/aws/durable-dynalite.js';
import { percentile, type FigureResult, type MeasureOptions } from './figures.js';

const TABLE = 'writes';
const WARM_UP = 50;
/** statfs's type for tmpfs, where an fsync costs nothing. */
const TMPFS = 0x01021994;

interface Store {
  name: string;
  open(path: string): Server;
}

const stores: Store[] = [
  { name: 'synced (the local cloud)', open: (path) => durableDynalite(path) },
  {
    name: 'not synced (before)',
    open: (path) => dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 }),
  },
];

export async function measure(options: MeasureOptions): Promise<FigureResult> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const writes = options.quick ? 200 : 1000;
  const root = mkdtempSync(join(tmpdir(), 'cutover-bench-dynamodb-'));
  try {
    const rows = [];
    for (const store of stores) {
      const latencies = await putLatencies(store.open(join(root, store.name.split(' ')[0]!)), writes);
      rows.push({
        store: store.name,
        writes,
        'p50 ms': ms2(percentile(latencies, 50)),
        'p99 ms': ms2(percentile(latencies, 99)),
        'max ms': ms2(Math.max(...latencies)),
      });
      console.log(`  ${store.name}: p50 ${rows.at(-1)!['p50 ms']} ms, p99 ${rows.at(-1)!['p99 ms']} ms`);
    }
    return {
      name: 'DynamoDB PutItem latency in the local cloud (one at a time, loopback)',
      rows,
      notes: [
        'Synced: LevelDB fsyncs its log before dynalite answers, so an acknowledged write survives a crash or a power cut (test/local/dynamodb-durability.test.ts).',
        'The difference is the cost of one fsync on this machine’s disk, paid by every write.',
        ...(statfsSync(root).type === TMPFS ? ['Measured on tmpfs: fsync costs nothing there.'] : []),
      ],
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** Real ms per PutItem, after a warm-up, on a fresh table in `server`; closes it. */
async function putLatencies(server: Server, writes: number): Promise<number[]> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await waitUntilTableExists({ client, minDelay: 1, maxDelay: 1, maxWaitTime: 30 }, { TableName: TABLE });
    const latencies: number[] = [];
    for (let i = 0; i < WARM_UP + writes; i++) {
      const started = performance.now();
      await client.send(
        new PutItemCommand({
          TableName: TABLE,
          // About the size of a ledger record.
          Item: { id: { S: `item-${i}` }, body: { S: 'x'.repeat(600) } },
        }),
      );
      if (i >= WARM_UP) latencies.push(performance.now() - started);
    }
    return latencies;
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

function ms2(ms: number): number {
  return Math.round(ms * 100) / 100;
}
