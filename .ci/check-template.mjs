// Checks the packaged CloudFormation template for what the engine promises:
// three state machines, one role per function, no `*` actions, a ledger that its
// writers can only append to and nobody can change, signed by a key only they may
// sign with, and anchored in a bucket no version of which can be deleted; and bake schedules
// that run as a role which may only answer task tokens, handed only to Scheduler.
import { readFileSync } from 'node:fs';

const template = JSON.parse(readFileSync('.serverless/cloudformation-template-update-stack.json', 'utf8'));
const resources = Object.entries(template.Resources);
const problems = [];
const ofType = (type) => resources.filter(([, r]) => r.Type === type);

const machines = ofType('AWS::StepFunctions::StateMachine').map(([id]) => id);
if (machines.length !== 3)
  problems.push(`expected 3 state machines, found ${machines.length}: ${machines.join(', ')}`);

const roles = new Map();
for (const [id, fn] of ofType('AWS::Lambda::Function')) {
  const role = fn.Properties.Role?.['Fn::GetAtt']?.[0];
  if (role !== id.replace(/LambdaFunction$/, 'IamRoleLambdaExecution'))
    problems.push(`${id} does not have its own role`);
  if (roles.has(role)) problems.push(`${id} shares role ${role} with ${roles.get(role)}`);
  roles.set(role, id);
}

const mentionsLedger = (resource) => JSON.stringify(resource ?? '').includes('"LedgerTable"');
const mentionsKey = (resource) => JSON.stringify(resource ?? '').includes('"LedgerKey"');
const appenders = new Set();
const signers = new Set();
for (const [id, role] of ofType('AWS::IAM::Role')) {
  for (const policy of role.Properties.Policies ?? []) {
    for (const statement of policy.PolicyDocument.Statement) {
      const actions = [statement.Action].flat();
      for (const action of actions) {
        if (action === '*' || /:\*$/.test(action))
          problems.push(`${id} grants the wildcard action ${action}`);
      }
      if (mentionsLedger(statement.Resource) && actions.includes('dynamodb:PutItem')) appenders.add(id);
      if (mentionsKey(statement.Resource) && actions.includes('kms:Sign')) signers.add(id);
      if (mentionsLedger(statement.Resource)) {
        const extra = actions.filter(
          (a) => !['dynamodb:PutItem', 'dynamodb:GetItem', 'dynamodb:Query'].includes(a),
        );
        if (extra.length > 0)
          problems.push(`${id} may ${extra.join(', ')} on the ledger, which is append-only`);
      }
    }
  }
}

for (const [id, table] of ofType('AWS::DynamoDB::Table')) {
  const p = table.Properties;
  if (p.DeletionProtectionEnabled !== true) problems.push(`${id} has no deletion protection`);
  if (p.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled !== true)
    problems.push(`${id} has no PITR`);
}

// Every role that appends signs, and no other role may sign.
const differ = [...appenders]
  .filter((r) => !signers.has(r))
  .concat([...signers].filter((r) => !appenders.has(r)));
if (differ.length > 0)
  problems.push(`roles that append to the ledger and roles that sign differ: ${differ.join(', ')}`);

const ledgerPolicy = JSON.stringify(template.Resources.LedgerTable?.Properties?.ResourcePolicy ?? {});
for (const action of ['dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'])
  if (!ledgerPolicy.includes('"Deny"') || !ledgerPolicy.includes(action))
    problems.push(`the ledger table's resource policy does not deny ${action}`);

const key = template.Resources.LedgerKey;
const keyStatements = key?.Properties?.KeyPolicy?.Statement ?? [];
if (key?.Properties?.KeySpec !== 'ECC_NIST_P256' || key?.Properties?.KeyUsage !== 'SIGN_VERIFY')
  problems.push('LedgerKey is not an ECC_NIST_P256 signing key');
if (key?.DeletionPolicy !== 'Retain') problems.push('LedgerKey is not retained');
const denySign = keyStatements.find((st) => st.Effect === 'Deny' && [st.Action].flat().includes('kms:Sign'));
const allowed = denySign?.Condition?.ArnNotLike?.['aws:PrincipalArn'] ?? [];
if (allowed.length !== appenders.size)
  problems.push(
    `LedgerKey's policy lets ${allowed.length} principals sign, but ${appenders.size} roles append`,
  );
if (
  !keyStatements.some((st) => st.Effect === 'Deny' && [st.Action].flat().includes('kms:ScheduleKeyDeletion'))
)
  problems.push('LedgerKey may be scheduled for deletion');

const bucket = template.Resources.LedgerAnchorBucket?.Properties;
if (bucket?.ObjectLockConfiguration?.Rule?.DefaultRetention?.Mode !== 'COMPLIANCE')
  problems.push('the anchor bucket has no default retention in compliance mode');

// A bake's schedule, and a hook's next call, run as BakeSchedulerRole: it may only answer task
// tokens and invoke run-hook, only this account's Scheduler may assume it, and a function may
// hand it to Scheduler alone.
const scheduler = template.Resources.BakeSchedulerRole?.Properties;
const schedulerStatements = (scheduler?.Policies ?? []).flatMap((p) => p.PolicyDocument.Statement);
const schedulerActions = schedulerStatements.flatMap((st) => [st.Action].flat());
if (schedulerActions.join() !== 'states:SendTaskSuccess,lambda:InvokeFunction')
  problems.push(
    `BakeSchedulerRole may ${schedulerActions.join(', ') || 'nothing'}; it must only states:SendTaskSuccess and lambda:InvokeFunction`,
  );
const invokes = schedulerStatements.find((st) => [st.Action].flat().includes('lambda:InvokeFunction'));
if (invokes !== undefined && !JSON.stringify(invokes.Resource).endsWith('-run-hook"]]}'))
  problems.push(
    `BakeSchedulerRole may invoke ${JSON.stringify(invokes.Resource)}; it must only invoke run-hook`,
  );
const trust = scheduler?.AssumeRolePolicyDocument?.Statement ?? [];
if (
  trust.length === 0 ||
  !trust.every(
    (st) =>
      st.Principal?.Service === 'scheduler.amazonaws.com' &&
      st.Condition?.StringEquals?.['aws:SourceAccount'] !== undefined,
  )
)
  problems.push("BakeSchedulerRole must trust only Scheduler, and only for this account's schedules");
let passes = 0;
for (const [id, role] of ofType('AWS::IAM::Role')) {
  for (const policy of role.Properties.Policies ?? []) {
    for (const st of policy.PolicyDocument.Statement) {
      if (
        ![st.Action].flat().includes('iam:PassRole') ||
        !JSON.stringify(st.Resource).includes('BakeSchedulerRole')
      )
        continue;
      passes += 1;
      if (st.Condition?.StringEquals?.['iam:PassedToService'] !== 'scheduler.amazonaws.com')
        problems.push(`${id} may pass BakeSchedulerRole to services other than Scheduler`);
    }
  }
}
if (ofType('AWS::Scheduler::ScheduleGroup').length !== 1)
  problems.push('expected one schedule group, for bakes and hook call backs');

if (problems.length > 0) {
  console.error(`template check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `template check: ${machines.length} state machines, ${roles.size} functions each with its own role, ` +
    `no wildcard actions, ledger append-only (${appenders.size} writers, each the only signers), tables protected, ` +
    `schedules' role only answers tokens and invokes run-hook (${passes} functions pass it, to Scheduler alone), ` +
    'key retained, anchors locked',
);
