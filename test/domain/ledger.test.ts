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

const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web';
const IMAGE_1 = `${REPO}@sha256:${'1a'.repeat(32)}`;
const IMAGE_2 = `${REPO}@sha256:${'2b'.repeat(32)}`;
const IMAGE_3 = `${REPO}@sha256:${'3c'.repeat(32)}`;

function draftsFor(service: string): LedgerRecordDraft[] {
  const base = { service, deploymentId: `${service}-dep-1`, release: 1 };
  const second = { service, deploymentId: `${service}-dep-2`, release: 2 };
  const third = { service, deploymentId: `${service}-dep-3`, release: 3 };
  return [
    {
      ...base,
      at: '2025-03-14T09:00:00.000Z',
      type: 'ReleaseStarted',
      actor: 'ecr-push',
      detail: { image: IMAGE_1, strategy: 'canary', trigger: 'push' },
    },
    {
      ...base,
      at: '2025-03-14T09:01:00.000Z',
      type: 'TrafficShifted',
      actor: 'state-machine',
      detail: { weights: { stable: 90, candidate: 10 } },
    },
    {
      ...base,
      at: '2025-03-14T09:02:00.000Z',
      type: 'RolledBack',
      actor: 'alarm:web-5xx-rate',
      detail: {
        reason: {
          kind: 'alarm',
          message: 'web-5xx-rate went to ALARM',
          alarmName: 'web-5xx-rate',
          score: 0.25,
          failedMetrics: ['http-5xx-rate', 'p99-latency'],
        },
      },
    },
    {
      ...second,
      at: '2025-03-14T09:10:00.000Z',
      type: 'ReleaseStarted',
      actor: 'operator:alice',
      detail: {
        image: IMAGE_2,
        strategy: 'blue-green',
        trigger: 'api',
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      },
    },
    {
      ...second,
      at: '2025-03-14T09:12:00.000Z',
      type: 'Promoted',
      actor: 'state-machine',
      detail: {
        image: IMAGE_2,
        taskDefinitionArn: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/web:2',
      },
    },
    {
      ...third,
      at: '2025-03-14T10:00:00.000Z',
      type: 'ReleaseStarted',
      actor: 'operator:bob',
      detail: { image: IMAGE_3, strategy: 'rolling', trigger: 'rollback', rollbackOf: 1 },
    },
    {
      ...third,
      at: '2025-03-14T10:00:05.000Z',
      type: 'Aborted',
      actor: 'state-machine',
      detail: { reason: { kind: 'health', message: 'new task set never became healthy' } },
    },
  ];
}

function buildChain(drafts: readonly LedgerRecordDraft[]): LedgerRecord[] {
  const chain: LedgerRecord[] = [];
  for (const draft of drafts) chain.push(chainNext(chain.at(-1) ?? null, draft));
  return chain;
}

const chain = buildChain(draftsFor('web'));
const head = headOf(chain);

function headOf(records: readonly LedgerRecord[]): ChainHead {
  const last = records.at(-1);
  if (!last) throw new Error('empty chain has no head');
  return { seq: last.seq, hash: last.hash };
}

/** Sets (or, for undefined, deletes) the value at a dotted path such as `detail.reason.failedMetrics.1`. */
function setPath(target: unknown, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target as Record<string, unknown>;
  for (const key of keys) node = node[key] as Record<string, unknown>;
  if (value === undefined) delete node[last];
  else node[last] = value;
}

/** A deep copy of the chain, as a store would hand it back, with one field of one record changed. */
function withEdit(index: number, path: string, value: unknown): unknown[] {
  const copy = structuredClone(chain);
  setPath(copy[index], path, value);
  return copy;
}

/** Changes a field and recomputes that record's own hash, as a forger who knows the scheme would. */
function withForgery(index: number, path: string, value: unknown): unknown[] {
  const copy = structuredClone(chain);
  const record = copy[index]!;
  setPath(record, path, value);
  record.hash = hashRecord(record);
  return copy;
}

