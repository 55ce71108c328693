// Runs a figure in a fresh Node process. The local cloud's handlers read their environment
// (the AWS endpoint, the catalog) once, when first imported, so two local clouds cannot share
// a process; and a figure that measures memory should count only what it runs. A figure
// module that needs this exports `measureHere` and sets `measure` to
// `(options) => measureInFreshProcess(import.meta.url, options)`; or it runs any exported
// function of its own there with `runInFreshProcess`.
//
// The child's output comes to this terminal, line by line; its result comes back through a file.

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FigureResult, MeasureOptions } from './figures.js';

/** `node --import tsx`: runs TypeScript as `npm run bench` does. */
export function tsNode(script: string, args: readonly string[]) {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: process.env,
  });
}

function forward(from: Readable, to: Writable): void {
  createInterface({ input: from, crlfDelay: Infinity }).on('line', (line) => to.write(`${line}\n`));
}

export function measureInFreshProcess(moduleUrl: string, options: MeasureOptions): Promise<FigureResult> {
  return runInFreshProcess<FigureResult>(moduleUrl, 'measureHere', options);
}

/** Calls `exportName(argument)` of the module in a fresh process; both go as JSON. */
export async function runInFreshProcess<T>(
  moduleUrl: string,
  exportName: string,
  argument: unknown,
): Promise<T> {
  const folder = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  const resultFile = join(folder, 'result.json');
  try {
    const child = tsNode(fileURLToPath(import.meta.url), [
      moduleUrl,
      exportName,
      JSON.stringify(argument),
      resultFile,
    ]);
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, signal) => resolve(signal === null ? exitCode : -1));
    });
    if (code !== 0) throw new Error(`the figure's process exited with ${code}; its output is above`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

async function child(moduleUrl: string, exportName: string, argument: string, resultFile: string) {
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  const run = module[exportName];
  if (typeof run !== 'function') throw new Error(`${moduleUrl} exports no function ${exportName}`);
  const result: unknown = await (run as (argument: unknown) => Promise<unknown>)(JSON.parse(argument));
  writeFileSync(resultFile, JSON.stringify(result));
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [moduleUrl, exportName, argument, resultFile] = process.argv.slice(2);
  child(moduleUrl!, exportName!, argument!, resultFile!).then(
    // A figure stops what it started; exit anyway, so a forgotten timer cannot hang the run.
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
