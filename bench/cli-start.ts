// CLI start-up: how long `cutover --help`, `cutover plan` and `cutover status` take as fresh
// processes, from the prebuilt bundle and from the TypeScript sources (CUTOVER_CLI_FROM_SOURCE=1,
// which is how every command ran before the bundle), beside `node -e 0`. `status` asks a local
// cloud started for the figure the way `npm start` starts one, in its own process.

import { buildBundle } from '../cli/bundle/build.mjs';
import { freshEntry } from '../cli/bundle/manifest.mjs';
import { killLeftovers, removeDataFolders, startLocal } from '../harness/local-process.js';
import type { FigureResult, MeasureOptions, Target } from './figures.js';
import { cutover, medianWallMs, NODE_ALONE, type Invocation } from './cli-start-time.js';
import { loadAverage, machine } from './local-cloud.js';

const TARGET_MS = 300;
const TARGET_RATIO = 3;

const round1 = (value: number) => Math.round(value * 10) / 10;

export async function measure({ quick }: MeasureOptions): Promise<FigureResult> {
  const rounds = quick ? 5 : 21;
  const load = loadAverage();
  if (freshEntry() === undefined) await buildBundle();
  const local = await startLocal();
  let medians: Map<string, number>;
  const commands = [
    ['cutover --help', ['--help']],
    ['cutover plan web', ['plan', 'web', '--catalog', 'examples/catalog.yml']],
    ['cutover status web', ['status', 'web', '--data', local.dataDir]],
  ] as const;
  try {
    const invocations: Invocation[] = [NODE_ALONE];
    for (const [label, args] of commands) {
      invocations.push(cutover(label, [...args]), cutover(`${label} (sources)`, [...args], true));
    }
    // How most of the README's examples run it: npm finds the command first.
    invocations.push({ label: 'npx cutover --help', command: 'npx', args: ['cutover', '--help'] });
    medians = medianWallMs(invocations, rounds);
  } finally {
    local.signal('SIGINT');
    await Promise.race([local.exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
    killLeftovers();
    removeDataFolders();
  }
  const node = medians.get(NODE_ALONE.label)!;
  const rows = [
    {
      command: NODE_ALONE.label,
      'bundle (ms)': round1(node),
      '× node': 1,
      'sources (ms)': '',
      '× node ': '',
    },
    ...commands.map(([label]) => {
      const bundle = medians.get(label)!;
      const sources = medians.get(`${label} (sources)`)!;
      return {
        command: label,
        'bundle (ms)': round1(bundle),
        '× node': round1(bundle / node),
        'sources (ms)': round1(sources),
        '× node ': round1(sources / node),
      };
    }),
    {
      command: 'npx cutover --help',
      'bundle (ms)': round1(medians.get('npx cutover --help')!),
      '× node': round1(medians.get('npx cutover --help')! / node),
      'sources (ms)': '',
      '× node ': '',
    },
  ];
  const targets: Target[] = commands.flatMap(([label]) => {
    const ms = medians.get(label)!;
    return [
      {
        what: `${label}: wall time`,
        target: `≤ ${TARGET_MS} ms`,
        actual: `${round1(ms)} ms`,
        met: ms <= TARGET_MS,
      },
      {
        what: `${label}: wall time ÷ node -e 0`,
        target: `≤ ${TARGET_RATIO}×`,
        actual: `${round1(ms / node)}×`,
        met: ms / node <= TARGET_RATIO,
      },
    ];
  });
  const notes = [
    `Median wall time of ${rounds} interleaved rounds of fresh processes (after one untimed round), ` +
      `on ${machine(load)}. status asks a local cloud running in its own process, as npm start runs it.`,
    'bundle: cli/cutover.mjs running the prebuilt bundle (dist/cli/). sources: the same commands with ' +
      'CUTOVER_CLI_FROM_SOURCE=1, compiled through the TypeScript loader at each call, as before the bundle.',
    'npx cutover --help: the bundle, run through npx, which reads node_modules to find the command first; no target.',
  ];
  return { name: 'CLI start-up', rows, targets, notes };
}
