// KMS key policies, evaluated with the caller's identity policy as AWS documents it for KMS
// ("Determining access to an AWS KMS key"): an explicit Deny in either policy wins; otherwise
// the key policy must allow the request, either by naming the caller (its role or its
// session), which is enough on its own, or by naming the account (`…:root`, or the account
// id), which delegates to IAM: then the caller's identity policy must allow it too. A key
// policy that allows neither refuses everyone, administrators included.

import { evaluate, type AuthorizationRequest, type Decision, type Statement } from './policy.js';

export interface KeyPolicyStatement extends Statement {
  Principal?: '*' | { AWS?: string | string[]; Service?: string | string[] };
}

export interface Caller {
  /** The caller's ARNs: an assumed-role session's, and its role's (`arn:aws:iam::<account>:role/<name>`). */
  arns: string[];
  account: string;
}

export type KeyPolicyVerdict = { allowed: true } | { allowed: false; why: string };

/** Reads a key policy document (JSON text) into statements. */
export function keyPolicyStatements(policy: string): KeyPolicyStatement[] {
  const statement = (JSON.parse(policy) as { Statement?: unknown }).Statement;
  return (Array.isArray(statement) ? statement : [statement]) as KeyPolicyStatement[];
}

/** The role an assumed-role session belongs to, as a key policy names it. */
export function roleArnOfSession(sessionArn: string): string | undefined {
  const match = /^arn:([^:]+):sts::(\d+):assumed-role\/([^/]+)\/.+$/.exec(sessionArn);
  return match === null ? undefined : `arn:${match[1]}:iam::${match[2]}:role/${match[3]}`;
}

export function judgeWithKeyPolicy(
  keyPolicy: readonly KeyPolicyStatement[],
  identity: Decision,
  caller: Caller,
  request: AuthorizationRequest,
): KeyPolicyVerdict {
  const naming = keyPolicy.filter((s) => names(s, caller) === 'caller');
  const delegating = keyPolicy.filter((s) => names(s, caller) === 'account');
  // A Deny that names the account applies to every principal in it.
  const denied = evaluate(
    [...naming, ...delegating].filter((s) => s.Effect === 'Deny'),
    request,
  );
  if (denied.effect === 'Deny')
    return { allowed: false, why: 'with an explicit deny in a resource-based policy' };
  if (identity.effect === 'Deny')
    return { allowed: false, why: 'with an explicit deny in an identity-based policy' };
  if (evaluate(naming, request).effect === 'Allow') return { allowed: true };
  if (evaluate(delegating, request).effect === 'Allow') {
    return identity.effect === 'Allow'
      ? { allowed: true }
      : {
          allowed: false,
          why: `because no identity-based policy allows the ${request.action} action`,
        };
  }
  return { allowed: false, why: `because no resource-based policy allows the ${request.action} action` };
}

/** Whether a statement's Principal names the caller itself, the caller's account, or neither. */
function names(statement: KeyPolicyStatement, caller: Caller): 'caller' | 'account' | null {
  const principal = statement.Principal;
  if (principal === '*') return 'caller';
  if (principal === undefined) return null;
  const aws = principal.AWS === undefined ? [] : [principal.AWS].flat();
  if (aws.includes('*') || aws.some((p) => caller.arns.includes(p))) return 'caller';
  const root = new RegExp(`^(arn:[^:]+:iam::${caller.account}:root|${caller.account})$`);
  return aws.some((p) => root.test(p)) ? 'account' : null;
}
