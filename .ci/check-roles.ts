// Checks that the packaged template's roles are the ones the local cloud enforces:
// - for every function, the statements of its role in .serverless/ (less the log-group
//   statement the framework adds) equal what local/iam/roles.ts computes from serverless.yml
//   and the catalog packaged with it, once CloudFormation's functions are evaluated;
// - for every state machine, what its role allows of HTTP Tasks (the endpoint, the connection
//   and its secret) is what local/stepfunctions/machine-role.ts grants it, action by resource.
// Run after `npm run package`:  npx tsx .ci/check-roles.ts

import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { FUNCTION_NAMES } from '../local/functions.js';
import type { Statement } from '../local/iam/policy.js';
import { evaluateTemplate, readFunctionRoles } from '../local/iam/roles.js';
import { generatedRole } from '../local/stepfunctions/machine-role.js';
import { parseCatalog } from '../shared/domain/catalog-yaml.js';
import { catalogResources } from '../shared/domain/catalog-resources.js';

const scope = { partition: 'aws', region: 'us-east-1', account: '123456789012' };
const template = JSON.parse(
  readFileSync('.serverless/cloudformation-template-update-stack.json', 'utf8'),
) as {
  Resources: Record<
    string,
    { Type: string; Properties: { Policies?: { PolicyDocument: { Statement: unknown } }[] } }
  >;
};
const catalog = parseCatalog(readFileSync(process.env.CUTOVER_CATALOG ?? 'examples/catalog.yml', 'utf8'));
const computed = await readFunctionRoles('serverless.yml', {
  ...scope,
  stage: 'dev',
  resources: { ...catalogResources(catalog) },
});

/** The framework's logical ids: `create-task-set` → `CreateDashtaskDashset`. */
const normalized = (fn: string) =>
  fn
    .replaceAll('-', 'Dash')
    .replaceAll('_', 'Underscore')
    .replace(/^./, (c) => c.toUpperCase());
const asList = (value: unknown) => [value ?? []].flat();
const canonical = (statements: Statement[]) =>
  statements.map((s) => ({ ...s, Action: asList(s.Action), Resource: asList(s.Resource) }));

const problems: string[] = [];
for (const fn of FUNCTION_NAMES) {
  const role = template.Resources[`${normalized(fn)}IamRoleLambdaExecution`];
  if (role === undefined) {
    problems.push(`${fn}: the template has no role for it`);
    continue;
  }
  const packaged = (role.Properties.Policies ?? [])
    .flatMap((p) => asList(p.PolicyDocument.Statement) as Statement[])
    .filter((s) => !asList(s.Action).every((a) => typeof a === 'string' && a.startsWith('logs:')));
  const evaluated = evaluateTemplate(packaged, template.Resources, scope) as Statement[];
  const expected = canonical(computed.get(fn)?.statements ?? []);
  if (!isDeepStrictEqual(canonical(evaluated), expected)) {
    problems.push(
      `${fn}: the packaged role differs from the local cloud's\n  packaged: ${JSON.stringify(canonical(evaluated))}\n  local:    ${JSON.stringify(expected)}`,
    );
  }
}
/** The machines serverless.yml declares: its ASL file and the logical id of its role. */
const MACHINES = [
  { file: 'blue-green', role: 'BlueGreenStateMachineRole' },
  { file: 'canary', role: 'CanaryStateMachineRole' },
  { file: 'rolling', role: 'RollingStateMachineRole' },
];
/** What an HTTP Task needs of the role; the plugin also grants Lambda invocations, not enforced locally. */
const HTTP_ACTIONS = /^(states:InvokeHTTPEndpoint|events:RetrieveConnectionCredentials|secretsmanager:)/;
/** Each action a statement allows, on each resource: `states:InvokeHTTPEndpoint *`. */
const pairs = (statements: Statement[]) =>
  [
    ...new Set(
      statements.flatMap((s) =>
        (asList(s.Action) as string[])
          .filter((a) => HTTP_ACTIONS.test(a))
          .flatMap((a) => (asList(s.Resource) as string[]).map((r) => `${a} ${r}`)),
      ),
    ),
  ].sort();
for (const machine of MACHINES) {
  const role = template.Resources[machine.role];
  if (role === undefined) {
    problems.push(`${machine.file}: the template has no role ${machine.role}`);
    continue;
  }
  const packaged = (role.Properties.Policies ?? [])
    .flatMap((p) => asList(p.PolicyDocument.Statement) as Statement[])
    .filter((s) => (asList(s.Action) as string[]).some((a) => HTTP_ACTIONS.test(a)));
  const evaluated = evaluateTemplate(packaged, template.Resources, scope) as Statement[];
  const definition = JSON.parse(readFileSync(`statemachines/${machine.file}.asl.json`, 'utf8')) as unknown;
  const expected = pairs(generatedRole(definition, machine.file, scope).statements);
  if (expected.length === 0)
    problems.push(`${machine.file}: the local cloud grants it no HTTP Task: check the ASL`);
  if (!isDeepStrictEqual(pairs(evaluated), expected)) {
    problems.push(
      `${machine.file}: what the packaged role allows of HTTP Tasks differs from the local cloud's\n  packaged: ${JSON.stringify(pairs(evaluated))}\n  local:    ${JSON.stringify(expected)}`,
    );
  }
}

if (problems.length > 0) {
  console.error(`The packaged roles and the roles the local cloud enforces differ:\n${problems.join('\n')}`);
  process.exit(1);
}
console.log(
  `check-roles: the ${FUNCTION_NAMES.length} packaged function roles, and the ${MACHINES.length} state machine roles' HTTP Task permissions, are the ones the local cloud enforces`,
);
