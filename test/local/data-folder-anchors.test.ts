// Start checks a resumed ledger against its newest anchors: a chain in DynamoDB that no longer
// reaches the seq of its service's newest S3 anchor, or holds a different hash there, is
// refused (`cutover local start` exits 2, naming the service, the anchor's seq and hash and the
// chain's length, and how to recover). The records are removed or replaced behind the local
// cloud's back, with dynalite alone on the stopped folder: through the endpoint the ledger
// table's resource policy refuses DeleteItem to everyone.

import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEDGER_TABLE } from '../../local/cloud.js';
import { LEDGER_ANCHOR_BUCKET } from '../../local/ledger-folder.js';
import { S3LedgerAnchors } from '../../shared/aws/s3-ledger-anchors.js';
import { S3Requests } from '../../shared/aws/s3-requests.js';
import { hashRecord, type LedgerRecord } from '../../shared/domain/ledger.js';
import { freePort } from '../../harness/emulators.js';
import { SCENARIOS, startCloud } from '../../harness/local-cloud.js';
import { clientConfig } from '../support/local-server.js';

const CLI = new URL('../../cli/cutover.mjs', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'cutover-anchors-'));
/** Handlers read the endpoint once per process: every start in this file uses this port. */
let port = 0;
/** A stopped folder whose first service's head (seq 2) is anchored in S3. */
let anchored = '';
let service = '';
let head: LedgerRecord;

beforeAll(async () => {
  port = await freePort();
  anchored = join(scratch, 'anchored');
  const handle = await startCloud({ port, dataDir: anchored });
  service = Object.keys(handle.catalog.services)[0]!;
  const records = (await handle.clients.ledger.list(service)) as LedgerRecord[];
  head = records.at(-1)!;
  // Anchored as ReleaseLock anchors a release's end.
  const s3 = new S3Requests(clientConfig(handle.cloud.endpoint));
  await new S3LedgerAnchors(s3, handle.cloud.ledger.resources.ref(LEDGER_ANCHOR_BUCKET)).put(head);
  await handle.stop();
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the anchored folder, its ledger table changed through dynalite alone. */
async function tampered(name: string, change: (ledger: DynamoDBDocumentClient) => Promise<unknown>) {
  const dir = join(scratch, name);
  cpSync(anchored, dir, { recursive: true });
  const server = dynalite({ path: join(dir, 'dynamodb') });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const client = new DynamoDBClient(
    clientConfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`),
  );
  try {
    await change(DynamoDBDocumentClient.from(client));
  } finally {
    client.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
  return dir;
}

function startCli(dataDir: string) {
  return spawnSync(
    process.execPath,
    [CLI, 'local', 'start', '--data', dataDir, '--catalog', SCENARIOS, '--port', '1', '--api-port', '2'],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

function expectRefused(run: ReturnType<typeof startCli>, words: string[]): void {
  expect(run.error).toBeUndefined(); // ended by itself, not by the timeout
  expect(run.status).toBe(2);
  for (const word of [`service "${service}"`, 'seq 2', head.hash, 'Restore', 'move it away', ...words])
    expect(run.stderr).toContain(word);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('a resumed ledger, against its newest anchor', () => {
  it('that reaches it, starts', async () => {
    const handle = await startCloud({ port, dataDir: await tampered('intact', () => Promise.resolve()) });
    try {
      expect(await handle.clients.ledger.list(service)).toHaveLength(2);
    } finally {
      await handle.stop();
    }
  });

  it('whose newest record was removed, is refused with the anchor and the chain’s length', async () => {
    const dir = await tampered('removed', (ledger) =>
      ledger.send(new DeleteCommand({ TableName: LEDGER_TABLE, Key: { service, seq: 2 } })),
    );
    expectRefused(startCli(dir), ['holds 1 record(s)', 'the chain ends at seq 1']);
  });

  it('whose anchored record was replaced and re-hashed, is refused', async () => {
    const { hash: _hash, signature: _signature, ...unhashed } = head;
    const replaced = { ...unhashed, actor: 'someone-else' };
    const dir = await tampered('replaced', (ledger) =>
      ledger.send(
        new PutCommand({ TableName: LEDGER_TABLE, Item: { ...replaced, hash: hashRecord(replaced) } }),
      ),
    );
    expectRefused(startCli(dir), ['holds 2 record(s)', 'hash differs from the S3 anchor']);
  });
});
