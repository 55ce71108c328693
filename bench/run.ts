// Runs the benchmarks: every figure listed below, one after another, each in a fresh process
// of its own with a time bound; prints a table per figure and writes bench/results/latest.json
// (the published figures) after each one. A figure that fails or runs past its bound is
// recorded as not measured, with the reason, and the next one runs (bench/runner.ts).
//
//   npm run bench                                   every figure
//   npm run bench -- --only transitions,bundles     a subset (the other figures are kept)
//   npm run bench -- --quick                        fewer repetitions
//   npm run bench -- --markdown                     tables for docs/performance.md
//   npm run bench -- --timeout 60                   every chosen figure bounded at 60 s
//
// Exit code 0 when every target of the chosen figures was measured and met; 1 when one was
// missed or could not be measured; 2 for a usage error.
//
// A new figure is a module exporting `measure` (bench/figures.ts) added to `figures`.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import { parseArgs } from 'node:util';
import type { FigureResult, MeasureOptions, Results } from './figures.js';
import { runInFreshProcess } from './fresh-process.js';
import { formatSummary, runFigures, type FigureJob } from './runner.js';

/** Every figure, in the order they run: its module, and how long it may take (real minutes). */
const figures: Record<string, { module: string; minutes: number }> = {
  bundles: { module: './bundles.ts', minutes: 15 },
  transitions: { module: './transitions.ts', minutes: 5 },
  rollback: { module: './rollback-reaction.ts', minutes: 10 },
  scale: { module: './scale.ts', minutes: 50 },
  api: { module: './api-latency.ts', minutes: 30 },
  dynamodb: { module: './dynamodb-writes.ts', minutes: 5 },
  'state-size': { module: './state-size.ts', minutes: 10 },
  'cli-start': { module: './cli-start.ts', minutes: 10 },
};

const resultsFile = new URL('./results/latest.json', import.meta.url);

function usage(message: string): never {
  console.error(`bench: ${message}\nfigures: ${Object.keys(figures).join(', ')}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    markdown: { type: 'boolean', default: false },
    timeout: { type: 'string' },
  },
});
const only = values.only?.split(',').map((s) => s.trim()) ?? Object.keys(figures);
for (const name of only) if (!(name in figures)) usage(`there is no figure "${name}"`);
const timeout = values.timeout === undefined ? undefined : Number(values.timeout);
if (timeout !== undefined && !(Number.isFinite(timeout) && timeout > 0)) {
  usage(`--timeout takes a number of seconds above 0, not "${values.timeout}"`);
}
const options: MeasureOptions = { quick: values.quick };

const jobs: FigureJob[] = Object.entries(figures)
  .filter(([name]) => only.includes(name))
  .map(([name, { module, minutes }]) => ({
    name,
    timeoutSeconds: timeout ?? minutes * 60,
    measure: (signal) =>
      runInFreshProcess<FigureResult>(new URL(module, import.meta.url).href, 'measure', options, {
        signal,
        ownGroup: true,
      }),
  }));

/** Writes the results, the figures in the order of `figures` whatever order earlier runs left. */
function save(results: Results): void {
  const order = [...Object.keys(figures), ...Object.keys(results.figures)];
  const ordered = Object.fromEntries(
    order
      .filter((name, i) => name in results.figures && order.indexOf(name) === i)
      .map((name) => [name, results.figures[name]!]),
  );
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  writeFileSync(resultsFile, `${JSON.stringify({ figures: ordered }, null, 2)}\n`);
}

const summary = await runFigures(jobs, {
  results: existsSync(resultsFile)
    ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results)
    : { figures: {} },
  quick: values.quick,
  markdown: values.markdown,
  environment: {
    node: process.version,
    platform: `${platform()} ${arch()}`,
    cpus: `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown'}`,
  },
  save,
  log: (text) => console.log(text),
  today: new Date().toISOString().slice(0, 10),
});
console.log(`\nbench: wrote bench/results/latest.json\n\n${formatSummary(summary)}`);
process.exitCode = summary.exitCode;
