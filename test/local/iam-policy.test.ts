// The local cloud's IAM, piece by piece: policy evaluation as AWS documents it, the
// resources each request is authorized against (from the Service Authorization Reference),
// and each function's role as computed from serverless.yml.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkStatements, evaluate, wildcard, type Statement } from '../../local/iam/policy.js';
import { authorizationsFor } from '../../local/iam/requests.js';
import { readFunctionRoles } from '../../local/iam/roles.js';
import { FUNCTION_NAMES } from '../../local/functions.js';
import { catalogResources } from '../../shared/domain/catalog-resources.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { PolicyError, UnauthorizableRequest } from '../../local/errors.js';

const scope = { partition: 'aws', region: 'us-east-1', account: '000000000000' };
const allow = (Action: string | string[], Resource: string | string[], extra: Partial<Statement> = {}) =>
  ({ Effect: 'Allow', Action, Resource, ...extra }) as Statement;

describe('policy evaluation', () => {
  it('matches * across : and /, ? as one character, actions without regard to case', () => {
    expect(
      wildcard(
        'arn:aws:ecs:*:task-set/prod/web/*',
        'arn:aws:ecs:us-east-1:1:task-set/prod/web/ecs-svc/1',
        false,
      ),
    ).toBe(true);
    expect(wildcard('web-?', 'web-ab', false)).toBe(false);
    expect(wildcard('ecs:describe*', 'ecs:DescribeServices', true)).toBe(true);
    expect(wildcard('arn:aws:ecs:*:service/prod/WEB', 'arn:aws:ecs:r:1:service/prod/web', false)).toBe(false);
  });

  it('allows only what an Allow matches, and an explicit Deny wins', () => {
    const request = { action: 'ecs:UpdateTaskSet', resource: 'arn:aws:ecs:r:1:task-set/c/s/ts-1' };
    expect(evaluate([allow('ecs:UpdateTaskSet', 'arn:aws:ecs:r:1:task-set/c/s/*')], request).effect).toBe(
      'Allow',
    );
    expect(evaluate([allow('ecs:DeleteTaskSet', '*')], request).effect).toBe('ImplicitDeny');
    expect(
      evaluate([allow('ecs:*', '*'), { Effect: 'Deny', Action: 'ecs:UpdateTaskSet', Resource: '*' }], request)
        .effect,
    ).toBe('Deny');
    expect(evaluate([{ Effect: 'Allow', NotAction: 'ecs:Delete*', Resource: '*' }], request).effect).toBe(
      'Allow',
    );
    expect(evaluate([{ Effect: 'Allow', Action: '*', NotResource: request.resource }], request).effect).toBe(
      'ImplicitDeny',
    );
  });

  it('evaluates conditions: a missing key fails StringEquals and passes IfExists', () => {
    const passRole = allow('iam:PassRole', '*', {
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    const request = { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/web' };
    expect(
      evaluate([passRole], { ...request, context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } })
        .effect,
    ).toBe('Allow');
    expect(
      evaluate([passRole], { ...request, context: { 'iam:PassedToService': 'lambda.amazonaws.com' } }).effect,
    ).toBe('ImplicitDeny');
    expect(evaluate([passRole], request).effect).toBe('ImplicitDeny');
    const ifExists = allow('iam:PassRole', '*', {
      Condition: { StringEqualsIfExists: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    });
    expect(evaluate([ifExists], request).effect).toBe('Allow');
    const anyTag = allow('ecs:TagResource', '*', {
      Condition: { 'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' } },
    });
    expect(
      evaluate([anyTag], {
        action: 'ecs:TagResource',
        resource: 'x',
        context: { 'aws:TagKeys': ['env', 'team-a'] },
      }).effect,
    ).toBe('Allow');
    const nothing = allow('ecs:TagResource', '*', { Condition: { Null: { 'aws:TagKeys': 'true' } } });
    expect(evaluate([nothing], { action: 'ecs:TagResource', resource: 'x' }).effect).toBe('Allow');
  });

  it('refuses, when it reads a policy, a condition operator it does not evaluate', () => {
    const numeric = allow('ecs:*', '*', { Condition: { NumericLessThan: { 'ecs:task-cpu': '512' } } });
    expect(() => checkStatements([numeric], 'role')).toThrow(PolicyError);
    expect(() => checkStatements([numeric], 'role')).toThrow('NumericLessThan');
  });
});

describe('the resources a request is authorized against', () => {
  const one = (prefix: string, action: string, input: Record<string, unknown>) =>
    authorizationsFor(prefix, action, input, scope);

  it('CreateTaskSet: the task-set resource type, with an id AWS has yet to give', () => {
    const [auth] = one('ecs', 'CreateTaskSet', {
      cluster: 'prod',
      service: 'arn:aws:ecs:us-east-1:000000000000:service/prod/web',
    });
    expect(auth!.action).toBe('ecs:CreateTaskSet');
    expect(auth!.resource).toMatch(
      /^arn:aws:ecs:us-east-1:000000000000:task-set\/prod\/web\/ecs-svc\/\d{19}$/,
    );
  });

  it('UpdateServicePrimaryTaskSet: the service, not the task set', () => {
    expect(
      one('ecs', 'UpdateServicePrimaryTaskSet', {
        cluster: 'prod',
        service: 'web',
        primaryTaskSet: 'ecs-svc/1',
      }),
    ).toEqual([
      {
        action: 'ecs:UpdateServicePrimaryTaskSet',
        resource: 'arn:aws:ecs:us-east-1:000000000000:service/prod/web',
      },
    ]);
  });

  it('DescribeAlarms: each alarm by name, or * when composite alarms are asked for', () => {
    expect(one('cloudwatch', 'DescribeAlarms', { AlarmNames: ['a', 'b'] }).map((a) => a.resource)).toEqual([
      'arn:aws:cloudwatch:us-east-1:000000000000:alarm:a',
      'arn:aws:cloudwatch:us-east-1:000000000000:alarm:b',
    ]);
    expect(
      one('cloudwatch', 'DescribeAlarms', {
        AlarmNames: ['a'],
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
    ).toEqual([{ action: 'cloudwatch:DescribeAlarms', resource: '*' }]);
  });

  it('a DynamoDB query on an index is authorized against the index', () => {
    expect(one('dynamodb', 'Query', { TableName: 't', IndexName: 'byService' })[0]!.resource).toBe(
      'arn:aws:dynamodb:us-east-1:000000000000:table/t/index/byService',
    );
  });

  it('RegisterTaskDefinition with roles also needs iam:PassRole to ECS tasks, and with tags ecs:TagResource', () => {
    const auths = one('ecs', 'RegisterTaskDefinition', {
      family: 'web',
      taskRoleArn: 'arn:aws:iam::000000000000:role/web-task',
      tags: [{ key: 'team', value: 'a' }],
    });
    expect(auths).toEqual([
      {
        action: 'ecs:RegisterTaskDefinition',
        resource: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:*',
      },
      {
        action: 'iam:PassRole',
        resource: 'arn:aws:iam::000000000000:role/web-task',
        context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
      },
      {
        action: 'ecs:TagResource',
        resource: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:*',
        context: { 'ecs:CreateAction': 'RegisterTaskDefinition' },
      },
    ]);
  });

  it('actions without resource types, or with only optional ones, are authorized against *', () => {
    expect(one('states', 'SendTaskSuccess', { taskToken: 't' })[0]!.resource).toBe('*');
    expect(one('cloudwatch', 'GetMetricData', {})[0]!.resource).toBe('*');
  });

  it('names an action AWS does not have, and one whose resources it cannot tell', () => {
    expect(() => one('ecs', 'LaunchRockets', {})).toThrow(UnauthorizableRequest);
    expect(() => one('ecs', 'UpdateCluster', { cluster: 'prod' })).toThrow('local/iam/requests.ts');
  });
});

describe('each function’s role, from serverless.yml', async () => {
  const catalog = parseCatalog(
    readFileSync(new URL('../../local/demo-catalog.yml', import.meta.url), 'utf8'),
  );
  const resources = catalogResources(catalog);
  const roles = await readFunctionRoles(new URL('../../serverless.yml', import.meta.url).pathname, {
    ...scope,
    stage: 'local',
    resources: { ...resources },
  });
  const statements = (fn: string) => roles.get(fn)!.statements;
  const granting = (fn: string, action: string) =>
    statements(fn)
      .filter((s) => [s.Action ?? []].flat().includes(action))
      .flatMap((s) => [s.Resource ?? []].flat());

  it('has a role for every function, with every variable and CloudFormation function resolved', () => {
    expect([...roles.keys()].sort()).toEqual([...FUNCTION_NAMES].sort());
    const text = JSON.stringify([...roles.values()]);
    expect(text).not.toContain('${');
    expect(text).not.toMatch(/Fn::|"Ref"/);
  });

  it('grants the resource types AWS authorizes each fixed action against', () => {
    expect(granting('create-task-set', 'ecs:CreateTaskSet')).toEqual([
      'arn:aws:ecs:us-east-1:000000000000:task-set/demo/api/*',
      'arn:aws:ecs:us-east-1:000000000000:task-set/demo/shop/*',
      'arn:aws:ecs:us-east-1:000000000000:task-set/demo/web/*',
    ]);
    expect(granting('promote', 'ecs:UpdateServicePrimaryTaskSet')).toEqual([
      'arn:aws:ecs:us-east-1:000000000000:service/demo/api',
      'arn:aws:ecs:us-east-1:000000000000:service/demo/shop',
      'arn:aws:ecs:us-east-1:000000000000:service/demo/web',
    ]);
    expect(granting('clean-up', 'ecs:DescribeServices')).toHaveLength(3);
    // A header-routed step's rule (shop's alone): created on its listener, deleted among its rules.
    const listener =
      'arn:aws:elasticloadbalancing:us-east-1:000000000000:listener/app/cutover-demo/c6f5425c84684d5b/cf92bf032644d12a';
    expect(granting('shift-traffic', 'elasticloadbalancing:CreateRule')).toEqual([listener]);
    expect(granting('roll-back', 'elasticloadbalancing:DeleteRule')).toEqual([
      `${listener.replace(':listener/', ':listener-rule/')}/*`,
    ]);
    expect(granting('check-alarms', 'cloudwatch:DescribeAlarms')).toEqual(['*']);
    expect(granting('create-task-set', 'iam:PassRole').sort()).toEqual([...resources.passRoles].sort());
    expect(resources.passRoles.length).toBeGreaterThan(0);
  });

  it('names state machines with the stage and the partition', () => {
    expect(granting('release-lock', 'states:StartExecution')).toContain(
      'arn:aws:states:us-east-1:000000000000:stateMachine:cutover-local-blue-green',
    );
    expect(granting('request-approval', 'events:PutEvents')).toEqual([
      'arn:aws:events:us-east-1:000000000000:event-bus/cutover-local',
    ]);
  });
});
