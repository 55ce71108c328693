// Where CLI output goes. Commands write through an Output so that tests can run
// them in-process and read what a user would see.

export interface Output {
  json: boolean;
  out(line: string): void;
  err(line: string): void;
}

export function processOutput(json: boolean): Output {
  quietOnClosedPipe();
  return {
    json,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
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
  output.out(JSON.stringify(value, null, 2));
}

/** `45` → `45s`, `90` → `1m 30s`, `600` → `10m`, `5400` → `1h 30m`. */
export function formatDuration(seconds: number): string {
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${small}${smallUnit}`;
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return pair(Math.floor(seconds / 60), 'm', seconds % 60, 's');
  return pair(Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'm');
}
