// Runs a figure in a fresh Node process. The local cloud's handlers read their environment
// (the AWS endpoint, the catalog) once, when first imported, so two local clouds cannot share
// a process; and a figure that measures memory should count only what it runs. A figure
// module that needs this exports `measureHere` and sets `measure` to
// `(options) => measureInFreshProcess(import.meta.url, options)`; or it runs any exported
// function of its own there with `runInFreshProcess`.
//
// The child's output comes to this terminal, line by line; its result, or the message of the
// error it failed with, comes back through a file. bench/run.ts runs each figure so, in a
// process group of its own (`ownGroup`), and aborts it at its time bound: the whole group is
// killed, with whatever the figure started (local clouds, load generators), and so it is when
// the run itself is stopped (Ctrl-C).

import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FigureResult, MeasureOptions } from './figures.js';

/** `node --import tsx`: runs TypeScript as `npm run bench` does. */
export function tsNode(
  script: string,
  args: readonly string[],
  options: { detached?: boolean; tmp?: string } = {},
) {
  return spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: options.tmp === undefined ? process.env : { ...process.env, TMPDIR: options.tmp },
    detached: options.detached ?? false,
  });
}

export interface FreshProcessOptions {
  /** Kills the process (and its group, with `ownGroup`) when aborted. */
  signal?: AbortSignal;
  /**
   * Runs it as the leader of a new process group, so that a kill reaches all it started, with a
   * temporary folder (TMPDIR) of its own, removed when it ends, with what a killed figure left.
   */
  ownGroup?: boolean;
}

/** Process groups still running, killed if this process is stopped or exits first; and their folders. */
const groups = new Set<number>();
const folders = new Set<string>();

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
  groups.delete(pid);
}

let stopHandlersInstalled = false;

function killGroupsOnStop(): void {
  if (stopHandlersInstalled) return;
  stopHandlersInstalled = true;
  const cleanUp = () => {
    for (const pid of [...groups]) killGroup(pid);
    for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  };
  process.once('SIGINT', () => process.exit(130));
  process.once('SIGTERM', () => process.exit(143));
  process.once('exit', cleanUp);
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
  options: FreshProcessOptions = {},
): Promise<T> {
  options.signal?.throwIfAborted();
  const folder = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  const resultFile = join(folder, 'result.json');
  const args = [moduleUrl, exportName, JSON.stringify(argument), resultFile];
  const tmp = options.ownGroup === true ? join(folder, 'tmp') : undefined;
  if (tmp !== undefined) mkdirSync(tmp);
  folders.add(folder);
  const child = tsNode(fileURLToPath(import.meta.url), args, { detached: options.ownGroup === true, tmp });
  const pid = child.pid;
  if (options.ownGroup === true && pid !== undefined) {
    killGroupsOnStop();
    groups.add(pid);
  }
  const abort = () =>
    options.ownGroup === true && pid !== undefined ? killGroup(pid) : child.kill('SIGKILL');
  options.signal?.addEventListener('abort', abort, { once: true });
  try {
    forward(child.stdout, process.stdout);
    forward(child.stderr, process.stderr);
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, signal) => resolve(signal === null ? exitCode : -1));
    });
    const outcome = existsSync(resultFile)
      ? (JSON.parse(readFileSync(resultFile, 'utf8')) as { result: T } | { error: string })
      : undefined;
    if (outcome !== undefined && 'result' in outcome) return outcome.result;
    throw new Error(outcome?.error ?? `the figure's process exited with ${code}; its output is above`);
  } finally {
    options.signal?.removeEventListener('abort', abort);
    if (pid !== undefined) groups.delete(pid);
    rmSync(folder, { recursive: true, force: true });
    folders.delete(folder);
  }
}

async function child(moduleUrl: string, exportName: string, argument: string, resultFile: string) {
  const module = (await import(moduleUrl)) as Record<string, unknown>;
  const run = module[exportName];
  if (typeof run !== 'function') throw new Error(`${moduleUrl} exports no function ${exportName}`);
  try {
    const result: unknown = await (run as (argument: unknown) => Promise<unknown>)(JSON.parse(argument));
    writeFileSync(resultFile, JSON.stringify({ result }));
  } catch (error) {
    writeFileSync(
      resultFile,
      JSON.stringify({ error: error instanceof Error ? error.message : String(error) }),
    );
    throw error;
  }
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
