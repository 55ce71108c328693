// IAM for the local KMS and S3, on its own: which resource each request is authorized
// against (key ARNs, aliases resolved to their key; bucket and object ARNs, with the
// version actions and S3's further checks), and how a key policy combines with the
// caller's identity policy.

import { describe, expect, it } from 'vitest';
import { judgeWithKeyPolicy, roleArnOfSession, type KeyPolicyStatement } from '../../local/iam/key-policy.js';
import { evaluate, type Statement } from '../../local/iam/policy.js';
import { authorizationsFor } from '../../local/iam/requests.js';
import { parseS3Request } from '../../local/aws/s3-wire.js';

const KEY = 'arn:aws:kms:us-east-1:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const scope = {
  partition: 'aws',
  region: 'us-east-1',
  account: '000000000000',
  kmsKeyArn: (id: string) => (id === 'alias/ledger' || KEY.endsWith(id) ? KEY : undefined),
};
const resources = (prefix: string, action: string, input: Record<string, unknown>) =>
  authorizationsFor(prefix, action, input, scope).map((a) => `${a.action} ${a.resource}`);

/** The authorizations of an S3 request, as the endpoint parses it from method, URL and headers. */
function s3(method: string, url: string, headers: Record<string, string> = {}) {
  const request = parseS3Request(method, url, headers);
  return resources('s3', request.iamAction, request.input);
}

describe('KMS requests', () => {
  it('are authorized against the key an id, an alias or a key ARN names', () => {
    for (const KeyId of ['1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/ledger', KEY])
      expect(resources('kms', 'Sign', { KeyId })).toEqual([`kms:Sign ${KEY}`]);
  });

  it('CreateAlias needs the alias and the key; CreateKey and ListAliases are on *', () => {
    expect(resources('kms', 'CreateAlias', { AliasName: 'alias/ledger', TargetKeyId: KEY })).toEqual([
      'kms:CreateAlias arn:aws:kms:us-east-1:000000000000:alias/ledger',
      `kms:CreateAlias ${KEY}`,
    ]);
    expect(resources('kms', 'CreateKey', {})).toEqual(['kms:CreateKey *']);
    expect(resources('kms', 'ListAliases', {})).toEqual(['kms:ListAliases *']);
  });
});

describe('S3 requests', () => {
  it('object operations are on the object ARN; a version id makes them the version actions', () => {
    expect(s3('PUT', '/anchors/a/b.json?x-id=PutObject')).toEqual([
      's3:PutObject arn:aws:s3:::anchors/a/b.json',
    ]);
    expect(s3('GET', '/anchors/a%20b')).toEqual(['s3:GetObject arn:aws:s3:::anchors/a b']);
    expect(s3('HEAD', '/anchors/k?versionId=v1')).toEqual(['s3:GetObjectVersion arn:aws:s3:::anchors/k']);
    expect(s3('DELETE', '/anchors/k?versionId=v1')).toEqual([
      's3:DeleteObjectVersion arn:aws:s3:::anchors/k',
    ]);
    expect(s3('DELETE', '/anchors/k')).toEqual(['s3:DeleteObject arn:aws:s3:::anchors/k']);
  });

  it('listings are on the bucket: ListBucket, and ListBucketVersions for versions', () => {
    expect(s3('GET', '/anchors?list-type=2&prefix=a')).toEqual(['s3:ListBucket arn:aws:s3:::anchors']);
    expect(s3('GET', '/anchors?versions&prefix=a')).toEqual(['s3:ListBucketVersions arn:aws:s3:::anchors']);
    expect(s3('PUT', '/anchors?object-lock')).toEqual([
      's3:PutBucketObjectLockConfiguration arn:aws:s3:::anchors',
    ]);
  });

  it('a put with retention also needs s3:PutObjectRetention; an Object Lock bucket, lock and versioning rights', () => {
    expect(s3('PUT', '/anchors/k', { 'x-amz-object-lock-mode': 'COMPLIANCE' })).toEqual([
      's3:PutObject arn:aws:s3:::anchors/k',
      's3:PutObjectRetention arn:aws:s3:::anchors/k',
    ]);
    expect(s3('PUT', '/anchors', { 'x-amz-bucket-object-lock-enabled': 'true' })).toEqual([
      's3:CreateBucket arn:aws:s3:::anchors',
      's3:PutBucketObjectLockConfiguration arn:aws:s3:::anchors',
      's3:PutBucketVersioning arn:aws:s3:::anchors',
    ]);
  });

  it('a request for something the local S3 does not serve is refused, not authorized', () => {
    expect(() => s3('GET', '/anchors/k?acl')).toThrow(/not implemented/);
    expect(() => s3('POST', '/anchors?delete')).toThrow(/not implemented/);
  });
});

