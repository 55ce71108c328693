// Canonical JSON per RFC 8785 (JSON Canonicalization Scheme), the encoding the release ledger
// hashes. Two encoders that follow the RFC produce the same bytes for the same data, whatever the
// language or the order in which properties were set, so a hash computed here can be checked
// anywhere. The RFC defines its string and number forms as ECMAScript's JSON.stringify, so this
// encoder leans on JSON.stringify for leaves and only adds key sorting and the rejections.

import { createHash } from 'node:crypto';
import { CanonicalEncodingError } from './errors.js';

/**
 * Encodes `value` as RFC 8785 canonical JSON: keys sorted by UTF-16 code units, no whitespace.
 * Object properties whose value is `undefined` are omitted, as JSON.stringify does.
 * @throws CanonicalEncodingError naming the path (e.g. `detail.score`) of a value JSON cannot carry
 *   exactly: NaN, ±Infinity, bigint, function, symbol, `undefined` in an array or at the top,
 *   a string with a lone surrogate, a non-plain object (Date, Map, class instance), a cycle.
 */
export function canonicalJson(value: unknown): string {
  return encodeValue(value, '', new Set());
}

/** Lowercase hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function encodeValue(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return encodeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) throw rejection(path, `${String(value)} is not a finite number`);
      // Number.prototype.toString is the RFC's number form; JSON.stringify also turns -0 into 0.
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      if (ancestors.has(value)) throw rejection(path, 'refers back to an enclosing value (a cycle)');
      ancestors.add(value);
      try {
        if (Array.isArray(value)) return encodeArray(value, path, ancestors);
        if (isPlainObject(value)) return encodeObject(value, path, ancestors);
        throw rejection(path, `a ${constructorName(value)} is not a plain object or array`);
      } finally {
        ancestors.delete(value);
      }
    case 'undefined':
      throw rejection(
        path,
        'undefined has no JSON form here (only undefined object properties, which are omitted)',
      );
    case 'bigint':
    case 'function':
    case 'symbol':
      throw rejection(path, `a ${typeof value} has no JSON form`);
  }
}

function encodeString(text: string, path: string): string {
  // In a /u regex a surrogate class matches only unpaired halves, which UTF-8 cannot carry.
  if (/\p{Surrogate}/u.test(text)) throw rejection(path, 'the string contains a lone surrogate');
  return JSON.stringify(text);
}

function encodeArray(items: readonly unknown[], path: string, ancestors: Set<object>): string {
  const parts: string[] = [];
  for (let i = 0; i < items.length; i++) {
    parts.push(encodeValue(items[i], `${path}[${i}]`, ancestors));
  }
  return `[${parts.join(',')}]`;
}

function encodeObject(object: Record<string, unknown>, path: string, ancestors: Set<object>): string {
  // The default sort compares UTF-16 code units, which is exactly the RFC 8785 key order.
  const keys = Object.keys(object).sort();
  const members: string[] = [];
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    const memberPath = childPath(path, key);
    members.push(`${encodeString(key, memberPath)}:${encodeValue(member, memberPath, ancestors)}`);
  }
  return `{${members.join(',')}}`;
}

function isPlainObject(value: object): value is Record<string, unknown> {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function constructorName(value: object): string {
  const name: unknown = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'non-plain object';
}

function childPath(parent: string, key: string): string {
  if (/^[A-Za-z_$][\w$]*$/.test(key)) return parent === '' ? key : `${parent}.${key}`;
  return `${parent}[${JSON.stringify(key)}]`;
}

function rejection(path: string, problem: string): CanonicalEncodingError {
  const where = path === '' ? 'the value' : path;
  return new CanonicalEncodingError(`cannot encode ${where} as canonical JSON: ${problem}`);
}
