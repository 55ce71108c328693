// DynamoDB tables' resource policies, on their own: how one combines with the caller's identity
// policy (an explicit Deny refuses everyone; an Allow naming the caller grants on its own; one
// naming only the role or the account needs the identity policy too), which requests a table's
// policy governs (the table and its indexes), and serverless.yml's ledger table policy as the
// local cloud reads it and LocalIam enforces it, for the administrator and for a function.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LocalIam } from '../../local/iam/authorizer.js';
import { evaluate, type Statement } from '../../local/iam/policy.js';
import {
  judgeWithResourcePolicy,
  tablePolicies,
  tablePolicyLookup,
  type ResourcePolicyStatement,
} from '../../local/iam/resource-policy.js';
import type { FunctionRole } from '../../local/iam/roles.js';

const ACCOUNT = '000000000000';
const TABLE = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/records`;
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/writer-role/writer`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/writer-role`;
const caller = { arns: [SESSION, ROLE], account: ACCOUNT };
const request = (action: string, resource = TABLE) => ({ action: `dynamodb:${action}`, resource });
const identity = (statements: Statement[], action: string) => evaluate(statements, request(action));
const allowAll: Statement[] = [{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }];

const denyChanges: ResourcePolicyStatement[] = [
  { Effect: 'Deny', Principal: '*', Action: ['dynamodb:UpdateItem', 'dynamodb:DeleteItem'], Resource: '*' },
];

describe('judgeWithResourcePolicy', () => {
  it('an explicit Deny refuses a caller whose identity policy allows everything', () => {
    expect(judgeWithResourcePolicy(denyChanges, identity(allowAll, 'UpdateItem'), caller, request('UpdateItem'))).toEqual({
      allowed: false,
      why: 'with an explicit deny in a resource-based policy',
    }); // prettier-ignore
  });

  it('says nothing about an action it does not name: the identity policy decides', () => {
    expect(judgeWithResourcePolicy(denyChanges, identity(allowAll, 'PutItem'), caller, request('PutItem')).allowed).toBe(true); // prettier-ignore
    expect(judgeWithResourcePolicy(denyChanges, identity([], 'PutItem'), caller, request('PutItem'))).toEqual({
      allowed: false,
      why: 'because no identity-based policy allows the dynamodb:PutItem action',
    }); // prettier-ignore
  });

  it('an Allow naming the caller’s session, or `*`, grants on its own', () => {
    for (const principal of [{ AWS: SESSION }, '*' as const]) {
      const policy: ResourcePolicyStatement[] = [
        { Effect: 'Allow', Principal: principal, Action: 'dynamodb:GetItem', Resource: TABLE },
      ];
      expect(judgeWithResourcePolicy(policy, identity([], 'GetItem'), caller, request('GetItem')).allowed).toBe(true); // prettier-ignore
    }
  });

  it('an Allow naming only the role or the account needs the identity policy too', () => {
    for (const aws of [ROLE, `arn:aws:iam::${ACCOUNT}:root`, ACCOUNT]) {
      const policy: ResourcePolicyStatement[] = [
        { Effect: 'Allow', Principal: { AWS: aws }, Action: 'dynamodb:GetItem', Resource: TABLE },
      ];
      expect(judgeWithResourcePolicy(policy, identity([], 'GetItem'), caller, request('GetItem')).allowed).toBe(false); // prettier-ignore
      expect(judgeWithResourcePolicy(policy, identity(allowAll, 'GetItem'), caller, request('GetItem')).allowed).toBe(true); // prettier-ignore
    }
  });

  it('a Deny naming another account’s principal does not bind this caller', () => {
    const policy: ResourcePolicyStatement[] = [
      { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::111111111111:root' }, Action: '*', Resource: '*' },
    ];
    expect(judgeWithResourcePolicy(policy, identity(allowAll, 'DeleteItem'), caller, request('DeleteItem')).allowed).toBe(true); // prettier-ignore
  });

  it('an identity policy’s explicit Deny is not overridden by a resource policy’s Allow', () => {
    const policy: ResourcePolicyStatement[] = [
      { Effect: 'Allow', Principal: '*', Action: '*', Resource: '*' },
    ];
    const deny: Statement[] = [{ Effect: 'Deny', Action: 'dynamodb:*', Resource: '*' }];
    expect(judgeWithResourcePolicy(policy, identity(deny, 'GetItem'), caller, request('GetItem'))).toEqual({
      allowed: false,
      why: 'with an explicit deny in an identity-based policy',
    }); // prettier-ignore
  });
});

describe('tablePolicyLookup', () => {
  it('gives a table’s policy for the table and its indexes, and none for other tables', () => {
    const lookup = tablePolicyLookup(new Map([[TABLE, denyChanges]]));
    expect(lookup(TABLE)).toBe(denyChanges);
    expect(lookup(`${TABLE}/index/byService`)).toBe(denyChanges);
    expect(lookup(`${TABLE}-other`)).toBeUndefined();
    expect(lookup(`arn:aws:kms:us-east-1:${ACCOUNT}:key/records`)).toBeUndefined();
  });
});

describe('serverless.yml’s ledger table, as LocalIam enforces it', () => {
  const scope = { partition: 'aws', region: 'us-east-1', account: ACCOUNT };
  const text = readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8');
  const policies = tablePolicies(text, { ...scope, stage: 'local', resources: {} });
  const ledger = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/cutover-local-ledger`;
  const writer: FunctionRole = { fn: 'writer', statements: allowAll };
  const iam = new LocalIam({
    ...scope,
    service: 'cutover',
    stage: 'local',
    roles: new Map([['writer', writer]]),
    roleName: (fn) => `${fn}-role`,
    resourcePolicy: tablePolicyLookup(policies),
  });
  const writerKey = iam.credentialsFor('writer').accessKeyId;
  const key = { service: { S: 'web' }, seq: { N: '1' } };

  it('is read from the template, for the ledger table only', () => {
    expect([...policies.keys()]).toEqual([ledger]);
  });

  it.each([
    ['UpdateItem', { TableName: 'cutover-local-ledger', Key: key }],
    ['DeleteItem', { TableName: 'cutover-local-ledger', Key: key }],
    ['BatchWriteItem', { RequestItems: { 'cutover-local-ledger': [{ PutRequest: { Item: key } }] } }],
  ])('refuses %s to the administrator and to a function allowed everything', (action, input) => {
    for (const accessKeyId of ['local', writerKey]) {
      const denial = iam.check(accessKeyId, 'dynamodb', action, input);
      expect(denial?.message).toContain(`dynamodb:${action} on resource: ${ledger} with an explicit deny in a resource-based policy`); // prettier-ignore
    }
  });

  it('lets PutItem, GetItem and Query through, and leaves the deployments table alone', () => {
    for (const [action, input] of [
      ['PutItem', { TableName: 'cutover-local-ledger', Item: key }],
      ['GetItem', { TableName: 'cutover-local-ledger', Key: key }],
      ['Query', { TableName: 'cutover-local-ledger' }],
      ['DeleteItem', { TableName: 'cutover-local-deployments', Key: key }],
    ] as const) {
      expect(iam.check('local', 'dynamodb', action, input)).toBeNull();
      expect(iam.check(writerKey, 'dynamodb', action, input)).toBeNull();
    }
  });
});