function without(index: number): LedgerRecord[] {
  return chain.filter((_, i) => i !== index);
}

function expectFailure(
  result: ReturnType<typeof verify>,
  expected: { index: number; seq: number | null; problem: string },
) {
  expect(result).toMatchObject({ ok: false, ...expected });
}

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

describe('verify: intact chains', () => {
  it('accepts the chain and returns its head', () => {
    expect(verify(chain)).toEqual({ ok: true, count: chain.length, head });
  });

  it('accepts the chain against its head anchor and service', () => {
    expect(verify(chain, { head, service: 'web' })).toEqual({ ok: true, count: 7, head });
  });

  it('accepts an empty chain without an anchor', () => {
    expect(verify([])).toEqual({ ok: true, count: 0, head: null });
  });

  it('accepts records as plain JSON, with keys in any order', () => {
    const reordered = chain.map((record) => Object.fromEntries(Object.entries(record).reverse()));
    expect(verify(JSON.parse(JSON.stringify(reordered)) as unknown[], { head })).toMatchObject({ ok: true });
  });

  it('accepts another service chain on its own', () => {
    const api = buildChain(draftsFor('api'));
    expect(verify(api, { service: 'api', head: headOf(api) })).toMatchObject({ ok: true, count: 7 });
  });
});

describe('verify: an edited field is a hash mismatch at that record', () => {
  it.each<[string, string, unknown]>([
    ['service', 'service', 'api'],
    ['seq', 'seq', 9],
    ['at', 'at', '2025-03-14T09:02:01.000Z'],
    ['type (RolledBack rewritten as Aborted)', 'type', 'Aborted'],
    ['deploymentId', 'deploymentId', 'web-dep-9'],
    ['release', 'release', 2],
    ['actor', 'actor', 'operator:mallory'],
    ['prevHash', 'prevHash', 'f'.repeat(64)],
    ['hash', 'hash', 'f'.repeat(64)],
    ['a nested string', 'detail.reason.message', 'nothing to see'],
    ['a nested number', 'detail.reason.score', 0.26],
    ['a nested enum', 'detail.reason.kind', 'operator'],
    ['an array element', 'detail.reason.failedMetrics.1', 'cpu'],
    ['an array length', 'detail.reason.failedMetrics', ['http-5xx-rate']],
    ['a removed optional field', 'detail.reason.alarmName', undefined],
    ['an added optional field', 'detail.reason.hook', 'smoke-test'],
  ])('catches an edit of %s (%s)', (_name, path, value) => {
    const result = verify(withEdit(2, path, value), { head });
    expect(result).toMatchObject({ ok: false, index: 2, problem: 'hash-mismatch' });
  });

  it('says which record and what happened', () => {
    const result = verify(withEdit(2, 'actor', 'operator:mallory'));
    expect(result).toEqual({
      ok: false,
      index: 2,
      seq: 3,
      problem: 'hash-mismatch',
      message: 'record 3 (seq 3): hash does not match its contents; the record was edited or its hash forged',
    });
  });

  it('catches an edited weight in a TrafficShifted record', () => {
    const edited = withEdit(1, 'detail.weights', { stable: 0, candidate: 100 });
    expectFailure(verify(edited), { index: 1, seq: 2, problem: 'hash-mismatch' });
  });
});

describe('verify: an edit the schema refuses is malformed', () => {
  it('reports an unknown field with its path', () => {
    const result = verify(withEdit(4, 'detail.note', 'x'));
    expectFailure(result, { index: 4, seq: 5, problem: 'malformed' });
    expect(result.ok === false && result.message).toMatch(
      /^record 5 \(seq 5\): is malformed: detail: .*"note"/,
    );
  });

  it('reports a type whose detail no longer fits', () => {
    const result = verify(withEdit(1, 'type', 'Promoted'));
    expectFailure(result, { index: 1, seq: 2, problem: 'malformed' });
    expect(result.ok === false && result.message).toContain('detail.image');
  });

  it('reports items that are not records, with no seq when there is none', () => {
    expectFailure(verify([null]), { index: 0, seq: null, problem: 'malformed' });
    expectFailure(verify([chain[0], 'web#2']), { index: 1, seq: null, problem: 'malformed' });
    const noSeq = withEdit(3, 'seq', undefined);
    expectFailure(verify(noSeq), { index: 3, seq: null, problem: 'malformed' });
  });

  it('reports a lone surrogate as malformed instead of throwing', () => {
    const result = verify(withEdit(6, 'detail.reason.message', 'x\udfffy'));
    expectFailure(result, { index: 6, seq: 7, problem: 'malformed' });
    expect(result.ok === false && result.message).toContain('detail.reason.message');
  });
});

