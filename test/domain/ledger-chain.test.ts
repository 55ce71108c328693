// The ledger's chain: chainNext links and hashes each record and refuses a bad draft,
// ledgerRecordSchema reads a record back, and the test vector test/fixtures/ledger/chain-v1.json
// (the worked example in docs/ledger.md) is what this code writes.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../shared/domain/canonical-json.js';
import { CanonicalEncodingError } from '../../shared/domain/errors.js';
import * as z from '../../shared/domain/zod.js';
import {
  GENESIS_HASH,
  chainNext,
  hashRecord,
  ledgerRecordSchema,
  verify,
  type ChainHead,
  type LedgerRecord,
  type LedgerRecordDraft,
} from '../../shared/domain/ledger.js';
import { REPO, buildChain, chain, draftsFor } from '../support/ledger-chain.js';

describe('chainNext', () => {
  it('starts a chain at seq 1 with the genesis prevHash', () => {
    const first = chain[0]!;
    expect(first.seq).toBe(1);
    expect(first.prevHash).toBe(GENESIS_HASH);
    expect(GENESIS_HASH).toBe('0'.repeat(64));
  });

  it('links each record to the one before it', () => {
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i]!.seq).toBe(chain[i - 1]!.seq + 1);
      expect(chain[i]!.prevHash).toBe(chain[i - 1]!.hash);
    }
  });

  it('hashes the canonical JSON of every field but the hash', () => {
    const { hash, ...covered } = chain[3]!;
    expect(hash).toBe(sha256Hex(canonicalJson(covered)));
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashRecord(chain[3]!)).toBe(hash);
  });

  it('covers seq and prevHash: the same draft at another position hashes differently', () => {
    const draft = draftsFor('web')[1]!;
    const a = chainNext({ seq: 4, hash: 'a'.repeat(64) }, draft);
    const b = chainNext({ seq: 5, hash: 'a'.repeat(64) }, draft);
    const c = chainNext({ seq: 4, hash: 'b'.repeat(64) }, draft);
    expect(new Set([a.hash, b.hash, c.hash]).size).toBe(3);
  });

  it.each<[string, Record<string, unknown>]>([
    [
      'weights not summing to 100',
      { type: 'TrafficShifted', detail: { weights: { stable: 60, candidate: 50 } } },
    ],
    [
      'a fractional weight',
      { type: 'TrafficShifted', detail: { weights: { stable: 89.5, candidate: 10.5 } } },
    ],
    [
      'an image tag instead of a digest',
      { type: 'Promoted', detail: { image: `${REPO}:latest`, taskDefinitionArn: 'arn:x' } },
    ],
    ['a timestamp that is not UTC', { at: '2025-03-14T10:00:00+01:00' }],
    ['a release of 0', { release: 0 }],
    ['a field the schema does not know', { ticket: 'CHG-1' }],
    ['an unknown type', { type: 'Paused' }],
    [
      'a reason without a message',
      { type: 'Aborted', detail: { reason: { kind: 'operator', message: '' } } },
    ],
  ])('refuses a draft with %s', (_name, change) => {
    const draft = Object.assign(draftsFor('web')[1]!, change);
    expect(() => chainNext(null, draft)).toThrow(z.core.$ZodError);
  });

  it('refuses a draft whose text cannot be encoded, naming the path', () => {
    const draft: LedgerRecordDraft = {
      ...draftsFor('web')[6]!,
      type: 'Aborted',
      detail: { reason: { kind: 'error', message: 'bad \ud800 text' } },
    };
    expect(() => chainNext(null, draft)).toThrow(CanonicalEncodingError);
    expect(() => chainNext(null, draft)).toThrow('detail.reason.message');
  });
});

describe('ledgerRecordSchema', () => {
  it('parses a record read back as plain JSON into an equal record', () => {
    for (const record of chain) {
      expect(ledgerRecordSchema.parse(JSON.parse(JSON.stringify(record)))).toEqual(record);
    }
  });

  it('rejects a hash that is not 64 lowercase hex digits', () => {
    expect(ledgerRecordSchema.safeParse({ ...chain[0]!, hash: 'ABC' }).success).toBe(false);
    expect(ledgerRecordSchema.safeParse({ ...chain[0]!, prevHash: 'F'.repeat(64) }).success).toBe(false);
  });
});

describe('test vector test/fixtures/ledger/chain-v1.json', () => {
  const fixture = JSON.parse(
    readFileSync(new URL('../fixtures/ledger/chain-v1.json', import.meta.url), 'utf8'),
  ) as { service: string; head: ChainHead; records: LedgerRecord[]; canonical: string[] };

  it('verifies against its own head and service', () => {
    expect(verify(fixture.records, { service: fixture.service, head: fixture.head })).toEqual({
      ok: true,
      count: fixture.records.length,
      head: fixture.head,
    });
    expect(fixture.records.length).toBeGreaterThanOrEqual(3);
  });

  it('lists for each record the canonical text this code writes, whose SHA-256 is the hash', () => {
    expect(fixture.canonical).toHaveLength(fixture.records.length);
    fixture.records.forEach((record, i) => {
      const { hash, ...covered } = record;
      expect(canonicalJson(covered)).toBe(fixture.canonical[i]);
      expect(sha256Hex(fixture.canonical[i]!)).toBe(hash);
      expect(hashRecord(record)).toBe(hash);
    });
  });

  it('round-trips: re-chaining its drafts rebuilds the same records', () => {
    const drafts = fixture.records.map(({ seq: _seq, prevHash: _prevHash, hash: _hash, ...draft }) => draft);
    expect(buildChain(drafts as LedgerRecordDraft[])).toEqual(fixture.records);
    for (const record of fixture.records) expect(ledgerRecordSchema.parse(record)).toEqual(record);
  });

  it('is the worked example in docs/ledger.md', () => {
    const docs = readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');
    expect(docs).toContain(fixture.canonical[0]);
    expect(docs).toContain(fixture.records[0]!.hash);
  });
});
