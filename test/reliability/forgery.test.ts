// Forgeries as an attacker with write access to DynamoDB would make them, with the project's own
// hash function (the algorithm docs/ledger.md documents): a record edited and re-hashed with the
// anchor moved, and records appended for an image nobody built. Before signing, verify answered
// ✓ to both and rollback deployed the forged image. Now verify names the record (exit 1), and
// rollback, releases and drift refuse to act (409 LedgerBroken), while a break-glass rollback
// still redeploys the image the operator names, and says so in the ledger.

import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEPLOYMENTS_TABLE, LEDGER_TABLE } from '../../local/cloud.js';
import { chainNext, type LedgerRecord } from '../../shared/domain/ledger.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';
import { callApi, until, documentsAt } from '../../harness/local-cloud.js';

let cloud: CliCloud;
let table: DynamoDBDocumentClient;
let records: LedgerRecord[];
const SERVICE = 'allatonce';

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  cloud = await startCliCloud();
  table = documentsAt(cloud.handle.cloud.endpoint);
  const id = await cloud.deploy(SERVICE, cloud.pushed(SERVICE, 'v2'));
  await cloud.untilExecutionEnded(id);
  records = (await cloud.handle.clients.ledger.list(SERVICE)) as LedgerRecord[];
  await until(async () => (await cloud.cutover(['verify', SERVICE])).code === 0, 'a chain that verifies');
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  table?.destroy();
  await cloud?.stop();
});

const put = (item: LedgerRecord) => table.send(new PutCommand({ TableName: LEDGER_TABLE, Item: item }));
/** Moves the head anchor in the deployments table, as the forger of the issue did. */
const moveAnchor = (head: LedgerRecord) =>
  table.send(
    new UpdateCommand({
      TableName: DEPLOYMENTS_TABLE,
      Key: { pk: `SERVICE#${SERVICE}`, sk: 'STATE' },
      UpdateExpression: 'SET ledgerHead = :head',
      ExpressionAttributeValues: { ':head': { seq: head.seq, hash: head.hash } },
    }),
  );
const api = (method: string, path: string, body?: unknown) =>
  callApi(cloud.handle, method, path, body, 'operator:ana');

async function expectRefusals(seq: number, problem: RegExp) {
  const verify = await cloud.cutover(['verify', SERVICE]);
  expect(verify.code, verify.stdout + verify.stderr).toBe(1);
  expect(verify.stdout).toMatch(new RegExp(`broken at seq ${seq}, ${problem.source}`));
  const rollback = await api('POST', `/services/${SERVICE}/rollback`, { reason: 'forged?' });
  expect(rollback.status).toBe(409);
  expect(rollback.body).toMatchObject({ error: { code: 'LedgerBroken' } });
  expect(JSON.stringify(rollback.body)).toContain(`seq ${seq}`);
  for (const view of ['releases', 'drift'])
    expect((await api('GET', `/services/${SERVICE}/${view}`)).status, view).toBe(409);
}

describe('forgeries replayed against the local cloud', () => {
  it('the newest record edited, re-hashed and the anchor moved: verify names it, nothing acts on it', async () => {
    const head = records.at(-1)!;
    const forged = chainNext(records.at(-2)!, { ...head, actor: 'operator:mallory' });
    await put({ ...forged, signature: head.signature! });
    await moveAnchor(forged);
    try {
      // Its signature is of the old hash, and the anchor bucket keeps the old hash: either names it.
      await expectRefusals(head.seq, /(signature-invalid|head-mismatch)/);
    } finally {
      await put(head);
      await moveAnchor(head);
    }
    expect((await cloud.cutover(['verify', SERVICE])).code).toBe(0);
  });

  it('three records appended for an image nobody built: verify names the first, rollback refuses', async () => {
    const started = records.find((r) => r.type === 'ReleaseStarted')!;
    const image = `${String(started.detail.image).split('@')[0]}@sha256:${'e'.repeat(64)}`;
    let head = records.at(-1)!;
    const forged: LedgerRecord[] = [];
    for (const draft of [
      { type: 'OperatorAction', detail: { action: 'rollback' } },
      { type: 'ReleaseStarted', detail: { image, strategy: 'all-at-once', trigger: 'api' } },
      {
        type: 'Promoted',
        detail: { image, taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/x:1' },
      },
    ] as const) {
      head = chainNext(head, {
        service: SERVICE,
        at: head.at,
        deploymentId: 'forged-1',
        release: 99,
        actor: 'operator:mallory',
        ...draft,
      });
      forged.push(head);
      await put(head);
    }
    await expectRefusals(forged[0]!.seq, /signature-missing/);
  });

  it('the newest records cut off and the head anchor moved back: the anchor bucket shows it', async () => {
    const raw = documentsAt(cloud.handle.cloud.dynaliteEndpoint);
    // Past the endpoint (the table's resource policy refuses DeleteItem to everyone there).
    const kept = (await cloud.handle.clients.ledger.list(SERVICE)) as LedgerRecord[];
    const cut = kept.filter((r) => r.seq >= records.at(-1)!.seq);
    try {
      for (const r of cut)
        await raw.send(new DeleteCommand({ TableName: LEDGER_TABLE, Key: { service: SERVICE, seq: r.seq } }));
      await moveAnchor(records.at(-2)!);
      const verify = await cloud.cutover(['verify', SERVICE]);
      expect(verify.code).toBe(1);
      expect(verify.stdout).toMatch(/head-mismatch: .*the anchor in the anchor bucket/);
    } finally {
      for (const r of cut) await put(r);
      await moveAnchor(kept.at(-1)!);
      raw.destroy();
    }
  });

  it('break glass: a rollback to a named image runs although the ledger does not verify, and is recorded', async () => {
    const image = String(records.find((r) => r.type === 'Promoted')!.detail.image);
    const answer = await api('POST', `/services/${SERVICE}/rollback`, {
      breakGlass: { image, reason: 'ledger forged; restoring release 1' },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(202);
    const id = (answer.body as { deploymentId: string }).deploymentId;
    await cloud.untilExecutionEnded(id);
    const all = (await cloud.handle.clients.ledger.list(SERVICE)) as LedgerRecord[];
    expect(all.filter((r) => r.deploymentId === id).map((r) => r.type)).toEqual(
      expect.arrayContaining(['OperatorAction', 'ReleaseStarted', 'Promoted']),
    );
    expect(all.find((r) => r.deploymentId === id && r.type === 'OperatorAction')).toMatchObject({
      actor: 'operator:ana',
      detail: { action: 'rollback', breakGlass: true, reason: 'ledger forged; restoring release 1' },
    });
  });
});
