// `cutover local start` as its own process, as a user runs it: on free ports in a fresh data
// folder, watched through its HTTP API, and ended with signals. For the tests of how the
// local cloud starts and stops, which only a real process (its event loop, its exit) can show.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../cli/main.js';
import { freePort } from './emulators.js';

const CLI = new URL('../cli/cutover.mjs', import.meta.url).pathname;
/** Processes started here that have not ended yet. */
const running = new Set<ChildProcess>();

/** The temporary folders the data folders are in. */
const folders: string[] = [];

/** Kills whatever a failed test left running (SIGKILL: no test is watching it any more). */
export function killLeftovers(): void {
  for (const child of running) child.kill('SIGKILL');
}

export function removeDataFolders(): void {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process ended (Date.now()). */
  at: number;
}

export interface LocalProcess {
  dataDir: string;
  endpoint: string;
  apiEndpoint: string;
  stdout(): string;
  stderr(): string;
  /** When `text` first appeared on stderr (Date.now()), if it has. */
  seenOnStderr(text: string): number | undefined;
  exited: Promise<Exit>;
  signal(name: NodeJS.Signals): void;
}

/** Spawns `cutover local start` with `args` after the data folder and free ports. */
export function spawnLocal(args: string[], ports?: { port: number; apiPort: number }): LocalProcess {
  const folder = mkdtempSync(join(tmpdir(), 'cutover-process-'));
  folders.push(folder);
  const dataDir = join(folder, 'data');
  const port = ports?.port ?? 0;
  const apiPort = ports?.apiPort ?? 0;
  const child = spawn(
    process.execPath,
    [CLI, 'local', 'start', '--data', dataDir, '--port', String(port), '--api-port', String(apiPort)].concat(
      args,
    ),
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  /** Each piece of stderr with when it came. */
  const err: { at: number; text: string }[] = [];
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => err.push({ at: Date.now(), text: chunk.toString() }));
  running.add(child);
  const exited = new Promise<Exit>((resolve) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  return {
    dataDir,
    endpoint: `http://127.0.0.1:${port}`,
    apiEndpoint: `http://127.0.0.1:${apiPort}`,
    stdout: () => out,
    stderr: () => err.map((piece) => piece.text).join(''),
    seenOnStderr(text) {
      let sofar = '';
      for (const piece of err) {
        sofar += piece.text;
        if (sofar.includes(text)) return piece.at;
      }
      return undefined;
    },
    exited,
    signal: (name) => child.kill(name),
  };
}

/** A local cloud in its own process, on free ports, once it says it is running. */
export async function startLocal(args: string[] = []): Promise<LocalProcess> {
  const local = spawnLocal(args, { port: await freePort(), apiPort: await freePort() });
  const ended = local.exited.then((exit) => {
    throw new Error(
      `cutover local start ended (${exit.code ?? exit.signal}) before it ran:\n${local.stderr()}`,
    );
  });
  await Promise.race([ended, waitFor(() => local.stdout().includes('local cloud is running'), 90_000)]);
  ended.catch(() => undefined);
  return local;
}

/** Pushes an image to the local cloud, as `cutover local push` does. */
export async function push(local: LocalProcess, reference: string, profile = 'healthy'): Promise<void> {
  const lines: string[] = [];
  const io = { json: false, out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  const code = await main(
    ['local', 'push', reference, '--profile', profile, '--data', local.dataDir, '--wait', '0'],
    io,
  );
  if (code !== 0) throw new Error(`push ${reference} exited ${code}: ${lines.join('\n')}`);
}

/** The phase of the service's running deployment, as the HTTP API shows it; null if none runs. */
export async function phaseOf(local: LocalProcess, service: string): Promise<string | null> {
  const token = readFileSync(join(local.dataDir, 'token'), 'utf8').trim();
  const response = await fetch(`${local.apiEndpoint}/services/${service}`, {
    headers: { authorization: `Bearer ${token}` },
  });
  if (!response.ok) throw new Error(`GET /services/${service} answered ${response.status}`);
  const view = (await response.json()) as { deployment: { phase: string } | null };
  return view.deployment?.phase ?? null;
}

/** Polls `check` every 50 ms until it holds; fails after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what = 'the condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not hold within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
