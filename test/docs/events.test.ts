// docs/events.md stays true: one section per detail-type the code publishes, each example
// valid against the code's schema, and each JSON Schema the one generated from the code.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DETAIL_SCHEMAS, DETAIL_TYPES } from '../../shared/domain/events.js';
import * as z from '../../shared/domain/zod.js';

const doc = readFileSync(new URL('../../docs/events.md', import.meta.url), 'utf8');
const blocks = (kind: string) =>
  [...doc.matchAll(new RegExp('```json ' + kind + '\\n([\\s\\S]*?)```', 'g'))].map(
    (m) => JSON.parse(m[1]!) as Record<string, unknown>,
  );

describe('docs/events.md', () => {
  it('has a section for every detail-type, in order', () => {
    expect([...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1])).toEqual(DETAIL_TYPES);
  });

  it.each(blocks('example').map((e) => [e['detail-type'] as string, e] as const))(
    'the %s example fits its schema',
    (type, example) => {
      expect(example.source).toBe('cutover');
      expect(() => DETAIL_SCHEMAS[type as keyof typeof DETAIL_SCHEMAS].parse(example.detail)).not.toThrow();
    },
  );

  it('shows each schema as generated from the code', () => {
    expect(blocks('schema')).toEqual(DETAIL_TYPES.map((t) => z.toJSONSchema(DETAIL_SCHEMAS[t])));
  });
});
