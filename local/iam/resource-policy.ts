// Resource-based policies other than KMS key policies (DynamoDB tables' `ResourcePolicy`),
// evaluated with the caller's identity policy as AWS documents it for requests within one
// account ("Policy evaluation logic"): an explicit Deny in either policy refuses the request,
// for every principal it names, administrators included; otherwise an Allow in either one is
// enough. A resource policy's Allow grants on its own when it names the caller itself (its
// session, an IAM user, or `*`); one that names the caller's role or account delegates to IAM,
// so the identity policy must allow the request too. Unlike a key policy, a resource policy
// that says nothing about a request leaves it to the identity policy.

import { readFile } from 'node:fs/promises';
import { templateResources, type RoleOptions } from './roles.js';
import type { Caller, KeyPolicyStatement, KeyPolicyVerdict } from './key-policy.js';
import { checkStatements, evaluate, type AuthorizationRequest, type Decision } from './policy.js';

/** A resource policy's statements: each names its principals, as a key policy's do. */
export type ResourcePolicyStatement = KeyPolicyStatement;

/** The resource policy that governs a resource (by ARN), if any. */
export type ResourcePolicyLookup = (resourceArn: string) => ResourcePolicyStatement[] | undefined;

export function judgeWithResourcePolicy(
  policy: readonly ResourcePolicyStatement[],
  identity: Decision,
  caller: Caller,
  request: AuthorizationRequest,
): KeyPolicyVerdict {
  const direct = policy.filter((s) => names(s, caller) === 'caller');
  const delegating = policy.filter((s) => names(s, caller) === 'delegate');
  const denied = evaluate(
    [...direct, ...delegating].filter((s) => s.Effect === 'Deny'),
    request,
  );
  if (denied.effect === 'Deny')
    return { allowed: false, why: 'with an explicit deny in a resource-based policy' };
  if (identity.effect === 'Deny')
    return { allowed: false, why: 'with an explicit deny in an identity-based policy' };
  if (identity.effect === 'Allow') return { allowed: true };
  if (evaluate(direct, request).effect === 'Allow') return { allowed: true };
  return { allowed: false, why: `because no identity-based policy allows the ${request.action} action` };
}

/**
 * Whether a statement's Principal names the caller itself (`*`, its session or user ARN),
 * only its role or account (an Allow then needs the identity policy too), or neither.
 */
function names(statement: ResourcePolicyStatement, caller: Caller): 'caller' | 'delegate' | null {
  const principal = statement.Principal;
  if (principal === '*') return 'caller';
  if (principal === undefined) return null;
  const aws = principal.AWS === undefined ? [] : [principal.AWS].flat();
  const [self, role] = caller.arns;
  if (aws.includes('*') || aws.includes(self!)) return 'caller';
  if (role !== undefined && aws.includes(role)) return 'delegate';
  const root = new RegExp(`^(arn:[^:]+:iam::${caller.account}:root|${caller.account})$`);
  return aws.some((p) => root.test(p)) ? 'delegate' : null;
}

/**
 * The `ResourcePolicy.PolicyDocument` of each AWS::DynamoDB::Table in a template, with its
 * CloudFormation functions evaluated, by table ARN. A policy the evaluator cannot judge (an
 * unknown condition operator) is refused here, when the local cloud starts.
 */
export function tablePolicies(text: string, options: RoleOptions): Map<string, ResourcePolicyStatement[]> {
  const policies = new Map<string, ResourcePolicyStatement[]>();
  for (const resource of templateResources(text, options)) {
    if (resource.type !== 'AWS::DynamoDB::Table') continue;
    const properties = resource.properties(options.physicalIds ?? {});
    const raw = (properties.ResourcePolicy as { PolicyDocument?: unknown } | undefined)?.PolicyDocument;
    if (raw === undefined) continue;
    const document = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Statement?: unknown };
    const statements = [document.Statement ?? []].flat() as ResourcePolicyStatement[];
    checkStatements(statements, `resources.${resource.logicalId}.Properties.ResourcePolicy`);
    const { partition, region, account } = options;
    const arn = `arn:${partition}:dynamodb:${region}:${account}:table/${String(properties.TableName)}`;
    policies.set(arn, statements);
  }
  return policies;
}

/** A table's policy governs requests to the table and to its indexes (`…:table/<name>/index/<index>`). */
export function tablePolicyLookup(
  policies: ReadonlyMap<string, ResourcePolicyStatement[]>,
): ResourcePolicyLookup {
  return (resourceArn) => {
    const table = /^(arn:[^:]+:dynamodb:[^:]+:\d+:table\/[^/]+)(?:\/index\/.+)?$/.exec(resourceArn)?.[1];
    return table === undefined ? undefined : policies.get(table);
  };
}

export async function readTablePolicies(file: string, options: RoleOptions): Promise<ResourcePolicyLookup> {
  return tablePolicyLookup(tablePolicies(await readFile(file, 'utf8'), options));
}
