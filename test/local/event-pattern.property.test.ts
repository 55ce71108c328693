// EventBridge event patterns: properties that hold for every event (fast-check). A pattern
// built from an event's own values matches it, unnamed fields never matter, anything-but
// inverts an exact match, and no JSON makes matching throw.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matches, validatePattern, type EventPattern } from '../../local/aws/event-pattern.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const scalar = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);
const key = fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '$or');
const { event } = fc.letrec<{ value: Json; object: Record<string, Json>; event: Record<string, Json> }>(
  (tie) => ({
    value: fc.oneof({ depthSize: 'small' }, scalar, fc.array(tie('value'), { maxLength: 3 }), tie('object')),
    object: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
    event: fc.dictionary(key, tie('value'), { minKeys: 1, maxKeys: 5 }),
  }),
);

function isObject(value: unknown): value is Record<string, Json> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function flatten(values: Json[]): Json[] {
  return values.flatMap((v) => (Array.isArray(v) ? flatten(v) : [v]));
}

/** A pattern asking for exactly the values the event has (undefined if it has no leaf to ask about). */
function patternOf(node: Record<string, Json>): EventPattern | undefined {
  const entries: [string, unknown][] = [];
  for (const [field, value] of Object.entries(node)) {
    if (isObject(value)) {
      const nested = patternOf(value);
      if (nested !== undefined) entries.push([field, nested]);
    } else if (Array.isArray(value)) {
      const items = flatten(value);
      const leaves = items.filter((v) => !isObject(v));
      const objects = items.filter(isObject);
      const nested = objects.length > 0 ? patternOf(objects[0] as Record<string, Json>) : undefined;
      if (leaves.length > 0) entries.push([field, leaves]);
      else if (nested !== undefined) entries.push([field, nested]);
    } else {
      entries.push([field, [value]]);
    }
  }
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

describe('properties', () => {
  it('a pattern built from an event’s own values is valid and matches that event', () => {
    fc.assert(
      fc.property(event, (e) => {
        const pattern = patternOf(e);
        fc.pre(pattern !== undefined);
        expect(validatePattern(pattern)).toEqual([]);
        expect(matches(pattern, e)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('fields the pattern does not name never change the outcome', () => {
    fc.assert(
      fc.property(event, event, (e, extra) => {
        const pattern = patternOf(e);
        fc.pre(pattern !== undefined);
        const unnamed = Object.fromEntries(Object.entries(extra).filter(([k]) => !Object.hasOwn(e, k)));
        expect(matches(pattern, { ...unnamed, ...e })).toBe(true);
      }),
    );
  });

  it('wrapping a value in anything-but inverts an exact match', () => {
    // Text that looks like the other types' values, so a match by text alone would show.
    const text = fc.constantFrom('a', 'b', 'A', '', '1', 'true', 'null');
    const small = fc.oneof(text, fc.integer({ min: -2, max: 2 }));
    const list = fc.oneof(
      fc.array(text, { minLength: 1, maxLength: 3 }),
      fc.array(fc.integer({ min: -2, max: 2 }), { minLength: 1, maxLength: 3 }),
    );
    fc.assert(
      fc.property(
        fc.oneof(small, fc.boolean(), fc.constant(null)),
        fc.oneof(small, list),
        (value, excluded) => {
          const exact = { detail: { f: Array.isArray(excluded) ? excluded : [excluded] } };
          const allBut = { detail: { f: [{ 'anything-but': excluded }] } };
          expect(validatePattern(allBut)).toEqual([]);
          const e = { detail: { f: value } };
          expect(matches(allBut, e)).toBe(!matches(exact, e));
        },
      ),
    );
  });

  it('never throws, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (pattern, e) => {
        const problems = validatePattern(pattern);
        expect(Array.isArray(problems)).toBe(true);
        if (isObject(pattern)) expect(typeof matches(pattern, e)).toBe('boolean');
      }),
    );
  });
});
