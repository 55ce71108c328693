// Contract tests of DynamoReleaseLedger against real DynamoDB emulators: dynalite (the local cloud's
// DynamoDB) and moto_server (skipped, and reported as skipped, where it is not installed). Every
// case runs against both; where an emulator departs from DynamoDB's documented behaviour the case
// is marked with the gap, and the adapter still follows AWS.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DynamoReleaseLedger } from '../../shared/aws/dynamodb-release-ledger.js';
import { LedgerCorrupt } from '../../shared/aws/errors.js';
import { TransientError } from '../../shared/aws/errors.js';
import {
  chainNext,
  verify,
  type ChainHead,
  type LedgerRecord,
  type LedgerRecordDraft,
} from '../../shared/domain/ledger.js';
import {
  DYNAMODB_EMULATORS,
  emulatorClientConfig,
  freePort,
  type Emulator,
} from '../../harness/emulators.js';
import { createLedgerTable, ledgerTableDefinition } from '../../local/aws/dynamodb-tables.js';
import { recordedDocuments, type Sent } from '../support/dynamo-requests.js';
import * as z from '../../shared/domain/zod.js';

const EMULATORS = DYNAMODB_EMULATORS;

const TABLE = 'cutover-test-ledger';
const IMAGE = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${'4f'.repeat(32)}`;

interface Fixture {
  service: string;
  head: ChainHead;
  records: LedgerRecord[];
}
const fixture = JSON.parse(
  readFileSync(new URL('../fixtures/ledger/chain-v1.json', import.meta.url), 'utf8'),
) as Fixture;

/** A fresh service name per case, so cases share a table without sharing state. */
const newService = () => `svc-${randomUUID()}`;

function started(service: string, release: number, actor = 'ecr-push'): LedgerRecordDraft {
  return {
    service,
    deploymentId: `${service}-dep-${release}`,
    release,
    at: '2025-03-14T09:00:00.000Z',
    actor,
    type: 'ReleaseStarted',
    detail: { image: IMAGE, strategy: 'canary', trigger: 'push' },
  };
}

/** A chain of `length` records for one service, as chainNext builds them. */
function chainOf(service: string, length: number): LedgerRecord[] {
  const records: LedgerRecord[] = [];
  for (let release = 1; release <= length; release++) {
    const previous = records.at(-1);
    records.push(
      chainNext(previous ? { seq: previous.seq, hash: previous.hash } : null, started(service, release)),
    );
  }
  return records;
}

/** The DynamoDB operation and table of every request sent, as sent. */
const operationsIn = (sent: readonly Sent[]) =>
  sent.map(({ operation, input }) => ({ operation, table: input.TableName }));

for (const emulator of EMULATORS) {
  describe.skipIf(!emulator.available)(`DynamoReleaseLedger on ${emulator.name}`, () => {
    let server: Emulator;
    let base: DynamoDBClient;
    let documents: DynamoDBDocumentClient;
    let ledger: DynamoReleaseLedger;

    beforeAll(async () => {
      server = await emulator.start();
      base = new DynamoDBClient(emulatorClientConfig(server.endpoint));
      // Default marshalling on purpose: the adapter must not need removeUndefinedValues.
      documents = DynamoDBDocumentClient.from(base);
      await createLedgerTable(base, TABLE);
      ledger = new DynamoReleaseLedger(documents, TABLE);
    });

    afterAll(async () => {
      base?.destroy();
      await server?.stop();
    });

    it('has no head and an empty list for a service with no releases', async () => {
      const service = newService();
      expect(await ledger.head(service)).toBeNull();
      expect(await ledger.list(service)).toEqual([]);
    });

    it('stores the fixture chain as given and lists it back oldest first, still valid', async () => {
      // The fixture's hashes cover its service name ("web"); no other case uses that service.
      for (const record of fixture.records) expect(await ledger.put(record)).toBe(true);
      const stored = await ledger.list(fixture.service);
      expect(stored).toEqual(fixture.records);
      expect(verify(stored, { head: fixture.head })).toEqual({ ok: true, count: 5, head: fixture.head });
      expect(await ledger.head(fixture.service)).toEqual(fixture.records[4]);
    });

    it('lists in numeric seq order whatever the order of the puts (seq 10 after 9, not after 1)', async () => {
      const service = newService();
      const chain = chainOf(service, 12);
      for (const record of [...chain].reverse()) expect(await ledger.put(record)).toBe(true);
      const stored = await ledger.list(service);
      expect(stored.map((record) => (record as LedgerRecord).seq)).toEqual(chain.map((record) => record.seq));
      expect(verify(stored).ok).toBe(true);
      expect((await ledger.head(service))?.seq).toBe(12);
    });

    it('lists back newest first, stopping at the first record `until` accepts, across pages', async () => {
      const service = newService();
      const chain = chainOf(service, 120);
      for (const record of chain) expect(await ledger.put(record)).toBe(true);
      const seqOf = (stored: unknown) => (stored as LedgerRecord).seq;
      const back = await ledger.listBack(service, (stored) => seqOf(stored) === 7);
      expect(back.map(seqOf)).toEqual(
        chain
          .map((r) => r.seq)
          .reverse()
          .slice(0, 114),
      );
      expect((await ledger.listBack(service, () => true)).map(seqOf)).toEqual([120]);
      expect(await ledger.listBack(service, () => false)).toEqual([...chain].reverse());
      expect(await ledger.listBack(newService(), () => false)).toEqual([]);
    });

    it('lets exactly one of two appends of the same seq win, and the chain stays valid', async () => {
      const service = newService();
      const first = chainNext(null, started(service, 1, 'operator:alice'));
      const rival = chainNext(null, started(service, 1, 'operator:bob'));
      expect(first.seq).toBe(rival.seq);
      expect(first.hash).not.toBe(rival.hash);

      const results = await Promise.all([ledger.put(first), ledger.put(rival)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results[0] ? first : rival;
      expect(await ledger.list(service)).toEqual([winner]);

      // The loser re-reads the head and appends after the winner.
      const head = await ledger.head(service);
      expect(head).toEqual(winner);
      const next = chainNext(head && { seq: head.seq, hash: head.hash }, started(service, 2));
      expect(await ledger.put(next)).toBe(true);
      const stored = await ledger.list(service);
      expect(verify(stored, { head: { seq: 2, hash: next.hash } })).toEqual({
        ok: true,
        count: 2,
        head: { seq: 2, hash: next.hash },
      });
    });

    it('never overwrites a stored record: a second put of that seq returns false and changes nothing', async () => {
      const service = newService();
      const original = chainNext(null, started(service, 1));
      expect(await ledger.put(original)).toBe(true);
      expect(await ledger.put(original)).toBe(false);
      expect(await ledger.put(chainNext(null, started(service, 1, 'intruder')))).toBe(false);
      expect(await ledger.list(service)).toEqual([original]);
    });

    it('stores a record with an undefined optional field without it, and the hash still verifies', async () => {
      const service = newService();
      const record = chainNext(null, {
        service,
        deploymentId: `${service}-dep-1`,
        release: 1,
        at: '2025-03-14T09:02:00.000Z',
        actor: 'state-machine',
        type: 'Aborted',
        detail: { reason: { kind: 'operator', message: 'aborted by alice', alarmName: undefined } },
      });
      expect(await ledger.put(record)).toBe(true);
      const stored = await ledger.list(service);
      expect(stored).toEqual([record]);
      expect(Object.keys((stored[0] as { detail: { reason: object } }).detail.reason).sort()).toEqual([
        'kind',
        'message',
      ]);
      expect(verify(stored).ok).toBe(true);
    });

    it('throws LedgerCorrupt, with the parse error as cause, when the stored head is not a record', async () => {
      const service = newService();
      const first = chainNext(null, started(service, 1));
      expect(await ledger.put(first)).toBe(true);
      // Written around the adapter, as a hand edit in the console would be.
      await documents.send(
        new PutCommand({ TableName: TABLE, Item: { ...first, seq: 2, type: 'Deleted', detail: {} } }),
      );
      const error = await ledger.head(service).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(LedgerCorrupt);
      expect((error as LedgerCorrupt).name).toBe('LedgerCorrupt');
      expect((error as LedgerCorrupt).message).toContain(service);
      expect((error as LedgerCorrupt).cause).toBeInstanceOf(z.core.$ZodError);
      // list returns items as stored, so verify can name the broken record.
      expect(verify(await ledger.list(service))).toMatchObject({ ok: false, index: 1, problem: 'malformed' });
    });

    it('lists every record of a chain longer than one 1 MB page', async () => {
      const { documents: recorded, sent } = recordedDocuments(server.endpoint);
      const service = newService();
      const records: LedgerRecord[] = [];
      // Five records of ~300 KB each: more than 1 MB, so at least two pages.
      for (let release = 1; release <= 5; release++) {
        const previous = records.at(-1);
        const record = chainNext(previous ? { seq: previous.seq, hash: previous.hash } : null, {
          ...started(service, release),
          type: 'Promoted',
          detail: { image: IMAGE, taskDefinitionArn: `arn:${'x'.repeat(300_000)}:${release}` },
        });
        records.push(record);
        expect(await ledger.put(record)).toBe(true);
      }
      const stored = await new DynamoReleaseLedger(recorded, TABLE).list(service);
      expect(stored).toEqual(records);
      const queries = operationsIn(sent).filter((request) => request.operation === 'Query');
      expect(queries.length).toBeGreaterThan(1);
    });

    it('sends only PutItem, GetItem and Query, and only to the ledger table (its IAM grant)', async () => {
      const { documents: recorded, sent } = recordedDocuments(server.endpoint);
      const observed = new DynamoReleaseLedger(recorded, TABLE);
      const service = newService();
      await observed.head(service);
      const first = chainNext(null, started(service, 1));
      await observed.put(first);
      await observed.put(first); // the conditional failure path
      await observed.head(service);
      await observed.list(service);
      const requests = operationsIn(sent);
      expect(requests.length).toBeGreaterThanOrEqual(5);
      // The recorder saw the calls made (so the loop below checks something) ...
      expect(requests.map((request) => request.operation)).toEqual(
        expect.arrayContaining(['PutItem', 'Query']),
      );
      // ... and each was one the ledger writers' IAM policy allows, on the ledger table.
      for (const request of requests) {
        expect(['PutItem', 'GetItem', 'Query']).toContain(request.operation);
        expect(request.table).toBe(TABLE);
      }
    });
  });
}

describe('DynamoReleaseLedger at the edge', () => {
  it('turns an unreachable endpoint into TransientError, so the step retries', async () => {
    // A port nobody listens on: a real connection refusal, not a mocked one.
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...emulatorClientConfig(endpoint), maxAttempts: 1 }),
    );
    try {
      const ledger = new DynamoReleaseLedger(client, TABLE);
      await expect(ledger.head('edge')).rejects.toBeInstanceOf(TransientError);
      await expect(ledger.put(chainNext(null, started('edge', 1)))).rejects.toMatchObject({
        name: 'TransientError',
        message: expect.stringContaining(`PutItem on ledger table ${TABLE}`),
      });
    } finally {
      client.destroy();
    }
  });

  it('creates the ledger table exactly as serverless.yml declares it', () => {
    const template = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'), {
      logLevel: 'error',
    }) as { resources: { Resources: { LedgerTable: { Properties: Record<string, unknown> } } } };
    const declared = template.resources.Resources.LedgerTable.Properties;
    const definition = ledgerTableDefinition(TABLE);
    expect(definition.AttributeDefinitions).toEqual(declared.AttributeDefinitions);
    expect(definition.KeySchema).toEqual(declared.KeySchema);
    expect(definition.BillingMode).toBe(declared.BillingMode);
    expect(declared.GlobalSecondaryIndexes).toBeUndefined();
  });
});
