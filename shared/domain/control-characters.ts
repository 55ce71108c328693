// The characters that operator text (a reason, an actor, a service name…) may not carry, because a
// terminal or a viewer would act on them instead of showing them: the C0 controls (escape, bell,
// backspace, carriage return, line feed, tab…), DEL, the C1 controls (U+0080–U+009F, where U+009B
// is a one-byte CSI), the Unicode line and paragraph separators, and the bidirectional embedding,
// override and isolate controls that reorder what follows them. The API refuses them; the CLI
// shows them escaped. docs/api.md lists them.

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;
const UNSAFE_ALL = new RegExp(UNSAFE.source, 'gu');

const NAMES: Record<number, string> = {
  0x00: 'NUL',
  0x07: 'BEL',
  0x08: 'BS',
  0x09: 'TAB',
  0x0a: 'LF',
  0x0d: 'CR',
  0x1b: 'ESC',
  0x7f: 'DEL',
  0x9b: 'CSI',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
};

export interface UnsafeCharacter {
  /** Where it is, counted in UTF-16 units as JavaScript does. */
  index: number;
  /** `U+001B (ESC)`. */
  description: string;
}

/** The first character `text` may not carry, or undefined when it has none. */
export function firstUnsafeCharacter(text: string): UnsafeCharacter | undefined {
  const match = UNSAFE.exec(text);
  if (match === null) return undefined;
  return { index: match.index, description: describeCharacter(match[0].charCodeAt(0)) };
}

export function describeCharacter(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = NAMES[code];
  return name === undefined ? hex : `${hex} (${name})`;
}

/**
 * `text` with every such character shown as an escape: `\x1b`, `\n`, `\u202e`. With
 * `keepLineBreaks`, a line feed stays a line feed (for text the CLI itself composed).
 */
export function escapeUnsafeCharacters(text: string, options: { keepLineBreaks?: boolean } = {}): string {
  return text.replace(UNSAFE_ALL, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x0a) return options.keepLineBreaks ? c : '\\n';
    if (code === 0x0d) return '\\r';
    if (code === 0x09) return '\\t';
    return code <= 0xff
      ? `\\x${code.toString(16).padStart(2, '0')}`
      : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** `text` (JSON) with the characters JSON.stringify leaves raw written as `\uXXXX`, still valid JSON. */
export function escapeUnsafeInJson(json: string): string {
  return json.replace(UNSAFE_ALL, (c) =>
    c === '\n' ? c : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
