// Used by serverless.yml at package time: validates the catalog with the CLI (a
// broken catalog stops packaging, every problem listed) and returns the AWS
// resources it names, so each Lambda role is limited to them.
const { execFileSync } = require('node:child_process');
const { join } = require('node:path');

/** `arn:${AWS::Partition}:ecs:${AWS::Region}:…` → a CloudFormation Fn::Join with the pseudo parameters. */
function toCloudFormation(arn) {
  const parts = arn.split(/\$\{AWS::(Partition|Region|AccountId)\}/);
  if (parts.length === 1) return arn;
  const joined = parts
    .map((part, i) => (i % 2 === 1 ? { Ref: `AWS::${part}` } : part))
    .filter((p) => p !== '');
  return { 'Fn::Join': ['', joined] };
}

module.exports = async ({ resolveVariable }) => {
  const file = await resolveVariable('self:custom.catalog');
  const cli = join(__dirname, 'cutover.mjs');
  let stdout;
  try {
    stdout = execFileSync(process.execPath, [cli, 'catalog', 'check', file, '--json'], { encoding: 'utf8' });
  } catch (error) {
    const report = JSON.parse(error.stdout || '{}');
    const problems = (report.error?.problems ?? []).map((p) => `  ${p.path}: ${p.message}`).join('\n');
    throw new Error(`${report.error?.message?.split('\n')[0] ?? 'the catalog is not valid'}\n${problems}`);
  }
  const { resources } = JSON.parse(stdout);
  // An IAM statement's resources may not be empty: a catalog without hooks (or roles) gets
  // an ARN that matches nothing, which grants nothing.
  const none = `arn:\${AWS::Partition}:lambda:\${AWS::Region}:\${AWS::AccountId}:function:cutover-none`;
  const out = {};
  for (const [key, arns] of Object.entries(resources)) {
    out[key] = (arns.length > 0 ? arns : [none]).map(toCloudFormation);
  }
  return out;
};
