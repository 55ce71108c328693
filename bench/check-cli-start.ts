// CI's check of the CLI's start-up (npm run bench:check-cli-start): that `npm ci` left the
// prebuilt bundle current, and that `cutover --help` and `cutover plan` take at most 3 times as
// long as `node -e 0` (medians of interleaved fresh processes: a ratio, so a busy machine slows
// both sides alike). Exits 1, with the figures, if not. `npm run bench` measures more
// (bench/cli-start.ts): against a local cloud, from the sources too, and the 300 ms bound.

import { bundleDir, freshEntry } from '../cli/bundle/manifest.mjs';
import { cutover, medianWallMs, NODE_ALONE } from './cli-start-time.js';

const MAX_RATIO = 3;
const ROUNDS = 11;

if (freshEntry() === undefined) {
  console.error(
    `cli start-up: no current CLI bundle in ${bundleDir()} after npm ci: the prepare script ` +
      '(node cli/bundle/build.mjs) did not build it, so every command would rebuild it or run from the sources',
  );
  process.exit(1);
}
const commands = [
  cutover('cutover --help', ['--help']),
  cutover('cutover plan web', ['plan', 'web', '--catalog', 'examples/catalog.yml']),
];
const medians = medianWallMs([NODE_ALONE, ...commands], ROUNDS);
const node = medians.get(NODE_ALONE.label)!;
console.log(`${NODE_ALONE.label.padEnd(18)} ${node.toFixed(0).padStart(5)} ms`);
let failed = 0;
for (const { label } of commands) {
  const ms = medians.get(label)!;
  const ratio = ms / node;
  const ok = ratio <= MAX_RATIO;
  if (!ok) failed += 1;
  console.log(
    `${label.padEnd(18)} ${ms.toFixed(0).padStart(5)} ms  ${ratio.toFixed(2)}× node -e 0  ${ok ? 'ok' : 'FAIL'}`,
  );
}
if (failed > 0) {
  console.error(
    `\ncli start-up: ${failed} command(s) over ${MAX_RATIO}× node -e 0 (medians of ${ROUNDS} rounds): ` +
      'something now loads at start-up that only some commands need; see docs/performance.md#cli-start-up',
  );
  process.exitCode = 1;
} else {
  console.log(`\ncli start-up: within ${MAX_RATIO}× node -e 0 (medians of ${ROUNDS} rounds)`);
}
