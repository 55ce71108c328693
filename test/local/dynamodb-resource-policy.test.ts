// The ledger table's resource policy (serverless.yml, LedgerTable.ResourcePolicy), enforced by
// the local cloud as AWS enforces it: its explicit Deny refuses every change and removal of a
// record, to every principal, the administrator the AWS CLI signs as included. Creating a
// record is not denied (a forged PutItem is what the ledger's signatures catch), and the
// deployments table, which has no resource policy, is left to the identity policies.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENTS_TABLE, LEDGER_TABLE } from '../../local/cloud.js';
import { awsCli, hasAwsCli } from '../support/aws-cli.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, stopCleanly, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle | undefined;
let endpoint = '';
let service = '';

beforeAll(async () => {
  if (!hasAwsCli) return;
  handle = await startCloud({ port: await freePort() });
  endpoint = handle.cloud.endpoint;
  service = Object.keys(handle.catalog.services)[0]!;
}, 120_000);

afterAll(() => stopCleanly(handle));

/** The key of a service's first record, as the CLI's --key takes it. */
const firstRecord = () => JSON.stringify({ service: { S: service }, seq: { N: '1' } });

/** The message AWS gives when a table's resource policy denies the administrator. */
function deniedByResourcePolicy(stderr: string, action: string): void {
  expect(stderr).toContain('AccessDeniedException');
  expect(stderr).toContain(`is not authorized to perform: dynamodb:${action}`);
  expect(stderr).toContain(`table/${LEDGER_TABLE}`);
  expect(stderr).toContain('with an explicit deny in a resource-based policy');
}

async function firstRecordItem(): Promise<Record<string, unknown>> {
  const got = await awsCli(endpoint, 'dynamodb', 'get-item', '--table-name', LEDGER_TABLE, '--key', firstRecord(), '--consistent-read'); // prettier-ignore
  expect(got.status).toBe(0);
  return got.json.Item as Record<string, unknown>;
}

describe.skipIf(!hasAwsCli)('the ledger table’s resource policy, through the AWS CLI', () => {
  it('refuses update-item to the administrator, and the record is unchanged', async () => {
    const before = await firstRecordItem();
    const update = await awsCli(
      endpoint,
      'dynamodb', 'update-item', '--table-name', LEDGER_TABLE, '--key', firstRecord(),
      '--update-expression', 'SET #t = :t',
      '--expression-attribute-names', '{"#t":"type"}',
      '--expression-attribute-values', '{":t":{"S":"Promoted"}}',
    ); // prettier-ignore
    expect(update.status).not.toBe(0);
    deniedByResourcePolicy(update.stderr, 'UpdateItem');
    expect(await firstRecordItem()).toEqual(before);
  });

  it('refuses delete-item to the administrator, and the record is still there', async () => {
    const removal = await awsCli(endpoint, 'dynamodb', 'delete-item', '--table-name', LEDGER_TABLE, '--key', firstRecord()); // prettier-ignore
    expect(removal.status).not.toBe(0);
    deniedByResourcePolicy(removal.stderr, 'DeleteItem');
    expect((await firstRecordItem()).seq).toEqual({ N: '1' });
  });

  it('refuses batch-write-item, whether it deletes or puts', async () => {
    for (const request of [
      { DeleteRequest: { Key: JSON.parse(firstRecord()) as unknown } },
      { PutRequest: { Item: { service: { S: 'batch' }, seq: { N: '1' } } } },
    ]) {
      const batch = await awsCli(endpoint, 'dynamodb', 'batch-write-item', '--request-items', JSON.stringify({ [LEDGER_TABLE]: [request] })); // prettier-ignore
      expect(batch.status).not.toBe(0);
      deniedByResourcePolicy(batch.stderr, 'BatchWriteItem');
    }
    const batchItem = JSON.stringify({ service: { S: 'batch' }, seq: { N: '1' } });
    const got = await awsCli(endpoint, 'dynamodb', 'get-item', '--table-name', LEDGER_TABLE, '--key', batchItem); // prettier-ignore
    expect(got.json.Item).toBeUndefined();
  });

  it('still lets the administrator put-item: the forgery the records’ signatures must catch', async () => {
    const forged = { service: { S: 'forged-by-hand' }, seq: { N: '1' }, type: { S: 'ReleaseStarted' } };
    const put = await awsCli(endpoint, 'dynamodb', 'put-item', '--table-name', LEDGER_TABLE, '--item', JSON.stringify(forged)); // prettier-ignore
    expect(put.stderr).toBe('');
    expect(put.status).toBe(0);
    const key = JSON.stringify({ service: forged.service, seq: forged.seq });
    const got = await awsCli(endpoint, 'dynamodb', 'get-item', '--table-name', LEDGER_TABLE, '--key', key); // prettier-ignore
    expect(got.json.Item).toEqual(forged);
  });

  it('leaves the deployments table to the identity policies: the administrator may update and delete', async () => {
    const key = JSON.stringify({ pk: { S: 'resource-policy-test' }, sk: { S: 'item' } });
    const file = join(mkdtempSync(join(tmpdir(), 'cutover-rbp-')), 'item.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(key), note: { S: 'put' } }));
    const put = await awsCli(endpoint, 'dynamodb', 'put-item', '--table-name', DEPLOYMENTS_TABLE, '--item', `file://${file}`); // prettier-ignore
    expect(put.status).toBe(0);
    const update = await awsCli(
      endpoint,
      'dynamodb', 'update-item', '--table-name', DEPLOYMENTS_TABLE, '--key', key,
      '--update-expression', 'SET note = :n', '--expression-attribute-values', '{":n":{"S":"updated"}}',
      '--return-values', 'ALL_NEW',
    ); // prettier-ignore
    expect(update.stderr).toBe('');
    expect((update.json.Attributes as Record<string, unknown>).note).toEqual({ S: 'updated' });
    const removal = await awsCli(endpoint, 'dynamodb', 'delete-item', '--table-name', DEPLOYMENTS_TABLE, '--key', key); // prettier-ignore
    expect(removal.status).toBe(0);
    const got = await awsCli(endpoint, 'dynamodb', 'get-item', '--table-name', DEPLOYMENTS_TABLE, '--key', key); // prettier-ignore
    expect(got.json.Item).toBeUndefined();
  });
});