describe('verify: removed records', () => {
  it('catches the first record removed', () => {
    expectFailure(verify(without(0)), { index: 0, seq: 2, problem: 'sequence-gap' });
  });

  it('catches a middle record removed', () => {
    const result = verify(without(3), { head });
    expect(result).toEqual({
      ok: false,
      index: 3,
      seq: 5,
      problem: 'sequence-gap',
      message: 'record 4 (seq 5): expected seq 4 but found seq 5; seq 4 is missing or out of order',
    });
  });

  it('catches the last record removed, given the head anchor', () => {
    const result = verify(without(6), { head });
    expectFailure(result, { index: 6, seq: 7, problem: 'head-mismatch' });
    expect(result.ok === false && result.message).toBe(
      'record 7 (seq 7): is missing: the chain ends at seq 6 but the head anchor is seq 7; ' +
        'the newest records were removed',
    );
  });

  it('catches several newest records removed, naming the first missing one', () => {
    expectFailure(verify(chain.slice(0, 3), { head }), { index: 3, seq: 4, problem: 'head-mismatch' });
  });

  it('catches every record removed, given the head anchor', () => {
    expectFailure(verify([], { head }), { index: 0, seq: 1, problem: 'head-mismatch' });
  });

  it('cannot see the last record removed without an anchor (documented limit)', () => {
    expect(verify(without(6))).toEqual({ ok: true, count: 6, head: headOf(chain.slice(0, 6)) });
  });
});

describe('verify: reordered records', () => {
  it('catches an adjacent pair swapped', () => {
    const swapped = [...chain];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    expectFailure(verify(swapped), { index: 2, seq: 4, problem: 'sequence-gap' });
  });

  it('catches a distant pair swapped', () => {
    const swapped = [...chain];
    [swapped[1], swapped[5]] = [swapped[5]!, swapped[1]!];
    expectFailure(verify(swapped), { index: 1, seq: 6, problem: 'sequence-gap' });
  });

  it('catches a swapped pair whose seq fields were swapped back and hashes forged', () => {
    // The forger renumbers and re-hashes both records; prevHash still gives it away.
    const swapped = [chain[0]!, { ...chain[2]!, seq: 2 }, { ...chain[1]!, seq: 3 }, ...chain.slice(3)].map(
      (r) => ({
        ...r,
        hash: hashRecord(r),
      }),
    );
    expectFailure(verify(swapped), { index: 1, seq: 2, problem: 'prev-hash-mismatch' });
  });
});

