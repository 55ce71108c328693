// JavaScript values to DynamoDB's AttributeValues and back, as DynamoDB's JSON protocol carries
// them: what the SDK's document client (@aws-sdk/lib-dynamodb) did for the adapters, with the
// options they used (removeUndefinedValues; every other option left at its default).
//
//   string S (empty allowed)   number, bigint N   boolean BOOL   null NULL   array L
//   plain object, Map M        Set SS, NS or BS   Uint8Array and other binary B (base64 on the wire)
//
// `undefined` is left out of maps, lists and sets, as are functions. A number beyond
// Number.MAX_SAFE_INTEGER (either way), NaN or an infinity is refused rather than stored
// imprecisely, as the SDK refuses it; a bigint is stored exactly. Read back, N is a number, or a
// bigint where the number is an integer too large for one, as the SDK reads it. Anything else
// (a Date, a class instance, a symbol) is refused, naming where in the value it was: a TypeError,
// or a RangeError for a number, thrown before anything is sent.

export type AttributeValue =
  | { S: string }
  | { N: string }
  | { BOOL: boolean }
  | { NULL: true }
  | { B: string }
  | { M: AttributeMap }
  | { L: AttributeValue[] }
  | { SS: string[] }
  | { NS: string[] }
  | { BS: string[] };

export type AttributeMap = Record<string, AttributeValue>;

/** The attributes of an item (or a key, or a map of expression values), marshalled one by one. */
export function marshallItem(item: Record<string, unknown>): AttributeMap {
  return toMap(Object.entries(item), '');
}

/** An item as stored, read back into plain values. */
export function unmarshallItem(attributes: AttributeMap): Record<string, unknown> {
  return fromMap(attributes);
}

export function toAttributeValue(value: unknown, path = '(value)'): AttributeValue {
  if (value instanceof String || value instanceof Number || value instanceof Boolean) value = value.valueOf();
  if (value === null) return { NULL: true };
  switch (typeof value) {
    case 'string':
      return { S: value };
    case 'number':
      return { N: numberText(value, path) };
    case 'bigint':
      return { N: value.toString() };
    case 'boolean':
      return { BOOL: value };
    case 'object':
      return objectValue(value, path);
    default:
      throw new TypeError(`${path}: a value of type ${typeof value} cannot be stored in DynamoDB`);
  }
}

export function fromAttributeValue(value: AttributeValue): unknown {
  if ('NULL' in value) return null;
  if ('S' in value) return value.S;
  if ('N' in value) return fromNumberText(value.N);
  if ('BOOL' in value) return Boolean(value.BOOL);
  if ('M' in value) return fromMap(value.M);
  if ('L' in value) return value.L.map(fromAttributeValue);
  if ('B' in value) return fromBase64(value.B);
  if ('SS' in value) return new Set(value.SS);
  if ('NS' in value) return new Set(value.NS.map(fromNumberText));
  if ('BS' in value) return new Set(value.BS.map(fromBase64));
  throw new TypeError(`an attribute value of an unknown type: ${JSON.stringify(value)}`);
}

function objectValue(value: object, path: string): AttributeValue {
  if (Array.isArray(value)) {
    return { L: kept(value.entries()).map(([i, item]) => toAttributeValue(item, `${path}[${i}]`)) };
  }
  if (value instanceof Set) return setValue(value as Set<unknown>, path);
  if (value instanceof Map) return { M: toMap(value.entries(), path) };
  if (isBinary(value)) return { B: toBase64(value) };
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype === Object.prototype || prototype === null) return { M: toMap(Object.entries(value), path) };
  const kind = (value as { constructor?: { name?: string } }).constructor?.name ?? 'object';
  throw new TypeError(
    `${path}: a ${kind} cannot be stored in DynamoDB; convert it to a string, number or plain object first`,
  );
}

/** The entries to store: those whose value is neither undefined nor a function. */
function kept<K>(entries: Iterable<[K, unknown]>): [K, unknown][] {
  return [...entries].filter(([, value]) => value !== undefined && typeof value !== 'function');
}

function toMap(entries: Iterable<[unknown, unknown]>, path: string): AttributeMap {
  const map: AttributeMap = {};
  for (const [key, value] of kept(entries)) {
    const name = String(key);
    map[name] = toAttributeValue(value, path === '' ? name : `${path}.${name}`);
  }
  return map;
}

function fromMap(map: AttributeMap): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(map)) values[key] = fromAttributeValue(value);
  return values;
}

function setValue(set: Set<unknown>, path: string): AttributeValue {
  const members = [...set].filter((member) => member !== undefined);
  if (members.length === 0) {
    throw new TypeError(`${path}: DynamoDB cannot store an empty set`);
  }
  const each = <T>(is: (member: unknown) => member is T, kind: string) => {
    if (!members.every(is)) {
      const other = members.find((member) => !is(member));
      throw new TypeError(`${path}: a set of ${kind} also holds a value of type ${typeof other}`);
    }
    return members as T[];
  };
  const first = members[0];
  if (typeof first === 'string') return { SS: each(isString, 'strings') };
  if (typeof first === 'number' || typeof first === 'bigint') {
    return {
      NS: each(isNumeric, 'numbers').map((n) => (typeof n === 'bigint' ? n.toString() : numberText(n, path))),
    };
  }
  if (isBinary(first)) return { BS: each(isBinary, 'binary values').map(toBase64) };
  throw new TypeError(`${path}: only sets of strings, numbers or binary values can be stored`);
}

const isString = (member: unknown): member is string => typeof member === 'string';
const isNumeric = (member: unknown): member is number | bigint =>
  typeof member === 'number' || typeof member === 'bigint';

function numberText(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${path}: ${value} cannot be stored in DynamoDB`);
  }
  if (value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER) {
    throw new RangeError(
      `${path}: ${value} is beyond Number.MAX_SAFE_INTEGER and would be stored imprecisely; pass a bigint or a string`,
    );
  }
  return value.toString();
}

function fromNumberText(text: string): number | bigint {
  const value = Number(text);
  const large =
    (value > Number.MAX_SAFE_INTEGER || value < Number.MIN_SAFE_INTEGER) && Number.isFinite(value);
  if (!large) return value;
  try {
    return BigInt(text);
  } catch {
    throw new RangeError(`the stored number ${text} cannot be read without losing precision`);
  }
}

function isBinary(value: unknown): value is ArrayBuffer | ArrayBufferView {
  return value instanceof ArrayBuffer || ArrayBuffer.isView(value);
}

function toBase64(value: ArrayBuffer | ArrayBufferView): string {
  const bytes =
    value instanceof ArrayBuffer
      ? Buffer.from(value)
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return bytes.toString('base64');
}

function fromBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text, 'base64'));
}
