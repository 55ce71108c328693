// The ids the local cloud gives the KMS keys and unnamed S3 buckets a template declares:
// derived from the account, Region and logical id, so that anything evaluating the template
// (the local cloud creating them, a role naming `!GetAtt LedgerKey.Arn`, CI comparing the
// packaged roles) arrives at the same ARN without the key having to exist first.

import { createHash } from 'node:crypto';

interface IdScope {
  partition: string;
  region: string;
  account: string;
}

const digest = (scope: IdScope, logicalId: string) =>
  createHash('sha256')
    .update(`${scope.partition}:${scope.account}:${scope.region}:${logicalId}`)
    .digest('hex');

/** A KMS key id (a UUID, as KMS's are) for a template's key. */
export function templateKeyId(scope: IdScope, logicalId: string): string {
  const hex = digest(scope, logicalId);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The name of a template's bucket that declares no BucketName: `<logical id>-<12 characters>`, lower case. */
export function templateBucketName(scope: IdScope, logicalId: string): string {
  return `${logicalId.toLowerCase().slice(0, 50)}-${digest(scope, logicalId).slice(0, 12)}`;
}
