// Runs the benchmarks: every figure module listed below, one after another, prints
// a table per figure and writes bench/results/latest.json (the published figures).
//
//   npm run bench                                   every figure
//   npm run bench -- --only transitions,bundles     a subset (the other figures are kept)
//   npm run bench -- --quick                        fewer repetitions
//   npm run bench -- --markdown                     tables for docs/performance.md
//
// A new figure is a module exporting `measure` (bench/figures.ts) added to `figures`.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, platform, arch } from 'node:os';
import { parseArgs } from 'node:util';
import type { FigureModule, Results } from './figures.js';
import { formatFigure } from './table.js';

/** Every figure, in the order they run. Loaded lazily: a figure may set up its environment first. */
const figures: Record<string, () => Promise<FigureModule>> = {
  bundles: () => import('./bundles.js'),
  transitions: () => import('./transitions.js'),
  rollback: () => import('./rollback-reaction.js'),
  scale: () => import('./scale.js'),
  api: () => import('./api-latency.js'),
  dynamodb: () => import('./dynamodb-writes.js'),
  'state-size': () => import('./state-size.js'),
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
  },
});
const only = values.only?.split(',').map((s) => s.trim()) ?? Object.keys(figures);
for (const name of only) if (!(name in figures)) usage(`there is no figure "${name}"`);
const chosen = Object.keys(figures).filter((name) => only.includes(name));

const results: Results = existsSync(resultsFile)
  ? (JSON.parse(readFileSync(resultsFile, 'utf8')) as Results)
  : { figures: {} };
const environment = {
  node: process.version,
  platform: `${platform()} ${arch()}`,
  cpus: `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown'}`,
};

let failedTargets = 0;
for (const name of chosen) {
  console.log(`\nbench: measuring ${name}${values.quick ? ' (quick)' : ''}…`);
  const started = performance.now();
  try {
    const figure = await (await figures[name]!()).measure({ quick: values.quick });
    const seconds = Math.round((performance.now() - started) / 100) / 10;
    const measuredAt = new Date().toISOString().slice(0, 10);
    results.figures[name] = { ...figure, measuredAt, quick: values.quick, seconds, environment };
    failedTargets += (figure.targets ?? []).filter((t) => !t.met).length;
    console.log(`\n${formatFigure(figure, values.markdown)}\n\n(${seconds} s)`);
  } catch (error) {
    // The other figures still run; this one keeps its last published result.
    console.error(`bench: ${name} failed:`, error);
    process.exitCode = 1;
  }
}

// The figures in the order of `figures`, whatever order earlier runs left them in.
const order = [...Object.keys(figures), ...Object.keys(results.figures)];
results.figures = Object.fromEntries(
  order
    .filter((name, i) => name in results.figures && order.indexOf(name) === i)
    .map((name) => [name, results.figures[name]!]),
);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nbench: wrote bench/results/latest.json; ${failedTargets} target(s) not met`);
