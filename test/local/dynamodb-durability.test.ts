// The local cloud never answers a DynamoDB write it could lose. A process serving a data
// folder's tables as the local cloud does (test/support/dynamodb-writer.ts) puts items from
// four writers at once and is killed with SIGKILL in the middle of its writes: no close, no
// flush. The tables are then served again from the same folder, and every item whose PutItem
// was answered must be there.
//
// - Crash: only the process dies; what it handed the kernel survives.
// - Power cut: the process dies and so does the machine's memory: each LevelDB log is cut
//   back to what was fsynced before the kill (test/support/power-cut.ts says exactly what is
//   simulated). Needs strace, to see the syncs; skipped, loudly, where there is none.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import {
  CreateTableCommand,
  DynamoDBClient,
  ScanCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { durableDynalite } from '../../local/aws/durable-dynalite.js';
import { DURABILITY_TABLE, PAYLOAD } from '../support/dynamodb-writer.js';
import { freePort } from '../../harness/emulators.js';
import { cutPower, straceAvailable, traceArgs } from '../support/power-cut.js';

const WRITER = new URL('../support/dynamodb-writer.ts', import.meta.url).pathname;
/** Acknowledged writes to wait for before the kill; the writers keep going until it lands. */
const ACKED_BEFORE_KILL = 200;

const clientFor = (port: number) =>
  new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });

/** Serves `folder`'s tables in this process while `use` runs, then closes them cleanly. */
async function serving<T>(folder: string, use: (client: DynamoDBClient) => Promise<T>): Promise<T> {
  const port = await freePort();
  const server: Server = durableDynalite(folder);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const client = clientFor(port);
  try {
    return await use(client);
  } finally {
    client.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A data folder's `dynamodb/` holding the empty table, closed cleanly. */
async function folderWithTable(): Promise<string> {
  const folder = join(mkdtempSync(join(tmpdir(), 'cutover-durability-')), 'dynamodb');
  await serving(folder, async (client) => {
    await client.send(
      new CreateTableCommand({
        TableName: DURABILITY_TABLE,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    // dynalite marks the table ACTIVE just after answering; closing first would leave it CREATING.
    await waitUntilTableExists(
      { client, minDelay: 1, maxDelay: 1, maxWaitTime: 30 },
      { TableName: DURABILITY_TABLE },
    );
  });
  return folder;
}

/**
 * Runs the writer on `folder` (under strace, writing `traceFile`, if given), SIGKILLs it once
 * it has acknowledged enough writes, and returns every id it acknowledged before it died.
 */
async function writeUntilKilled(folder: string, traceFile?: string): Promise<string[]> {
  const command = [process.execPath, '--import', 'tsx', WRITER, folder, String(await freePort())];
  const child =
    traceFile === undefined
      ? spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('strace', [...traceArgs(traceFile), ...command], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let pid = 0;
  let stderr = '';
  let buffered = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    const lines = (buffered + chunk.toString()).split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const [word, value] = line.split(' ');
      if (word === 'pid') pid = Number(value);
      if (word === 'acked') acked.push(value!);
      // The writer itself, not strace: strace stays to finish its trace when its tracee dies.
      if (acked.length === ACKED_BEFORE_KILL && word === 'acked') process.kill(pid, 'SIGKILL');
    }
  });
  const status = await new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('close', (code, signal) => resolve(signal ?? code)),
  );
  if (acked.length < ACKED_BEFORE_KILL) {
    throw new Error(`the writer ended (${String(status)}) before it was killed:\n${stderr}`);
  }
  return acked;
}

async function storedIds(folder: string): Promise<Set<string>> {
  return serving(folder, async (client) => {
    const ids = new Set<string>();
    let start: Record<string, { S: string }> | undefined;
    do {
      const page = await client.send(
        new ScanCommand({ TableName: DURABILITY_TABLE, ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        if (item.payload?.S === PAYLOAD) ids.add(item.id!.S!);
      }
      start = page.LastEvaluatedKey as typeof start;
    } while (start !== undefined);
    return ids;
  });
}

describe('DynamoDB in the local cloud', () => {
  it('keeps every acknowledged write when its process is killed mid-write', async () => {
    const folder = await folderWithTable();
    const acked = await writeUntilKilled(folder);
    const stored = await storedIds(folder);
    expect(acked.filter((id) => !stored.has(id))).toEqual([]);
  });

  describe.skipIf(!straceAvailable())('power cut (strace traces the syncs)', () => {
    it('keeps every acknowledged write when the machine loses all it had not synced', async () => {
      const folder = await folderWithTable();
      const traceFile = join(folder, '..', 'writes.trace');
      const acked = await writeUntilKilled(folder, traceFile);
      const fates = cutPower(traceFile, folder);
      // The writes went to a log the trace saw: the cut is of this run's writes.
      expect(fates.reduce((sum, log) => sum + log.written, 0)).toBeGreaterThan(
        ACKED_BEFORE_KILL * PAYLOAD.length,
      );
      const stored = await storedIds(folder);
      expect(acked.filter((id) => !stored.has(id))).toEqual([]);
    });
  });
});
