import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/domain/canonical-json.js';
import {
  chainNext,
  hashRecord,
  verify,
  type ChainHead,
  type LedgerRecord,
  type LedgerRecordDraft,
  type LedgerRecordOf,
  type Reason,
  REASON_KINDS,
} from '../../shared/domain/ledger.js';

type Path = (string | number)[];
type DetailOf<Type extends LedgerRecord['type']> = LedgerRecordOf<Type>['detail'];

const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const positiveInt = fc.integer({ min: 1, max: 1_000_000 });
const hex64 = fc
  .uint8Array({ minLength: 32, maxLength: 32 })
  .map((bytes) => Buffer.from(bytes).toString('hex'));
const image = hex64.map((digest) => `registry.example/app@sha256:${digest}`);
const isoTimestamp = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T23:59:59Z'), noInvalidDate: true })
  .map((date) => date.toISOString());

const reason: fc.Arbitrary<Reason> = fc.record(
  {
    kind: fc.constantFrom(...REASON_KINDS),
    message: text,
    alarmName: text,
    hook: text,
    score: fc.double({ noNaN: true, noDefaultInfinity: true }),
    failedMetrics: fc.array(text, { maxLength: 3 }),
    error: fc.string(),
  },
  { requiredKeys: ['kind', 'message'] },
);

const releaseStarted: fc.Arbitrary<DetailOf<'ReleaseStarted'>> = fc.record(
  {
    image,
    strategy: fc.constantFrom('blue-green', 'canary', 'linear', 'all-at-once', 'rolling'),
    trigger: fc.constantFrom('push', 'api', 'console', 'rollback'),
    taskDefinitionArn: text,
    rollbackOf: positiveInt,
  },
  { requiredKeys: ['image', 'strategy', 'trigger'] },
);

/** The type-specific half of a draft: `type` and a `detail` that fits it. */
const typedDetail = fc.oneof(
  fc.record({ type: fc.constant('ReleaseStarted' as const), detail: releaseStarted }),
  fc.record({
    type: fc.constant('TrafficShifted' as const),
    detail: fc.integer({ min: 0, max: 100 }).map((candidate) => ({
      weights: { stable: 100 - candidate, candidate },
    })),
  }),
  fc.record({
    type: fc.constant('Promoted' as const),
    detail: fc.record({ image, taskDefinitionArn: text }),
  }),
  fc.record({ type: fc.constant('RolledBack' as const), detail: fc.record({ reason }) }),
  fc.record({ type: fc.constant('Aborted' as const), detail: fc.record({ reason }) }),
);

function draftFor(service: string): fc.Arbitrary<LedgerRecordDraft> {
  return fc
    .tuple(
      fc.record({ at: isoTimestamp, deploymentId: text, release: positiveInt, actor: text }),
      typedDetail,
    )
    .map(([common, typed]) => ({ service, ...common, ...typed }));
}

function buildChain(drafts: readonly LedgerRecordDraft[]): LedgerRecord[] {
  const chain: LedgerRecord[] = [];
  for (const draft of drafts) chain.push(chainNext(chain.at(-1) ?? null, draft));
  return chain;
}

function chainOf(service: fc.Arbitrary<string>, minLength = 1): fc.Arbitrary<LedgerRecord[]> {
  return service.chain((name) =>
    fc.array(draftFor(name), { minLength, maxLength: 8 }).map((drafts) => buildChain(drafts)),
  );
}

const chainArb = chainOf(text);

/** A value a field could be changed to: schema-valid lookalikes as well as arbitrary JSON. */
const replacement = fc.oneof(
  text,
  hex64,
  isoTimestamp,
  positiveInt,
  fc.constantFrom('ReleaseStarted', 'Aborted', 'RolledBack', 'canary', 'rollback', 'operator', 0, 100),
  fc.jsonValue({ maxDepth: 2 }),
  fc.constant(undefined),
);

function headOf(chain: readonly LedgerRecord[]): ChainHead | undefined {
  const last = chain.at(-1);
  return last && { seq: last.seq, hash: last.hash };
}

/** Every path below `value`'s root: each key and index, at every depth. */
function pathsOf(value: unknown, prefix: Path = []): Path[] {
  if (typeof value !== 'object' || value === null) return [];
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item: unknown, i) => [i, item])
    : Object.entries(value);
  return entries.flatMap(([key, child]) => [[...prefix, key], ...pathsOf(child, [...prefix, key])]);
}

function getAt(value: unknown, path: Path): unknown {
  return path.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], value);
}

