// Loads every packaged Lambda bundle in a fresh Node process, the way the Lambda
// runtime does at cold start, so a bundling mistake (a CommonJS require() left in
// an ESM bundle, a missing packaged file) fails CI instead of the first deploy.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const zips = readdirSync('.serverless').filter((f) => f.endsWith('.zip'));
if (zips.length === 0) {
  console.error('smoke: no function packages in .serverless/; run npm run package first');
  process.exit(1);
}
let failed = 0;
for (const zip of zips) {
  const root = mkdtempSync(join(tmpdir(), 'bundle-'));
  execFileSync('unzip', ['-q', join('.serverless', zip), '-d', root]);
  const name = zip.replace(/\.zip$/, '');
  const entry = join(root, 'functions', `${name}.mjs`);
  try {
    execFileSync(process.execPath, ['-e', `await import(${JSON.stringify(entry)})`, '--input-type=module'], {
      cwd: root,
      stdio: 'pipe',
      env: {
        ...process.env,
        LAMBDA_TASK_ROOT: root,
        CUTOVER_CATALOG: process.env.CUTOVER_CATALOG ?? 'examples/catalog.yml',
        LEDGER_TABLE: 'ledger',
        LEDGER_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001',
        LEDGER_ANCHOR_BUCKET: 'cutover-anchors',
        DEPLOYMENTS_TABLE: 'deployments',
        BAKE_SCHEDULE_GROUP: 'bakes',
        BAKE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/bake-scheduler',
        AWS_REGION: 'us-east-1',
        POWERTOOLS_METRICS_DISABLED: 'true',
      },
    });
    console.log(`smoke: ${name} loads`);
  } catch (error) {
    failed += 1;
    console.error(`smoke: ${name} FAILED to load\n${error.stderr}`);
  }
}
process.exit(failed === 0 ? 0 : 1);
