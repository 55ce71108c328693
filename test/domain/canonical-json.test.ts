import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../../shared/domain/canonical-json.js';
import { CanonicalEncodingError } from '../../shared/domain/errors.js';

/** The number whose IEEE 754 bits are `hex`, as the RFC 8785 appendix B table gives them. */
function fromBits(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

/** A reference model: rebuild every object with its keys sorted, then let JSON.stringify write it. */
function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeysDeep);
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    // fromEntries defines own properties, so a generated "__proto__" key stays a plain key.
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeysDeep(v)]));
  }
  return value;
}

describe('canonicalJson: RFC 8785 examples', () => {
  it('encodes the section 3.2.2 sample (numbers, string escapes, literals)', () => {
    const input: unknown = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        '"string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/",' +
        '"literals": [null, true, false]}',
    );
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],' +
        '"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('sorts the section 3.2.3 keys by UTF-16 code units, surrogate pairs before U+FB33', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö":"Latin Small Letter O With Diaeresis",' +
        '"€":"Euro Sign","😀":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it.each([
    ['0000000000000000', '0'],
    ['8000000000000000', '0'],
    ['0000000000000001', '5e-324'],
    ['8000000000000001', '-5e-324'],
    ['7fefffffffffffff', '1.7976931348623157e+308'],
    ['ffefffffffffffff', '-1.7976931348623157e+308'],
    ['4340000000000000', '9007199254740992'],
    ['c340000000000000', '-9007199254740992'],
    ['4430000000000000', '295147905179352830000'],
    ['44b52d02c7e14af5', '9.999999999999997e+22'],
    ['44b52d02c7e14af6', '1e+23'],
    ['44b52d02c7e14af7', '1.0000000000000001e+23'],
    ['444b1ae4d6e2ef4e', '999999999999999700000'],
    ['444b1ae4d6e2ef4f', '999999999999999900000'],
    ['444b1ae4d6e2ef50', '1e+21'],
    ['3eb0c6f7a0b5ed8c', '9.999999999999997e-7'],
    ['3eb0c6f7a0b5ed8d', '0.000001'],
    ['41b3de4355555553', '333333333.3333332'],
    ['41b3de4355555554', '333333333.33333325'],
    ['41b3de4355555555', '333333333.3333333'],
    ['41b3de4355555556', '333333333.3333334'],
    ['41b3de4355555557', '333333333.33333343'],
    ['becbf647612f3696', '-0.0000033333333333333333'],
    ['43143ff3c1cb0959', '1424953923781206.2'],
  ])('writes the appendix B number with bits %s as %s', (bits, expected) => {
    expect(canonicalJson(fromBits(bits))).toBe(expected);
  });
});

