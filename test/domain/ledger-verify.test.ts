// The ledger's verify, tampering by tampering: an intact chain passes; an edited field, an
// edit the schema refuses, a removed, reordered, forged or duplicated record, a record of another
// service and a chain that does not reach its anchored head each fail, naming the first broken record.

import { describe, expect, it } from 'vitest';
import { hashRecord, verify, type LedgerRecordDraft } from '../../shared/domain/ledger.js';
import {
  buildChain,
  chain,
  draftsFor,
  expectFailure,
  head,
  headOf,
  setPath,
  withEdit,
  withForgery,
  without,
} from '../support/ledger-chain.js';

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
