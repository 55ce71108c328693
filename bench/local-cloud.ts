// The local cloud for the figures measured on it (rollback reaction, scale, API latency):
// started in-process with `cutover local start`'s defaults (a tick every 100 ms, 4 tasks a
// service, 20 requests a second each) unless a figure says otherwise, on free ports, in a
// fresh data folder, with its handlers warmed; and stopped cleanly. The handle is the one the
// local-cloud tests use (harness/local-cloud.ts), so their helpers work on it. Each such
// figure runs in a fresh process (bench/fresh-process.ts): the handlers read the endpoint and
// the catalog once per process.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalCloud } from '../local/cloud.js';
import { FUNCTION_NAMES } from '../local/functions.js';
import { parseCatalog } from '../shared/domain/catalog-yaml.js';
import { clientsFor, stopCleanly, type CloudHandle } from '../harness/local-cloud.js';

export type { CloudHandle } from '../harness/local-cloud.js';

export interface BenchCloudOptions {
  catalogPath: string;
  /** Simulated seconds per real second. */
  speed: number;
  /** Real ms between simulation ticks (`cutover local start`: 100). */
  tickMs?: number;
  /** Tasks per service (`cutover local start`: 4). */
  desiredCount?: number;
  /** Simulated requests a second on each service (`cutover local start`: 20). */
  requestsPerSecond?: number;
}

export async function startBenchCloud(options: BenchCloudOptions): Promise<CloudHandle> {
  // Handlers log warnings as they work; a benchmark prints only its own progress and errors.
  process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
  const catalog = parseCatalog(readFileSync(options.catalogPath, 'utf8'));
  const dataDir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  const cloud = await LocalCloud.start({
    catalog,
    catalogPath: options.catalogPath,
    dataDir,
    speed: options.speed,
    port: 0,
    apiPort: 0,
    tickMs: options.tickMs ?? 100,
    desiredCount: options.desiredCount ?? 4,
    requestsPerSecond: options.requestsPerSecond ?? 20,
  });
  const clients = clientsFor(cloud.endpoint);
  const handle: CloudHandle = {
    cloud,
    catalog,
    dataDir,
    clients,
    stop: async () => {
      await cloud.stop();
      for (const client of [clients.ecs, clients.elb, clients.sfn, clients.cloudwatch]) client.destroy();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  await warmUp(handle);
  return handle;
}

/**
 * Calls every handler once with no input, which each refuses: as a warm Lambda, its code is
 * loaded and has run once before the first measured call. Not the API (already serving), nor
 * the scheduled drift check and orphan recovery (which would do their work).
 */
async function warmUp(handle: CloudHandle): Promise<void> {
  const names = FUNCTION_NAMES.filter((name) => !['api', 'check-drift', 'recover-orphans'].includes(name));
  const results = await Promise.allSettled(
    names.map((name) => handle.cloud.functions.resolve(name)({}, { functionName: name })),
  );
  const accepted = names.filter((_, i) => results[i]!.status === 'fulfilled');
  if (accepted.length > 0) throw new Error(`warm-up: ${accepted.join(', ')} accepted an empty input`);
}

/** The local cloud's own upkeep, in real ms of its main thread, counted since `watchUpkeep`. */
export interface Upkeep {
  saves: number;
  saveMs: number;
  longestSaveMs: number;
  worldMs: number;
  longestWorldMs: number;
}

/**
 * Times the local cloud's upkeep: how long its saves of state.json held the main thread (as the
 * saver counts it), and the simulated world's ticks (a public method, wrapped here; what it does
 * is unchanged). Both run on the thread that serves the AWS endpoint, the API and the handlers:
 * while one runs, nothing else does.
 */
export function watchUpkeep(handle: CloudHandle): Upkeep {
  const upkeep: Upkeep = { saves: 0, saveMs: 0, longestSaveMs: 0, worldMs: 0, longestWorldMs: 0 };
  const { cloud } = handle;
  // Saves: what they held the main thread (snapshot and text; writing and syncing are off it).
  const held = { ...cloud.saver.held };
  Object.defineProperties(upkeep, {
    saves: { get: () => cloud.saver.held.saves - held.saves, enumerable: true },
    saveMs: { get: () => cloud.saver.held.ms - held.ms, enumerable: true },
    // The longest over the cloud's life: each figure watches a cloud from its start.
    longestSaveMs: { get: () => cloud.saver.held.longestMs, enumerable: true },
  });
  const { world } = cloud;
  const tick = world.tick.bind(world);
  world.tick = () => {
    const started = performance.now();
    try {
      tick();
    } finally {
      const ms = performance.now() - started;
      upkeep.worldMs += ms;
      upkeep.longestWorldMs = Math.max(upkeep.longestWorldMs, ms);
    }
  };
  return upkeep;
}

/** Stops what is still running, lets handler calls in flight finish (up to 10 s), and stops the cloud. */
export const stopBenchCloud = (handle: CloudHandle): Promise<void> => stopCleanly(handle, 10_000);

/**
 * The machine, as the notes give it: "2 CPUs (AMD EPYC …), Node v20.20.2, linux x64", and how
 * busy it was when the figure started (`loadBefore`, from `loadAverage()`): other work on the
 * machine shares its cores with the figure.
 */
export function machine(loadBefore: number): string {
  const list = cpus();
  return (
    `${list.length} CPUs (${list[0]?.model.trim() ?? 'unknown'}), Node ${process.version}, ` +
    `${process.platform} ${process.arch}; 1-minute load average ${loadBefore} when the figure started`
  );
}

/** The 1-minute load average, to one decimal. */
export const loadAverage = () => Math.round(loadavg()[0]! * 10) / 10;

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Milliseconds to one decimal. */
export const ms1 = (value: number) => Math.round(value * 10) / 10;