describe('canonicalJson: ordering and structure', () => {
  it('sorts keys at every depth and keeps array order', () => {
    const value = { b: [{ z: 1, a: 2 }, 3, [{ y: null, x: true }]], a: { d: 'd', c: 'c' } };
    expect(canonicalJson(value)).toBe('{"a":{"c":"c","d":"d"},"b":[{"a":2,"z":1},3,[{"x":true,"y":null}]]}');
  });

  it('orders keys by UTF-16 code units, not by code points', () => {
    // U+10000 is the surrogate pair D800 DC00, which sorts before U+E000 in UTF-16 but after it by code point.
    expect(canonicalJson({ '\ue000': 1, '\u{10000}': 2, Z: 3, a: 4, é: 5 })).toBe(
      '{"Z":3,"a":4,"é":5,"\u{10000}":2,"\ue000":1}',
    );
  });

  it('writes no whitespace and encodes empty containers', () => {
    expect(canonicalJson({ a: [], b: {}, c: '' })).toBe('{"a":[],"b":{},"c":""}');
  });

  it('omits object properties whose value is undefined, but keeps null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: { d: undefined } })).toBe('{"b":null,"c":{}}');
  });

  it('accepts objects with a null prototype', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalJson(value)).toBe('{"a":2,"b":1}');
  });

  it('encodes the same shared object twice when it is not a cycle', () => {
    const shared = { x: 1 };
    expect(canonicalJson({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });
});

describe('canonicalJson: strings', () => {
  it.each([
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['short control escapes', '\b\t\n\f\r', '"\\b\\t\\n\\f\\r"'],
    ['other controls as lowercase \\u00xx', '\u0000\u0001\u001f', '"\\u0000\\u0001\\u001f"'],
    ['solidus and DEL unescaped', '/\u007f', '"/\u007f"'],
    ['non-ASCII and line separators raw', 'zoë € \u2028\u2029', '"zoë € \u2028\u2029"'],
    ['surrogate pairs raw', '😀 \u{10ffff}', '"😀 \u{10ffff}"'],
  ])('escapes %s as JSON.stringify does', (_name, input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });
});

describe('canonicalJson: numbers', () => {
  it.each([
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [0.1, '0.1'],
    [-0, '0'],
    [1e-7, '1e-7'],
    [1e-6, '0.000001'],
    [2 ** 53, '9007199254740992'],
    [Number.MAX_SAFE_INTEGER, '9007199254740991'],
    [-42, '-42'],
    [4.5, '4.5'],
  ])('writes %d as %s', (input, expected) => {
    expect(canonicalJson(input)).toBe(expected);
  });
});

describe('canonicalJson: rejected values name their path', () => {
  class Release {
    constructor(readonly n: number) {}
  }
  const lone = '\ud800';

  it.each<[string, unknown, string]>([
    ['NaN', { detail: { score: NaN } }, 'detail.score'],
    ['Infinity', { detail: { score: Infinity } }, 'detail.score'],
    ['-Infinity', { weights: [1, -Infinity] }, 'weights[1]'],
    ['a bigint', { release: 7n }, 'release'],
    ['a function', { detail: { run: () => 1 } }, 'detail.run'],
    ['a symbol', { tags: [Symbol('x')] }, 'tags[0]'],
    ['undefined in an array', { list: [1, undefined] }, 'list[1]'],
    ['a hole in a sparse array', { list: Object.assign(new Array<number>(3), { 0: 1, 2: 3 }) }, 'list[1]'],
    ['a lone high surrogate in a string', { detail: { message: `a${lone}b` } }, 'detail.message'],
    ['a lone low surrogate in a string', ['\udc00'], '[0]'],
    ['a lone surrogate in a key', { detail: { [lone]: 1 } }, 'detail["\\ud800"]'],
    ['a Date', { at: new Date(0) }, 'at'],
    ['a Map', { detail: { m: new Map() } }, 'detail.m'],
    ['a Set', { s: new Set([1]) }, 's'],
    ['a class instance', { detail: { release: new Release(1) } }, 'detail.release'],
    ['a key that is not an identifier', { 'failed metrics': NaN }, '["failed metrics"]'],
  ])('rejects %s', (_name, value, path) => {
    expect(() => canonicalJson(value)).toThrow(CanonicalEncodingError);
    expect(() => canonicalJson(value)).toThrow(`cannot encode ${path} as canonical JSON`);
  });

  it('names the kind of non-plain object', () => {
    expect(() => canonicalJson({ at: new Date(0) })).toThrow(/a Date is not a plain object/);
    expect(() => canonicalJson({ r: new Release(1) })).toThrow(/a Release is not a plain object/);
  });

  it('rejects undefined at the top level', () => {
    expect(() => canonicalJson(undefined)).toThrow('cannot encode the value as canonical JSON');
  });

  it('rejects a cycle instead of overflowing the stack', () => {
    const value: Record<string, unknown> = { a: { b: {} } };
    (value.a as { b: Record<string, unknown> }).b.back = value;
    expect(() => canonicalJson(value)).toThrow(/cannot encode a\.b\.back .*cycle/);
  });

  it('rejects an object with a toJSON method rather than calling it', () => {
    expect(() => canonicalJson({ toJSON: () => 'x' })).toThrow('cannot encode toJSON as canonical JSON');
  });
});

describe('canonicalJson: against a JSON.stringify model', () => {
  it('equals JSON.stringify of the value with keys sorted, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        expect(canonicalJson(value)).toBe(JSON.stringify(sortKeysDeep(value)));
      }),
    );
  });

  it('parses back to the value it encodes', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });

  it('is a fixed point: encoding the parsed encoding gives the same text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ stringUnit: 'binary' }), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('sha256Hex', () => {
  it('hashes the UTF-8 bytes of the text (FIPS 180-2 "abc" and a non-ASCII string)', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('é')).not.toBe(sha256Hex('\u00e9'.normalize('NFD')));
  });
});
