// Fuzzing at the reliability suite's size: 1,500 generated API requests and 500 generated
// EventBridge events (ECR pushes and alarm state changes, each a real fixture with fields
// replaced, retyped or removed). No request gets a 5xx; no request that is refused and no
// event that a handler refuses writes anything; no handler fails on a malformed event with
// a TypeError (it must say what is wrong instead).

import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createHandler as onAlarmHandler } from '../../functions/on-alarm.js';
import { createHandler as onPushHandler } from '../../functions/on-image-push.js';
import { handleApi } from '../../shared/api/router.js';
import { requests } from '../support/api-arbitraries.js';
import { apiDeps, expectJsonError, populatedWorld, stores } from '../support/api-fuzz-world.js';
import { settle } from '../../harness/engine.js';
import { report, SIZE } from './size.js';

const fixture = (path: string) =>
  JSON.parse(readFileSync(new URL(`../events/${path}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const PUSH = fixture('ecr/image-push.json');
const ALARM = fixture('cloudwatch/alarm-state-change.json');

/** Every path to a value in a JSON document, e.g. ['detail', 'state', 'value']. */
function paths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  return [prefix, ...Object.entries(value).flatMap(([k, v]) => paths(v, [...prefix, k]))];
}

/** The fixture with one to three of its values replaced by anything, or removed. */
function mutated(base: Record<string, unknown>): fc.Arbitrary<unknown> {
  const change = fc.record({
    path: fc.constantFrom(...paths(base).filter((p) => p.length > 0)),
    value: fc.oneof(fc.constant(undefined), fc.jsonValue({ maxDepth: 2 }), fc.string()),
  });
  return fc
    .oneof(
      { weight: 9, arbitrary: fc.array(change, { minLength: 1, maxLength: 3 }) },
      { weight: 1, arbitrary: fc.constant(null) },
    )
    .map((changes) => {
      if (changes === null) return null;
      const event = structuredClone(base);
      for (const { path, value } of changes) {
        let node: Record<string, unknown> = event;
        for (const key of path.slice(0, -1)) {
          if (node[key] === null || typeof node[key] !== 'object') node[key] = {};
          node = node[key] as Record<string, unknown>;
        }
        if (value === undefined) delete node[path.at(-1)!];
        else node[path.at(-1)!] = value;
      }
      return event;
    });
}

describe('fuzzing', () => {
  it(`${SIZE.fuzzRuns * 0.75} API requests: never a 5xx, and a refusal changes nothing`, async () => {
    let world = await populatedWorld();
    const statuses: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(requests, async (request) => {
        const before = stores(world);
        try {
          const response = await handleApi(apiDeps(world), request);
          await settle();
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          expect(response.status).toBeLessThan(500);
          if (response.status >= 300) {
            expectJsonError(response);
            expect(stores(world)).toBe(before);
          }
        } finally {
          if (stores(world) !== before) world = await populatedWorld();
        }
      }),
      { numRuns: SIZE.fuzzRuns * 0.75 },
    );
    report('fuzz requests', { runs: SIZE.fuzzRuns * 0.75, statuses });
  }, 600_000);

  it(`${SIZE.fuzzRuns * 0.25} events: a refused event changes nothing, and none fails with a TypeError`, async () => {
    let world = await populatedWorld();
    const outcomes = { accepted: 0, refused: 0 };
    const events = fc.oneof(
      mutated(PUSH).map((event) => ({ kind: 'push' as const, event })),
      mutated(ALARM).map((event) => ({ kind: 'alarm' as const, event })),
    );
    await fc.assert(
      fc.asyncProperty(events, async ({ kind, event }) => {
        const before = stores(world);
        const handler = kind === 'push' ? onPushHandler(world.catalog, world) : onAlarmHandler(world);
        try {
          await handler(event, {});
          outcomes.accepted += 1;
        } catch (error) {
          outcomes.refused += 1;
          expect((error as Error).name, (error as Error).stack).not.toBe('TypeError');
          await settle();
          expect(stores(world)).toBe(before);
        } finally {
          await settle();
          if (stores(world) !== before) world = await populatedWorld();
        }
      }),
      { numRuns: SIZE.fuzzRuns * 0.25 },
    );
    report('fuzz events', { runs: SIZE.fuzzRuns * 0.25, ...outcomes });
    expect(outcomes.refused).toBeGreaterThan(0);
  }, 600_000);
});
