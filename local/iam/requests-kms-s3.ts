// What IAM checks for KMS and S3 requests (see requests.ts): a KMS request is authorized
// against the key its KeyId names (an alias resolved to its key first, as KMS does), CreateAlias
// also against the alias; an S3 request against its bucket (`arn:aws:s3:::bucket`) or object
// (`arn:aws:s3:::bucket/key`), as the S3 route passes them in `Bucket` and `Key`.

import type { Extractor, Input, Scope, Touched } from './requests.js';

const text = (value: unknown): string => (typeof value === 'string' ? value : '*');

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
