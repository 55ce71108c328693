// Plain records: the check every reader of unknown JSON makes, and the two ways absent members
// are left out: a copy without `undefined` (for DynamoDB and the AWS APIs) and `optional` (for a
// member AWS omits when it has no value).

/** A JSON object: not null, not an array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy without `undefined` properties, at any depth. The ports use `undefined` for "absent",
 * JSON (and so a hash over canonical JSON) omits it, and the DynamoDB document client rejects it
 * unless configured otherwise; removing it keeps an adapter correct whatever marshalling options
 * its injected client has.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[key] = withoutUndefined(member);
  }
  return copy as T;
}

/** `{ [key]: value }` when the value is there, `{}` when not: AWS omits absent members. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
