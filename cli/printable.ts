// What the CLI shows from the ledger or the API is shown, never obeyed: a control character in a
// reason, an actor or an image (an escape sequence that colours, erases a line or moves the
// cursor, a carriage return, a line break that forges a line) is printed as its escape, `\x1b`,
// `\r`, `\n`. Every command writes through printableOutput (main.ts wraps the Output with it);
// renderers also pass each field through `printable`, so that a line break inside a field
// cannot start a line of its own. The characters are listed once, in
// shared/domain/control-characters.ts.

import { escapeUnsafeCharacters, escapeUnsafeInJson } from '../shared/domain/control-characters.js';
import type { Output } from './output.js';

/** One field, on one line: every control character escaped, line breaks included. */
export function printable(text: string): string {
  return escapeUnsafeCharacters(text);
}

/** `value` as indented JSON, with what JSON.stringify leaves raw (DEL, C1, bidi controls) as `\uXXXX`. */
export function jsonText(value: unknown, indent?: number): string {
  return escapeUnsafeInJson(JSON.stringify(value, null, indent));
}

/**
 * An Output whose lines reach the terminal with every control character escaped, except the
 * line breaks the CLI itself puts between lines. Redrawing in place goes through `clearLines`,
 * which takes a number, not text.
 */
export function printableOutput(output: Output): Output {
  const safe = (text: string) => escapeUnsafeCharacters(text, { keepLineBreaks: true });
  return {
    json: output.json,
    out: (line) => output.out(safe(line)),
    err: (line) => output.err(safe(line)),
    ...(output.clearLines ? { clearLines: (lines: number) => output.clearLines!(lines) } : {}),
  };
}
