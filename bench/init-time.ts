// Module init time of Lambda bundles: each bundle is imported by a fresh `node`
// process, and its handler built from the environment, `runs` times, and the median wall time of those processes is compared
// with the median of bare `node` processes that import nothing. Rounds interleave
// the bare process and every bundle, so a slow spell of the machine hits them all.
// Each process also reports the import alone, timed inside it, as a cross-check.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { median } from './figures.js';

export interface InitTime {
  /** Median wall time of a process importing the bundle, minus that of a bare process. */
  initMs: number;
  /** Median time of the `import()` and the handler's build, measured inside the process. */
  importMs: number;
}

/** A module that imports the bundle given as its argument and prints how long that took. */
const PROBE = `const before = performance.now();
if (process.argv[2] !== undefined) {
  const module = await import(process.argv[2]);
  // A handler is built from its environment at its first call (shared/runtime/lambda-handler.ts),
  // so that is timed here too: the figure is all a cold start does before the handler's own work.
  const build = module.handlerFor ?? module.default?.handlerFor;
  if (typeof build !== 'function') throw new Error(process.argv[2] + ' exports no handlerFor');
  build(process.env);
}
process.stdout.write(String(performance.now() - before));
`;

function once(probe: string, bundle: string | undefined, env: NodeJS.ProcessEnv) {
  const started = process.hrtime.bigint();
  const args = bundle === undefined ? [probe] : [probe, pathToFileURL(bundle).href];
  const child = spawnSync(process.execPath, args, {
    env,
    encoding: 'utf8',
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) {
    throw new Error(`importing ${bundle ?? 'nothing'} failed (exit ${child.status}):\n${child.stderr}`);
  }
  return { wallMs, importMs: Number(child.stdout) };
}

/**
 * Init times of the given bundles (absolute paths), keyed by path, and the median wall
 * time of a bare process. `env` is the whole environment of the child processes: what
 * the handlers read at import.
 */
export function measureInitTimes(
  bundles: readonly string[],
  options: { runs: number; workDir: string; env: NodeJS.ProcessEnv },
): { bareMs: number; times: Map<string, InitTime> } {
  const probe = join(options.workDir, 'probe.mjs');
  writeFileSync(probe, PROBE);
  const bare: number[] = [];
  const samples = new Map(bundles.map((b) => [b, { wall: [] as number[], imports: [] as number[] }]));
  // One untimed round first: it warms the file cache, as a Lambda's disk is warm.
  for (const bundle of bundles) once(probe, bundle, options.env);
  for (let round = 0; round < options.runs; round += 1) {
    bare.push(once(probe, undefined, options.env).wallMs);
    for (const bundle of bundles) {
      const { wallMs, importMs } = once(probe, bundle, options.env);
      samples.get(bundle)!.wall.push(wallMs);
      samples.get(bundle)!.imports.push(importMs);
    }
  }
  const bareMs = median(bare);
  const times = new Map(
    [...samples].map(([bundle, s]) => [
      bundle,
      { initMs: median(s.wall) - bareMs, importMs: median(s.imports) },
    ]),
  );
  return { bareMs, times };
}