describe('verify: forged hashes', () => {
  it('catches a middle record edited and re-hashed, at the next record', () => {
    const forged = withForgery(2, 'detail.reason.alarmName', 'unrelated-alarm');
    const result = verify(forged);
    expect(result).toEqual({
      ok: false,
      index: 3,
      seq: 4,
      problem: 'prev-hash-mismatch',
      message:
        'record 4 (seq 4): prevHash does not match the hash of seq 3; ' +
        'that record was changed and re-hashed, or this prevHash was',
    });
  });

  it('catches the first record given a non-genesis prevHash and re-hashed', () => {
    const forged = withForgery(0, 'prevHash', '1'.repeat(64));
    expectFailure(verify(forged), { index: 0, seq: 1, problem: 'prev-hash-mismatch' });
  });

  it('catches the last record edited and re-hashed, given the head anchor', () => {
    const forged = withForgery(6, 'actor', 'operator:mallory');
    const result = verify(forged, { head });
    expectFailure(result, { index: 6, seq: 7, problem: 'head-mismatch' });
    expect(result.ok === false && result.message).toContain('hash differs from the head anchor');
  });

  it('cannot see the last record edited and re-hashed without an anchor (documented limit)', () => {
    const forged = withForgery(6, 'actor', 'operator:mallory');
    expect(verify(forged)).toMatchObject({ ok: true, count: 7 });
  });

  it('catches a history rewritten and re-chained from the middle, given the head anchor', () => {
    const drafts = draftsFor('web');
    drafts[2] = { ...drafts[2]!, type: 'Aborted' } as LedgerRecordDraft;
    const rewritten = buildChain(drafts);
    expect(verify(rewritten)).toMatchObject({ ok: true });
    expectFailure(verify(rewritten, { head }), { index: 6, seq: 7, problem: 'head-mismatch' });
  });
});

describe('verify: duplicated records', () => {
  it('catches a middle record stored twice', () => {
    const duplicated = [...chain.slice(0, 4), chain[3]!, ...chain.slice(4)];
    const result = verify(duplicated, { head });
    expect(result).toEqual({
      ok: false,
      index: 4,
      seq: 4,
      problem: 'sequence-gap',
      message: 'record 5 (seq 4): expected seq 5 but found seq 4; a record is duplicated or out of order',
    });
  });

  it('catches the last record stored twice, even without an anchor', () => {
    expectFailure(verify([...chain, chain[6]!]), { index: 7, seq: 7, problem: 'sequence-gap' });
  });
});

describe('verify: records of another service', () => {
  const api = buildChain(draftsFor('api'));

  it('catches a foreign record inserted into the chain', () => {
    const mixed = [...chain.slice(0, 2), api[2]!, ...chain.slice(2)];
    const result = verify(mixed, { head });
    expectFailure(result, { index: 2, seq: 3, problem: 'wrong-service' });
    expect(result.ok === false && result.message).toBe(
      'record 3 (seq 3): belongs to service "api", not "web"',
    );
  });

  it('catches a record replaced by the foreign record with the same seq', () => {
    const mixed = chain.map((record, i) => (i === 4 ? api[4]! : record));
    expectFailure(verify(mixed), { index: 4, seq: 5, problem: 'wrong-service' });
  });

  it('catches a whole chain of the wrong service when the service is given', () => {
    expectFailure(verify(api, { service: 'web' }), { index: 0, seq: 1, problem: 'wrong-service' });
  });
});

describe('verify: head anchor', () => {
  it('accepts records beyond the anchor: the anchor moves after its record is written, so it may lag', () => {
    const result = verify(chain, { head: headOf(chain.slice(0, 5)) });
    expect(result).toEqual({ ok: true, count: chain.length, head: headOf(chain) });
  });

  it('still catches an edit before a lagging anchor', () => {
    const edited = chain.map((record, i) => (i === 2 ? { ...record, actor: 'mallory' } : record));
    expectFailure(verify(edited, { head: headOf(chain.slice(0, 5)) }), {
      index: 2,
      seq: 3,
      problem: 'hash-mismatch',
    });
  });

  it('catches an anchor whose hash names another record', () => {
    expectFailure(verify(chain, { head: { seq: 7, hash: chain[5]!.hash } }), {
      index: 6,
      seq: 7,
      problem: 'head-mismatch',
    });
  });
});

describe('verify: names the first broken record', () => {
  it('reports the earliest of several problems', () => {
    const broken = withEdit(5, 'actor', 'x');
    setPath(broken[1], 'release', 5);
    broken.splice(3, 1);
    expectFailure(verify(broken, { head }), { index: 1, seq: 2, problem: 'hash-mismatch' });
  });

  it('checks the records before the anchor', () => {
    const broken = without(6);
    broken[0] = { ...broken[0]!, actor: 'operator:mallory' };
    expectFailure(verify(broken, { head }), { index: 0, seq: 1, problem: 'hash-mismatch' });
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
