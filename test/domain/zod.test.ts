// shared/domain/zod.ts gives zod/mini its English messages. zod/mini has none of its own:
// without them every problem in a catalog, a request or a ledger record reads "Invalid input".

import { describe, expect, it } from 'vitest';
import * as z from '../../shared/domain/zod.js';

const messageOf = (schema: z.ZodMiniType, value: unknown) =>
  schema.safeParse(value).error?.issues[0]?.message;

describe('zod, as this code imports it', () => {
  it('says what was expected and what was given', () => {
    expect(messageOf(z.string().check(z.minLength(3)), 'ab')).toBe(
      'Too small: expected string to have >=3 characters',
    );
    expect(messageOf(z.int(), '7')).toBe('Invalid input: expected number, received string');
    expect(messageOf(z.int().check(z.lte(100)), 101)).toBe('Too big: expected number to be <=100');
    expect(messageOf(z.enum(['blue-green', 'canary']), 'linear')).toBe(
      'Invalid option: expected one of "blue-green"|"canary"',
    );
  });

  it('keeps a message the schema gives over the locale', () => {
    expect(messageOf(z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')), '1')).toBe(
      'must be a 12-digit AWS account id',
    );
  });
});
