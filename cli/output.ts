// Where CLI output goes. Commands write through an Output so that tests can run
// them in-process and read what a user would see.

import { jsonText } from './printable.js';

export interface Output {
  json: boolean;
  out(line: string): void;
  err(line: string): void;
  /**
   * On a terminal: move the cursor to the start of the line `lines` lines up and clear from
   * there to the end of the screen, so that the next lines redraw what was there.
   */
  clearLines?(lines: number): void;
}

export function processOutput(json: boolean): Output {
  quietOnClosedPipe();
  return {
    json,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    clearLines: (lines) => process.stdout.write(`\x1b[${lines}F\x1b[J`),
  };
}

let guarded = false;

/** `cutover releases web | head -1`: a reader that stops early ends the command quietly. */
function quietOnClosedPipe(): void {
  if (guarded) return;
  guarded = true;
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    });
  }
}

export function printJson(output: Output, value: unknown): void {
  output.out(jsonText(value, 2));
}
