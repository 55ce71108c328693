// Which characters operator text may not carry, and how the CLI shows them.

import { describe, expect, it } from 'vitest';
import {
  escapeUnsafeCharacters,
  escapeUnsafeInJson,
  firstUnsafeCharacter,
} from '../../shared/domain/control-characters.js';

describe('firstUnsafeCharacter', () => {
  it.each([
    ['\u0000', 'U+0000 (NUL)'],
    ['\u0007', 'U+0007 (BEL)'],
    ['\t', 'U+0009 (TAB)'],
    ['\n', 'U+000A (LF)'],
    ['\r', 'U+000D (CR)'],
    ['\u001b', 'U+001B (ESC)'],
    ['\u007f', 'U+007F (DEL)'],
    ['\u0085', 'U+0085'],
    ['\u009b', 'U+009B (CSI)'],
    ['\u2028', 'U+2028 (LINE SEPARATOR)'],
    ['\u202e', 'U+202E (RIGHT-TO-LEFT OVERRIDE)'],
    ['\u2067', 'U+2067'],
  ])('finds %j: %s', (c, description) => {
    expect(firstUnsafeCharacter(`ok ${c} then`)).toEqual({ index: 3, description });
  });

  it.each([
    'plain text',
    'déjà vu — “quoted” 🚀',
    'operator:ana@example.com',
    '\u00a0no-break space',
    '中文',
  ])('passes %j', (text) => {
    expect(firstUnsafeCharacter(text)).toBeUndefined();
  });
});

describe('escapeUnsafeCharacters', () => {
  it('shows every control character as its escape', () => {
    expect(escapeUnsafeCharacters('a\u001b[31mb\r\n\tc\u007f\u009b2J\u202ed')).toBe(
      String.raw`a\x1b[31mb\r\n\tc\x7f\x9b2J\u202ed`,
    );
  });

  it('keeps line breaks when told to, and nothing else', () => {
    expect(escapeUnsafeCharacters('one\ntwo\u001b[2K', { keepLineBreaks: true })).toBe(
      String.raw`one` + '\n' + String.raw`two\x1b[2K`,
    );
  });
});

describe('escapeUnsafeInJson', () => {
  it('writes what JSON.stringify leaves raw as \\u escapes, and stays the same JSON', () => {
    const value = { reason: 'a\u009b2J\u202e\u2028\u007f', n: 1 };
    const text = escapeUnsafeInJson(JSON.stringify(value, null, 2));
    expect(text).not.toMatch(/[\u007f-\u009f\u2028\u202e]/u);
    expect(JSON.parse(text)).toEqual(value);
  });
});