/** Sets the value at `path`; undefined deletes the property instead. */
function setAt(value: unknown, path: Path, newValue: unknown): void {
  const parent = getAt(value, path.slice(0, -1)) as Record<string | number, unknown>;
  const key = path.at(-1)!;
  if (newValue === undefined) delete parent[key];
  // An own property even for `__proto__`, which plain assignment would take as the prototype.
  else
    Object.defineProperty(parent, key, {
      value: newValue,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

function shuffleKeysDeep(value: unknown, g: fc.GeneratorValue): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => shuffleKeysDeep(item, g));
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = g(fc.integer, { min: 0, max: i });
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  // fromEntries defines own properties, so a generated "__proto__" key stays a plain key.
  return Object.fromEntries(entries.map(([key, child]) => [key, shuffleKeysDeep(child, g)]));
}

describe('ledger properties', () => {
  it('an arbitrary chain built with chainNext verifies, with and without its head anchor', () => {
    fc.assert(
      fc.property(chainArb, (chain) => {
        const head = headOf(chain);
        expect(verify(chain)).toEqual({ ok: true, count: chain.length, head });
        expect(verify(chain, { head, service: chain[0]!.service })).toEqual({
          ok: true,
          count: chain.length,
          head,
        });
        expect(verify(JSON.parse(JSON.stringify(chain)) as unknown[], { head }).ok).toBe(true);
      }),
    );
  });

  it('changing any field, at any depth, of any record breaks verify at that record', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), fc.nat(), replacement, (chain, recordPick, pathPick, value) => {
        const index = recordPick % chain.length;
        const paths = pathsOf(chain[index]);
        const path = paths[pathPick % paths.length]!;
        // "Different" as JSON: -0 and 0, for instance, are one JSON number.
        fc.pre(value === undefined || canonicalJson(getAt(chain[index], path)) !== canonicalJson(value));
        const edited = structuredClone(chain);
        setAt(edited[index], path, value);
        expect(verify(edited, { head: headOf(chain) })).toMatchObject({ ok: false, index });
      }),
    );
  });

  it('adding a field to any object of any record breaks verify at that record', () => {
    fc.assert(
      fc.property(
        chainArb,
        fc.nat(),
        fc.nat(),
        text,
        fc.jsonValue(),
        (chain, recordPick, objectPick, key, value) => {
          const index = recordPick % chain.length;
          const record = chain[index]!;
          const objects = [[], ...pathsOf(record)].filter((path) => {
            const node = getAt(record, path);
            return typeof node === 'object' && node !== null && !Array.isArray(node);
          });
          const target = objects[objectPick % objects.length]!;
          fc.pre(!Object.hasOwn(getAt(record, target) as object, key));
          const edited = structuredClone(chain);
          setAt(edited[index], [...target, key], value);
          expect(verify(edited, { head: headOf(chain) })).toMatchObject({ ok: false, index });
        },
      ),
    );
  });

  it('forging any record (an edit with its own hash recomputed) breaks verify at the next link', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), text, (chain, pick, actor) => {
        const index = pick % chain.length;
        fc.pre(chain[index]!.actor !== actor);
        const forged = structuredClone(chain);
        const record = forged[index]!;
        record.actor = actor;
        record.hash = hashRecord(record);
        const isLast = index === chain.length - 1;
        expect(verify(forged, { head: headOf(chain) })).toMatchObject(
          isLast
            ? { ok: false, index, problem: 'head-mismatch' }
            : { ok: false, index: index + 1, problem: 'prev-hash-mismatch' },
        );
      }),
    );
  });

  it('removing any record breaks verify when the head anchor is given', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), (chain, pick) => {
        const index = pick % chain.length;
        const removed = chain.filter((_, i) => i !== index);
        expect(verify(removed, { head: headOf(chain) })).toMatchObject({ ok: false, index });
      }),
    );
  });

  it('swapping any two records breaks verify, even without the anchor', () => {
    fc.assert(
      fc.property(chainOf(text, 2), fc.nat(), fc.nat(), (chain, pickA, pickB) => {
        const i = pickA % chain.length;
        const j = pickB % chain.length;
        fc.pre(i !== j);
        const swapped = [...chain];
        [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
        expect(verify(swapped)).toMatchObject({ ok: false, index: Math.min(i, j) });
      }),
    );
  });

  it('duplicating any record breaks verify, even without the anchor', () => {
    fc.assert(
      fc.property(chainArb, fc.nat(), (chain, pick) => {
        const index = pick % chain.length;
        const duplicated = [...chain.slice(0, index + 1), chain[index]!, ...chain.slice(index + 1)];
        expect(verify(duplicated)).toMatchObject({ ok: false, index: index + 1, problem: 'sequence-gap' });
      }),
    );
  });

  it('a record of another service in place of any record breaks verify', () => {
    fc.assert(
      fc.property(chainOf(fc.constant('web')), chainOf(fc.constant('api')), fc.nat(), (web, api, pick) => {
        const index = pick % Math.min(web.length, api.length);
        const mixed = web.map((record, i) => (i === index ? api[i]! : record));
        expect(verify(mixed, { service: 'web' })).toMatchObject({ ok: false, index });
      }),
    );
  });

  it('verify never throws, whatever it is given', () => {
    fc.assert(
      fc.property(chainArb, fc.array(fc.anything()), fc.nat(), (chain, junk, pick) => {
        const at = pick % (chain.length + 1);
        const mixed: unknown[] = [...chain.slice(0, at), ...junk, ...chain.slice(at)];
        const result = verify(mixed, { head: headOf(chain) });
        expect(result.ok).toBe(junk.length === 0);
      }),
    );
  });

  it('the canonical encoding does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), fc.gen(), (value, g) => {
        expect(canonicalJson(shuffleKeysDeep(value, g))).toBe(canonicalJson(value));
      }),
    );
  });

  it('a chain whose records have their keys shuffled still verifies to the same head', () => {
    fc.assert(
      fc.property(chainArb, fc.gen(), (chain, g) => {
        const shuffled = chain.map((record) => shuffleKeysDeep(record, g));
        const head = headOf(chain);
        expect(verify(shuffled, { head })).toEqual({ ok: true, count: chain.length, head });
      }),
    );
  });
});
