// Figure 1, Lambda bundles: for each function, as `npm run package` bundles it
// (bench/bundle-build.ts): the minified size and its gzip size, the module init time
// (median over 20 fresh `node` processes importing it, minus a bare `node`; 5 with
// --quick), the AWS SDK client packages in it and the services it reaches by signed
// requests instead, and how it stands against its budget (bench/bundle-budget.json,
// checked in CI by bench/check-bundles.ts).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BENCH_CATALOG, buildBundles, readPackaging, type Bundle } from './bundle-build.js';
import { checkBudget, readBudget } from './budget.js';
import type { FigureResult, MeasureOptions } from './figures.js';
import { measureInitTimes } from './init-time.js';

/** What a handler reads at import, as on Lambda, with nothing that reaches the network. */
function lambdaEnvironment(workDir: string, fromServerless: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    ...fromServerless,
    LAMBDA_TASK_ROOT: workDir,
    CUTOVER_CATALOG: BENCH_CATALOG,
    LEDGER_TABLE: 'cutover-bench-ledger',
    LEDGER_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001',
    LEDGER_ANCHOR_BUCKET: 'cutover-anchors',
    DEPLOYMENTS_TABLE: 'cutover-bench-deployments',
    CUTOVER_EVENT_BUS: 'cutover',
    BAKE_SCHEDULE_GROUP: 'cutover-bench-bakes',
    BAKE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cutover-bench-bake-scheduler',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

const kb = (bytes: number) => Math.round(bytes / 100) / 10;
const ms = (value: number) => Math.round(value * 10) / 10;

/** The packages over 50 kB in every bundle, with their smallest size. */
function common(bundles: Bundle[]): string {
  const sizes = bundles.map((b) => new Map(b.packages));
  const shared = bundles[0]!.packages
    .map(([name]) => [name, Math.min(...sizes.map((s) => s.get(name) ?? 0))] as const)
    .filter(([, n]) => n > 50_000);
  return shared.map(([name, n]) => `${name} (${kb(n)} kB or more)`).join(', ') || 'no package over 50 kB';
}

const largestPackages = (bundle: Bundle, count: number) =>
  bundle.packages
    .slice(0, count)
    .map(([name, bytes]) => `${name} ${kb(bytes)} kB`)
    .join(', ');

/** Issue 16's cold-start targets: a bundle's minified size, and its init over a bare node. */
const MAX_BYTES = 500_000;
const MAX_INIT_MS = 60;

const within = <T>(items: T[], ok: (item: T) => boolean) => items.filter(ok).length;

export async function measure({ quick }: MeasureOptions): Promise<FigureResult> {
  const runs = quick ? 5 : 20;
  const workDir = mkdtempSync(join(tmpdir(), 'cutover-bench-'));
  try {
    const packaging = readPackaging();
    const bundles = await buildBundles(workDir, packaging);
    const checked = checkBudget(bundles, readBudget());
    const verdicts = new Map(checked.verdicts.map((v) => [v.name, v]));
    const env = lambdaEnvironment(workDir, packaging.environment);
    const { bareMs, times } = measureInitTimes(
      bundles.map((b) => b.file),
      { runs, workDir, env },
    );

    const rows = bundles.map((b) => {
      const verdict = verdicts.get(b.name)!;
      const time = times.get(b.file)!;
      return {
        function: b.name,
        'size (kB)': kb(b.bytes),
        'gzip (kB)': kb(b.gzipBytes),
        'init (ms)': ms(time.initMs),
        'import (ms)': ms(time.importMs),
        'budget (kB)': verdict.budget === undefined ? 'none' : kb(verdict.budget),
        'of budget': verdict.percent === undefined ? '' : `${verdict.percent}%`,
        'AWS clients': b.clients.map((c) => c.replace(/^client-/, '')).join(' ') || '(none)',
        'signed requests': b.signed.join(' ') || '(none)',
        'only used clients': verdict.clientsOk,
      };
    });
    const largest = bundles.reduce((a, b) => (b.bytes > a.bytes ? b : a));
    const slowest = bundles.reduce((a, b) => (times.get(b.file)!.initMs > times.get(a.file)!.initMs ? b : a));
    const worst = [...verdicts.values()].reduce((a, b) => ((b.percent ?? 999) > (a.percent ?? 999) ? b : a));
    const clean = [...verdicts.values()].filter((v) => v.clientsOk).length;
    const problems = [...verdicts.values()].flatMap((v) => [...v.problems, ...v.warnings]);
    if (checked.gone.length > 0)
      problems.push(`Budgets for functions not in serverless.yml: ${checked.gone.join(', ')}.`);
    return {
      name: 'Lambda bundles',
      rows,
      targets: [
        {
          what: 'every bundle at most 10% over its budget',
          target: '≤ 110% of budget',
          actual: `highest: ${worst.name} at ${worst.percent ?? '(no budget)'}%`,
          met: [...verdicts.values()].every((v) => v.sizeOk),
        },
        {
          what: `every bundle at most ${kb(MAX_BYTES)} kB minified`,
          target: `${bundles.length} of ${bundles.length}`,
          actual: `${within(bundles, (b) => b.bytes <= MAX_BYTES)} of ${bundles.length} (largest: ${largest.name}, ${kb(largest.bytes)} kB)`,
          met: within(bundles, (b) => b.bytes <= MAX_BYTES) === bundles.length,
        },
        {
          what: `every function's init at most ${MAX_INIT_MS} ms over bare node (median of ${runs})`,
          target: `${bundles.length} of ${bundles.length}`,
          actual: `${within(bundles, (b) => times.get(b.file)!.initMs <= MAX_INIT_MS)} of ${bundles.length} (slowest: ${slowest.name}, ${ms(times.get(slowest.file)!.initMs)} ms)`,
          met: within(bundles, (b) => times.get(b.file)!.initMs <= MAX_INIT_MS) === bundles.length,
        },
        {
          what: 'each function bundles only the AWS clients it uses',
          target: `${verdicts.size} of ${verdicts.size}`,
          actual: `${clean} of ${verdicts.size}`,
          met: clean === verdicts.size,
        },
      ],
      notes: [
        `Sizes are the minified .mjs file (kB = 1,000 bytes); the package also holds its source map.`,
        `AWS clients: the AWS SDK client packages in the bundle. Signed requests: the services it ` +
          `reaches without one, by requests signed and sent by shared/aws/signed-http.ts.`,
        `Init: median over ${runs} fresh processes of the wall time of \`node\` importing the bundle and building ` +
          `its handler from the environment (handlerFor, as its first call does), minus ` +
          `that of a bare \`node\` (${ms(bareMs)} ms), with serverless.yml's NODE_OPTIONS (${env.NODE_OPTIONS ?? 'none'}). ` +
          `Import: the import() and the build, timed inside the process.`,
        `Measured with Node ${process.version} on ${process.arch}; Lambda runs nodejs22.x on arm64, so compare ` +
          `functions with each other and runs with runs, not with Lambda's Init Duration.`,
        `Largest: ${largest.name} (${kb(largest.bytes)} kB), of which ${largestPackages(largest, 6)}. ` +
          `Slowest to init: ${slowest.name} (${ms(times.get(slowest.file)!.initMs)} ms).`,
        `In every bundle: ${common(bundles)}.`,
        ...problems,
      ],
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
