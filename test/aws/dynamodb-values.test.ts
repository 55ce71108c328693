// The DynamoDB marshaller (shared/aws/dynamodb-values.ts): plain values round-trip; it marshals
// and unmarshals as the SDK's document client did for the adapters (@aws-sdk/util-dynamodb with
// removeUndefinedValues, here only as the oracle), binary aside (base64 on the JSON wire where the
// SDK holds bytes); and what DynamoDB cannot hold exactly is refused, naming where it was.

import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  fromAttributeValue,
  marshallItem,
  toAttributeValue,
  unmarshallItem,
  type AttributeMap,
} from '../../shared/aws/dynamodb-values.js';

const SDK_OPTIONS = { removeUndefinedValues: true };

/** A number DynamoDB and a JavaScript number both hold exactly. */
const safeNumber = fc.oneof(
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
  fc.double({ min: -1e15, max: 1e15, noNaN: true, noDefaultInfinity: true }).filter((n) => !Object.is(n, -0)),
);
const key = fc.string({ maxLength: 8 });

/** What the adapters store: JSON-like values, with empty strings, nulls, deep nesting. */
const storable: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    safeNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;
const item = fc.dictionary(key, storable, { maxKeys: 6 });

/** The same, with undefined (and functions) here and there: they are left out. */
const withUndefined: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string(),
    safeNumber,
    fc.constant(undefined),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  ),
})).value;

describe('dynamodb-values', () => {
  it('reads back every storable item as it was given', () => {
    fc.assert(
      fc.property(item, (value) => {
        expect(unmarshallItem(marshallItem(value))).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });

  it("marshals as the SDK's document client did, undefined left out at any depth", () => {
    fc.assert(
      fc.property(fc.dictionary(key, withUndefined, { maxKeys: 6 }), (value) => {
        expect(marshallItem(value)).toEqual(marshall(value, SDK_OPTIONS));
      }),
      { numRuns: 500 },
    );
  });

  it("unmarshals as the SDK's document client did", () => {
    fc.assert(
      fc.property(item, (value) => {
        const stored = marshall(value, SDK_OPTIONS);
        expect(unmarshallItem(stored as AttributeMap)).toEqual(unmarshall(stored));
      }),
      { numRuns: 500 },
    );
  });

  it('keeps empty strings, nested maps and lists as they are', () => {
    const value = {
      s: '',
      nested: { deeper: { list: ['', 0, false, null, { x: '' }] } },
      empty: {},
      none: [],
    };
    expect(marshallItem(value)).toEqual({
      s: { S: '' },
      nested: {
        M: {
          deeper: {
            M: {
              list: {
                L: [{ S: '' }, { N: '0' }, { BOOL: false }, { NULL: true }, { M: { x: { S: '' } } }],
              },
            },
          },
        },
      },
      empty: { M: {} },
      none: { L: [] },
    });
    expect(unmarshallItem(marshallItem(value))).toEqual(value);
  });

  it('leaves out undefined in maps, lists and sets, and functions, as removeUndefinedValues did', () => {
    const value = {
      a: undefined,
      b: [1, undefined, 2],
      c: { d: undefined, e: 'x' },
      f: () => 1,
      g: new Set(['s', undefined]),
    };
    expect(marshallItem(value)).toEqual({
      b: { L: [{ N: '1' }, { N: '2' }] },
      c: { M: { e: { S: 'x' } } },
      g: { SS: ['s'] },
    });
  });

  it('refuses a number it would store imprecisely, naming where it is, and takes a bigint exactly', () => {
    expect(toAttributeValue(Number.MAX_SAFE_INTEGER)).toEqual({ N: '9007199254740991' });
    expect(toAttributeValue(Number.MIN_SAFE_INTEGER)).toEqual({ N: '-9007199254740991' });
    for (const n of [2 ** 53, -(2 ** 53), 1e300, -1e300]) {
      expect(() => marshallItem({ detail: { count: n } })).toThrow(RangeError);
      expect(() => marshall({ n }, SDK_OPTIONS)).toThrow(/MAX_SAFE_INTEGER|MIN_SAFE_INTEGER/);
    }
    expect(() => marshallItem({ detail: { count: 2 ** 53 } })).toThrow(
      /^detail\.count: 9007199254740992 is beyond Number\.MAX_SAFE_INTEGER/,
    );
    for (const n of [NaN, Infinity, -Infinity]) expect(() => toAttributeValue(n)).toThrow(RangeError);
    expect(toAttributeValue(12345678901234567890n)).toEqual({ N: '12345678901234567890' });
  });

  it('reads a stored integer too large for a number as a bigint, and refuses one it cannot read exactly', () => {
    expect(fromAttributeValue({ N: '12345678901234567890' })).toBe(12345678901234567890n);
    expect(fromAttributeValue({ N: '-9007199254740993' })).toBe(-9007199254740993n);
    expect(fromAttributeValue({ N: '9007199254740991' })).toBe(Number.MAX_SAFE_INTEGER);
    expect(fromAttributeValue({ N: '0.5' })).toBe(0.5);
    expect(() => fromAttributeValue({ N: '1.5e300' })).toThrow(RangeError);
    expect(() => unmarshall({ n: { N: '1.5e300' } })).toThrow();
  });

  it('stores sets of strings and numbers, and refuses empty and mixed sets', () => {
    expect(toAttributeValue(new Set(['a', 'b']))).toEqual({ SS: ['a', 'b'] });
    expect(toAttributeValue(new Set([1, 2.5]))).toEqual({ NS: ['1', '2.5'] });
    expect(fromAttributeValue({ NS: ['1', '2.5'] })).toEqual(new Set([1, 2.5]));
    expect(fromAttributeValue({ SS: ['a'] })).toEqual(new Set(['a']));
    expect(() => marshallItem({ tags: new Set() })).toThrow(/^tags: DynamoDB cannot store an empty set/);
    expect(() => marshallItem({ tags: new Set(['a', 1]) })).toThrow(
      /^tags: a set of strings also holds a value of type number/,
    );
  });

  it('stores bytes as base64 on the wire and reads them back as bytes', () => {
    const bytes = new Uint8Array([0, 1, 2, 250, 255]);
    expect(toAttributeValue(bytes)).toEqual({ B: 'AAEC+v8=' });
    expect(toAttributeValue(Buffer.from(bytes))).toEqual({ B: 'AAEC+v8=' });
    expect(fromAttributeValue({ B: 'AAEC+v8=' })).toEqual(bytes);
    expect(fromAttributeValue({ BS: ['AAEC+v8='] })).toEqual(new Set([bytes]));
  });

  it('stores a Map as a map, and refuses a Date, a class instance or a symbol, naming where it is', () => {
    expect(toAttributeValue(new Map([['k', 1]]))).toEqual({ M: { k: { N: '1' } } });
    expect(toAttributeValue(Object.assign(Object.create(null) as object, { k: 'v' }))).toEqual({
      M: { k: { S: 'v' } },
    });
    expect(() => marshallItem({ at: new Date(0) })).toThrow(/^at: a Date cannot be stored in DynamoDB/);
    expect(() => marshallItem({ list: [1, new (class Point {})()] })).toThrow(
      /^list\[1\]: a Point cannot be stored/,
    );
    expect(() => marshallItem({ s: Symbol('x') })).toThrow(TypeError);
    expect(() => marshall({ at: new Date(0) }, SDK_OPTIONS)).toThrow();
  });
});
