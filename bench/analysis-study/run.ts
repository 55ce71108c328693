// `npm run study`: the simulation study of docs/analysis.md. Prints the table and the targets,
// and draws docs/img/analysis-delays.png (the PNG needs Chromium; --no-png leaves it out).
//
//   npm run study                         # full size: 1,000 canaries of each kind, seed 1
//   npm run study -- --runs 50 --no-png   # the size CI runs

import { parseArgs } from 'node:util';
import { plotInput, studyTable, studyTargets } from './report.js';
import { writeDelayPlot } from './plot.js';
import { runStudy } from './study.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '1000' },
    rps: { type: 'string', default: '100' },
    png: { type: 'string', default: 'docs/img/analysis-delays.png' },
    'no-png': { type: 'boolean', default: false },
  },
});
const options = { seed: Number(values.seed), runs: Number(values.runs), rps: Number(values.rps) };
for (const [name, value] of Object.entries(options)) {
  if (!Number.isInteger(value) || value < 1) {
    console.error(
      `--${name} takes a whole number of at least 1, not ${String(values[name as keyof typeof values])}`,
    );
    process.exit(2);
  }
}
const started = Date.now();
const results = runStudy(options);
console.log(`${options.runs} canaries of each kind, ${options.rps} requests/s, seed ${options.seed}\n`);
console.log(studyTable(results));
console.log('');
const targets = studyTargets(results);
for (const t of targets) console.log(`${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.figure}`);
if (!values['no-png']) {
  await writeDelayPlot(plotInput(results, options), values.png);
  console.log(`\nplot: ${values.png}`);
}
console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)`);
process.exitCode = targets.every((t) => t.met) ? 0 : 1;
