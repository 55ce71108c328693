// Checks the packaged CloudFormation template for what the engine promises:
// three state machines, one role per function, no `*` actions, and a ledger that
// its writers can only append to.
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
for (const [id, role] of ofType('AWS::IAM::Role')) {
  for (const policy of role.Properties.Policies ?? []) {
    for (const statement of policy.PolicyDocument.Statement) {
      const actions = [statement.Action].flat();
      for (const action of actions) {
        if (action === '*' || /:\*$/.test(action))
          problems.push(`${id} grants the wildcard action ${action}`);
      }
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

if (problems.length > 0) {
  console.error(`template check failed:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
console.log(
  `template check: ${machines.length} state machines, ${roles.size} functions each with its own role, ` +
    'no wildcard actions, ledger append-only, tables protected',
);
