// What the local KMS checks of its input before it acts: blobs and their lengths, enum
// values, alias names and key policy documents, each refused with the error KMS gives.

import { keyPolicyStatements } from '../iam/key-policy.js';
import { checkStatements, evaluate, type Statement } from '../iam/policy.js';
import { AwsError, PolicyError } from '../errors.js';

export const invalid = (message: string) => new AwsError('ValidationException', message);

/** A blob field (base64 on the wire), with KMS's length constraints. */
export function blob(input: Record<string, unknown>, field: string, min: number, max: number): Buffer {
  const value = input[field];
  if (typeof value !== 'string')
    throw invalid(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  const bytes = Buffer.from(value, 'base64');
  if (bytes.length < min || bytes.length > max)
    throw invalid(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member must have length between ${min} and ${max}`,
    );
  return bytes;
}

export function enumError(field: string, value: string, allowed: string[]): AwsError {
  return invalid(
    `1 validation error detected: Value '${value}' at '${field}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
  );
}

export function checkAliasName(name: string): void {
  if (!name.startsWith('alias/') || name.length > 256 || !/^alias\/[a-zA-Z0-9/_-]+$/.test(name))
    throw invalid(`Alias name ${name} must begin with alias/ and contain only alphanumerics, /, _ and -`);
  if (name.startsWith('alias/aws/'))
    throw new AwsError(
      'NotAuthorizedException',
      'Cannot create alias with prefix alias/aws/: it is reserved for AWS',
    );
}

/** A key policy must be a JSON policy document of at most 32 KiB with statements KMS can read. */
export function checkPolicy(policy: string): void {
  const malformed = (why: string) =>
    new AwsError('MalformedPolicyDocumentException', `The key policy ${why}`);
  if (policy.length > 32_768) throw malformed('is longer than 32768 characters');
  let document: unknown;
  try {
    document = JSON.parse(policy);
  } catch {
    throw malformed('is not valid JSON');
  }
  const statements = (document as { Statement?: unknown } | null)?.Statement;
  const list = Array.isArray(statements) ? statements : statements === undefined ? [] : [statements];
  if (list.length === 0) throw malformed('has no Statement');
  for (const statement of list as Record<string, unknown>[]) {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny')
      throw malformed('has a statement without Effect Allow or Deny');
    if (statement.Principal === undefined) throw malformed('has a statement without a Principal');
    try {
      checkStatements([statement as unknown as Statement], 'the key policy');
    } catch (error) {
      if (!(error instanceof PolicyError)) throw error;
      throw new AwsError('UnsupportedOperationException', `the local KMS cannot evaluate ${error.message}`);
    }
    if (statement.NotPrincipal !== undefined)
      throw new AwsError('UnsupportedOperationException', 'the local KMS does not evaluate NotPrincipal');
  }
}

/**
 * KMS's policy lockout safety check: a new key's policy must let someone go on managing it
 * (kms:PutKeyPolicy), unless BypassPolicyLockoutSafetyCheck says otherwise. AWS asks this of
 * the caller; the local KMS asks it of any principal in the account (the account itself
 * through delegation, or a role or user of it).
 */
export function checkLockout(policy: string, keyArn: string, account: string): void {
  const ofAccount = new RegExp(`^(\\*|${account}|arn:[^:]+:(iam|sts)::${account}:.+)$`);
  const statements = keyPolicyStatements(policy)
    .filter((s) => s.Principal === '*' || [s.Principal?.AWS ?? []].flat().some((p) => ofAccount.test(p)))
    .map(({ Principal: _principal, ...statement }) => statement);
  if (evaluate(statements, { action: 'kms:PutKeyPolicy', resource: keyArn }).effect !== 'Allow')
    throw new AwsError(
      'MalformedPolicyDocumentException',
      'The new key policy will not allow you to update the key policy in the future.',
    );
}