describe('condition keys', () => {
  const allowed = (statement: Statement, prefix: string, action: string, input: Record<string, unknown>) =>
    authorizationsFor(prefix, action, input, scope).every((a) => evaluate([statement], a).effect === 'Allow');

  it('KMS sets the signing algorithm, message type and alias a role may be limited to', () => {
    const onlyEcdsaDigests: Statement = {
      Effect: 'Allow',
      Action: 'kms:Sign',
      Resource: KEY,
      Condition: {
        StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256', 'kms:MessageType': 'DIGEST' },
      },
    };
    const sign = { KeyId: 'alias/ledger', SigningAlgorithm: 'ECDSA_SHA_256' };
    expect(allowed(onlyEcdsaDigests, 'kms', 'Sign', { ...sign, MessageType: 'DIGEST' })).toBe(true);
    expect(allowed(onlyEcdsaDigests, 'kms', 'Sign', sign)).toBe(false);
    const viaAlias: Statement = {
      Effect: 'Allow',
      Action: 'kms:Sign',
      Resource: KEY,
      Condition: { StringEquals: { 'kms:RequestAlias': 'alias/ledger' } },
    };
    expect(allowed(viaAlias, 'kms', 'Sign', sign)).toBe(true);
    expect(allowed(viaAlias, 'kms', 'Sign', { ...sign, KeyId: KEY })).toBe(false);
  });

  it('S3 sets the listing prefix and the Object Lock mode a role may be limited to', () => {
    const anchorsOnly: Statement = {
      Effect: 'Allow',
      Action: 's3:ListBucket',
      Resource: 'arn:aws:s3:::anchors',
      Condition: { StringLike: { 's3:prefix': 'anchors/*' } },
    };
    const list = (url: string) => parseS3Request('GET', url, {});
    expect(
      allowed(anchorsOnly, 's3', 'ListBucket', list('/anchors?list-type=2&prefix=anchors/7').input),
    ).toBe(true);
    expect(allowed(anchorsOnly, 's3', 'ListBucket', list('/anchors?list-type=2').input)).toBe(false);
    const compliance: Statement = {
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:PutObjectRetention'],
      Resource: 'arn:aws:s3:::anchors/*',
      Condition: { StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } },
    };
    const put = (mode: string) =>
      parseS3Request('PUT', '/anchors/k', {
        'x-amz-object-lock-mode': mode,
        'x-amz-object-lock-retain-until-date': '2030-01-01T00:00:00Z',
      }).input;
    expect(allowed(compliance, 's3', 'PutObject', put('COMPLIANCE'))).toBe(true);
    expect(allowed(compliance, 's3', 'PutObject', put('GOVERNANCE'))).toBe(false);
  });
});

describe('key policies with identity policies', () => {
  const session = 'arn:aws:sts::000000000000:assumed-role/cutover-local-signer/cutover-local-signer';
  const caller = { arns: [session, roleArnOfSession(session)!], account: '000000000000' };
  const request = { action: 'kms:Sign', resource: KEY };
  const root: KeyPolicyStatement = {
    Effect: 'Allow',
    Principal: { AWS: 'arn:aws:iam::000000000000:root' },
    Action: 'kms:*',
    Resource: '*',
  };
  const identity = (statements: Statement[]) => evaluate(statements, request);
  const allowSign: Statement[] = [{ Effect: 'Allow', Action: 'kms:Sign', Resource: KEY }];

  it('a policy delegating to the account needs the identity policy to allow', () => {
    expect(judgeWithKeyPolicy([root], identity(allowSign), caller, request).allowed).toBe(true);
    expect(judgeWithKeyPolicy([root], identity([]), caller, request)).toEqual({
      allowed: false,
      why: 'because no identity-based policy allows the kms:Sign action',
    });
  });

  it('a policy naming the role is enough on its own; one naming someone else is not', () => {
    const named = { ...root, Principal: { AWS: 'arn:aws:iam::000000000000:role/cutover-local-signer' } };
    const other = { ...root, Principal: { AWS: 'arn:aws:iam::000000000000:role/someone-else' } };
    expect(judgeWithKeyPolicy([named], identity([]), caller, request).allowed).toBe(true);
    expect(judgeWithKeyPolicy([other], identity(allowSign), caller, request).allowed).toBe(false);
  });

  it('an explicit Deny in either policy wins', () => {
    const deny: KeyPolicyStatement = { ...root, Effect: 'Deny', Action: 'kms:Sign' };
    expect(judgeWithKeyPolicy([root, deny], identity(allowSign), caller, request)).toMatchObject({
      allowed: false,
      why: 'with an explicit deny in a resource-based policy',
    });
    const denied = identity([...allowSign, { Effect: 'Deny', Action: 'kms:*', Resource: '*' }]);
    expect(judgeWithKeyPolicy([root], denied, caller, request)).toMatchObject({
      allowed: false,
      why: 'with an explicit deny in an identity-based policy',
    });
  });
});
