// What IAM checks for KMS and S3 requests (see requests.ts): a KMS request is authorized
// against the key its KeyId names (an alias resolved to its key first, as KMS does), CreateAlias
// also against the alias; an S3 request against its bucket (`arn:aws:s3:::bucket`) or object
// (`arn:aws:s3:::bucket/key`), as the S3 route passes them in `Bucket` and `Key`.

import type { Extractor, Input, Scope, Touched } from './requests.js';

const text = (value: unknown, fallback = '*'): string => (typeof value === 'string' ? value : fallback);

/** A KMS key as IAM authorizes against it: the key an id, ARN or alias resolves to. */
function kmsKey(keyId: unknown, scope: Scope): Touched {
  const id = text(keyId);
  return scope.kmsKeyArn?.(id) ?? (id.startsWith('arn:') ? id : { type: 'key', values: { KeyId: id } });
}
const keyOf: Extractor = (i, scope) => [kmsKey(i.KeyId, scope)];

const bucketOf = (i: Input): Touched => ({ type: 'bucket', values: { BucketName: text(i.Bucket) } });
const objectOf = (i: Input): Touched => ({
  type: 'object',
  values: { BucketName: text(i.Bucket), ObjectName: text(i.Key) },
});
const bucket: Extractor = (i) => [bucketOf(i)];
const object: Extractor = (i) => [objectOf(i)];

export const KMS_EXTRACTORS: Record<string, Extractor> = {
  DescribeKey: keyOf,
  GetPublicKey: keyOf,
  Sign: keyOf,
  Verify: keyOf,
  GetKeyPolicy: keyOf,
  ScheduleKeyDeletion: keyOf,
  CancelKeyDeletion: keyOf,
  CreateAlias: (i, scope) => [
    { type: 'alias', values: { Alias: text(i.AliasName).replace(/^alias\//, '') } },
    kmsKey(i.TargetKeyId, scope),
  ],
};

export const S3_EXTRACTORS: Record<string, Extractor> = {
  CreateBucket: bucket,
  DeleteBucket: bucket,
  ListBucket: bucket,
  ListBucketVersions: bucket,
  PutBucketVersioning: bucket,
  GetBucketVersioning: bucket,
  PutBucketObjectLockConfiguration: bucket,
  GetBucketObjectLockConfiguration: bucket,
  PutObject: object,
  GetObject: object,
  GetObjectVersion: object,
  DeleteObject: object,
  DeleteObjectVersion: object,
  PutObjectRetention: object,
  BypassGovernanceRetention: object,
};

/**
 * S3's further checks: a PUT that sets an object's retention also needs s3:PutObjectRetention,
 * and creating a bucket with Object Lock also needs s3:PutBucketObjectLockConfiguration and
 * s3:PutBucketVersioning (the S3 API reference, PutObject and CreateBucket).
 */
/** The condition keys KMS sets for a request (those a policy for a signing key would use). */
function kmsContext(action: string, input: Input, scope: Scope): Record<string, string> {
  const context: Record<string, string> = { 'kms:CallerAccount': scope.account };
  const keyId = text(input.KeyId);
  const alias = /(^|:)(alias\/.+)$/.exec(keyId)?.[2];
  if (alias !== undefined) context['kms:RequestAlias'] = alias;
  if (action === 'Sign' || action === 'Verify') {
    context['kms:SigningAlgorithm'] = text(input.SigningAlgorithm);
    context['kms:MessageType'] = typeof input.MessageType === 'string' ? input.MessageType : 'RAW';
  }
  if (action === 'CreateKey') {
    const or = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
    context['kms:KeySpec'] = or(input.KeySpec, 'SYMMETRIC_DEFAULT');
    context['kms:KeyUsage'] = or(input.KeyUsage, 'ENCRYPT_DECRYPT');
    context['kms:KeyOrigin'] = or(input.Origin, 'AWS_KMS');
    context['kms:MultiRegion'] = String(input.MultiRegion === true);
    context['kms:BypassPolicyLockoutSafetyCheck'] = String(input.BypassPolicyLockoutSafetyCheck === true);
  }
  return context;
}

/** S3's condition keys for a request, from the fields the S3 route passes (local/aws/s3-wire.ts). */
function s3Context(input: Input, scope: Scope): Record<string, string> {
  const context: Record<string, string> = {
    's3:ResourceAccount': scope.account,
    's3:authType': 'REST-HEADER',
    's3:signatureversion': 'AWS4-HMAC-SHA256',
  };
  const keys: Record<string, string> = {
    Prefix: 's3:prefix',
    Delimiter: 's3:delimiter',
    MaxKeys: 's3:max-keys',
    VersionId: 's3:versionid',
    ObjectLockMode: 's3:object-lock-mode',
    ObjectLockRetainUntilDate: 's3:object-lock-retain-until-date',
    IfMatch: 's3:if-match',
    IfNoneMatch: 's3:if-none-match',
    ServerSideEncryption: 's3:x-amz-server-side-encryption',
    StorageClass: 's3:x-amz-storage-class',
    ContentSha256: 's3:x-amz-content-sha256',
  };
  for (const [field, key] of Object.entries(keys))
    if (typeof input[field] === 'string') context[key] = input[field];
  const until = Date.parse(text(input.ObjectLockRetainUntilDate, ''));
  if (Number.isFinite(until))
    context['s3:object-lock-remaining-retention-days'] = String(
      Math.max(0, Math.ceil((until - Date.now()) / 86_400_000)),
    );
  return context;
}

/** The condition keys KMS or S3 set for a request; undefined for other services. */
export function storageContext(
  prefix: string,
  action: string,
  input: Input,
  scope: Scope,
): Record<string, string> | undefined {
  if (prefix === 'kms') return kmsContext(action, input, scope);
  if (prefix === 's3') return s3Context(input, scope);
  return undefined;
}

export function impliedS3(
  action: string,
  input: Input,
): { action: string; type: string; touched: Touched }[] {
  if (action === 'PutObject' && typeof input.ObjectLockMode === 'string')
    return [{ action: 's3:PutObjectRetention', type: 'object', touched: objectOf(input) }];
  if (action === 'CreateBucket' && input.ObjectLockEnabledForBucket === true)
    return ['s3:PutBucketObjectLockConfiguration', 's3:PutBucketVersioning'].map((name) => ({
      action: name,
      type: 'bucket',
      touched: bucketOf(input),
    }));
  return [];
}
