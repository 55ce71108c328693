// Runs asl-validator on every state machine in statemachines/. Exits non-zero if
// any file is invalid. The ASL files hold {"Fn::GetAtt": [...]} where a Lambda ARN
// goes (serverless-step-functions resolves them at package time), so for the
// validator those objects are replaced with a placeholder ARN first.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = 'statemachines';
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.asl.json')) : [];
const scratch = mkdtempSync(join(tmpdir(), 'asl-'));
const placeholder = 'arn:aws:lambda:us-east-1:123456789012:function:placeholder';

function withoutIntrinsics(value) {
  if (Array.isArray(value)) return value.map(withoutIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  if ('Fn::GetAtt' in value || 'Ref' in value || 'Fn::Sub' in value) return placeholder;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutIntrinsics(v)]));
}

let failed = 0;
for (const file of files) {
  const resolved = join(scratch, file);
  writeFileSync(
    resolved,
    JSON.stringify(withoutIntrinsics(JSON.parse(readFileSync(join(dir, file), 'utf8')))),
  );
  try {
    execFileSync('node_modules/.bin/asl-validator', ['--json-path', resolved], { stdio: 'pipe' });
    console.log(`asl-validator: ${file} ok`);
  } catch (error) {
    failed += 1;
    console.error(`asl-validator: ${file} INVALID\n${error.stdout}${error.stderr}`);
  }
}
console.log(`asl-validator: ${files.length - failed} of ${files.length} state machine(s) valid`);
process.exit(failed === 0 ? 0 : 1);
