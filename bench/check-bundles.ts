// CI's bundle check (npm run bench:check-bundles): bundles every function as it is
// packaged and compares it with bench/bundle-budget.json (bench/budget.ts). Exits 1,
// naming the function, its size and its budget, if a bundle is more than 10% over its
// budget, holds an AWS SDK client that is not on its list, or has no budget.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundles } from './bundle-build.js';
import { checkBudget, readBudget } from './budget.js';

const workDir = mkdtempSync(join(tmpdir(), 'cutover-bundles-'));
try {
  const budget = readBudget();
  const { verdicts, gone } = checkBudget(await buildBundles(workDir), budget);
  for (const v of verdicts) {
    const share = v.percent === undefined ? 'no budget' : `${v.percent}% of ${v.budget}`;
    const status = v.problems.length === 0 ? 'ok  ' : 'FAIL';
    console.log(`${status} ${v.name.padEnd(26)} ${String(v.bytes).padStart(9)} bytes, ${share}`);
  }
  const warnings = verdicts.flatMap((v) => v.warnings);
  if (gone.length > 0)
    warnings.push(`budgets for functions not in serverless.yml: ${gone.join(', ')}; remove them`);
  if (warnings.length > 0)
    console.log(`\nbundle budget, to tidy:\n${warnings.map((w) => `- ${w}`).join('\n')}`);
  const problems = verdicts.flatMap((v) => v.problems);
  if (problems.length > 0) {
    console.error(
      `\nbundle budget: ${problems.length} problem(s)\n${problems.map((p) => `- ${p}`).join('\n')}`,
    );
    process.exitCode = 1;
  } else {
    const growth = `${Math.round(budget.allowedGrowth * 100)}%`;
    console.log(
      `\nbundle budget: all ${verdicts.length} bundles within ${growth} of their budgets, no AWS client off their lists`,
    );
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
