// Wall time of fresh `cutover` processes, beside that of `node -e 0`: the floor any Node CLI
// pays. Rounds interleave every command, so a slow spell of the machine hits them all alike;
// figures are medians, and what is compared is their ratio to `node -e 0` in the same run.
// Used by the CLI start-up figure (bench/cli-start.ts) and CI's check (bench/check-cli-start.ts).

import { spawnSync } from 'node:child_process';
import { median } from './figures.js';

export const CLI = new URL('../cli/cutover.mjs', import.meta.url).pathname;
export const ROOT = new URL('..', import.meta.url).pathname;

export interface Invocation {
  label: string;
  /** The program, if not this Node. */
  command?: string;
  /** Its arguments (for Node, after `node`). */
  args: string[];
  env?: NodeJS.ProcessEnv;
}

export const NODE_ALONE: Invocation = { label: 'node -e 0', args: ['-e', '0'] };

/** A `cutover` command line; `fromSource` runs it from the TypeScript sources instead of the bundle. */
export function cutover(label: string, args: string[], fromSource = false): Invocation {
  const env = { ...process.env, CUTOVER_CLI_FROM_SOURCE: fromSource ? '1' : '' };
  return { label, args: [CLI, ...args], env };
}

/** One run's wall time in ms; throws, with its stderr, if it does not exit 0. */
export function wallMs(invocation: Invocation): number {
  const started = process.hrtime.bigint();
  const run = spawnSync(invocation.command ?? process.execPath, invocation.args, {
    cwd: ROOT,
    env: invocation.env ?? process.env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0)
    throw new Error(`${invocation.label} exited ${run.status ?? run.signal}: ${run.stderr.trim()}`);
  return ms;
}

/** The median wall time of each invocation over `rounds` interleaved rounds, after one untimed round. */
export function medianWallMs(invocations: readonly Invocation[], rounds: number): Map<string, number> {
  for (const invocation of invocations) wallMs(invocation);
  const samples = new Map(invocations.map((i) => [i.label, [] as number[]]));
  for (let round = 0; round < rounds; round += 1)
    for (const invocation of invocations) samples.get(invocation.label)!.push(wallMs(invocation));
  return new Map([...samples].map(([label, values]) => [label, median(values)]));
}
