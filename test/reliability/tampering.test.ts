// Tampering: a ledger item edited, deleted, reordered or cut off the end directly in DynamoDB,
// behind Cutover's back. `cutover verify` exits 1 and names the first bad record every time;
// once the item is put back as it was, it exits 0 again. The ledger table's resource policy
// refuses DeleteItem to everyone, so deletions go to dynalite directly, as someone with the
// machine's disk could make them.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LEDGER_TABLE } from '../../local/cloud.js';
import type { LedgerRecord } from '../../shared/domain/ledger.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';
import { until, documentsAt } from '../../harness/local-cloud.js';

let cloud: CliCloud;
let table: DynamoDBDocumentClient;
/** dynalite itself, past the endpoint's IAM. */
let raw: DynamoDBDocumentClient;
let records: LedgerRecord[];
const SERVICE = 'allatonce';

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  cloud = await startCliCloud();
  table = documentsAt(cloud.handle.cloud.endpoint);
  raw = documentsAt(cloud.handle.cloud.dynaliteEndpoint);
  // Two releases on top of the seeded one: a chain with something in the middle to break.
  for (const tag of ['v2', 'v3']) {
    const id = await cloud.deploy(SERVICE, cloud.pushed(SERVICE, tag));
    await cloud.untilExecutionEnded(id);
  }
  records = (await cloud.handle.clients.ledger.list(SERVICE)) as LedgerRecord[];
  await until(async () => (await cloud.cutover(['verify', SERVICE])).code === 0, 'a chain that verifies');
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  table?.destroy();
  raw?.destroy();
  await cloud?.stop();
});

const put = (item: LedgerRecord) => table.send(new PutCommand({ TableName: LEDGER_TABLE, Item: item }));
const remove = (seq: number) =>
  raw.send(new DeleteCommand({ TableName: LEDGER_TABLE, Key: { service: SERVICE, seq } }));

async function expectBrokenAt(seq: number, problem: string) {
  const run = await cloud.cutover(['verify', SERVICE]);
  expect(run.code, run.stdout + run.stderr).toBe(1);
  expect(run.stdout).toMatch(new RegExp(`^✗ the ledger of ${SERVICE} is broken at seq ${seq}, ${problem}: `));
}

async function expectWhole() {
  const run = await cloud.cutover(['verify', SERVICE]);
  expect(run.code, run.stdout).toBe(0);
}

describe('a ledger changed directly in DynamoDB', () => {
  it('has a chain long enough to tamper with in the middle', () => {
    expect(records.length).toBeGreaterThanOrEqual(6);
  });

  it('an edited record: verify names it', async () => {
    const victim = records[2]!;
    await put({ ...victim, actor: 'operator:mallory' });
    await expectBrokenAt(victim.seq, 'hash-mismatch');
    await put(victim);
    await expectWhole();
  });

  it('a back-dated record: verify names it', async () => {
    const victim = records[3]!;
    await put({ ...victim, at: '2020-01-01T00:00:00.000Z' });
    await expectBrokenAt(victim.seq, 'hash-mismatch');
    await put(victim);
    await expectWhole();
  });

  it('a deleted record: verify names the gap', async () => {
    const victim = records[2]!;
    await remove(victim.seq);
    await expectBrokenAt(victim.seq + 1, 'sequence-gap');
    await put(victim);
    await expectWhole();
  });

  it('two records swapped: verify names the first of them', async () => {
    const [a, b] = [records[2]!, records[3]!];
    await put({ ...b, seq: a.seq });
    await put({ ...a, seq: b.seq });
    await expectBrokenAt(a.seq, 'hash-mismatch');
    await put(a);
    await put(b);
    await expectWhole();
  });

  it('the newest record cut off: the anchor in the deployments table shows it', async () => {
    const head = records.at(-1)!;
    await remove(head.seq);
    const run = await cloud.cutover(['verify', SERVICE]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/head-mismatch/);
    await put(head);
    await expectWhole();
  });
});
