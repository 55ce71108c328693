// The KMS keys, aliases and S3 buckets that serverless.yml's `resources` declare, created
// in the local KMS and S3 when the local cloud starts, as CloudFormation would create them.
// It is idempotent across restarts: a resource is found again by its logical id (a key
// keeps its id and material; a bucket keeps its name), and its settings are brought up to
// date. Afterwards `ref` and `arn` answer `!Ref X` and `!GetAtt X.Arn` for local code.

import { readFile } from 'node:fs/promises';
import { templateResources, type RoleOptions, type TemplateResource } from '../iam/roles.js';
import type { LocalKms } from './kms.js';
import { checkPolicy } from './kms-input.js';
import type { LocalS3 } from './s3.js';
import { readRetention, type BucketSettings } from './s3-buckets.js';
import { templateBucketName, templateKeyId } from './template-ids.js';

export type TemplateOptions = RoleOptions;

interface Created {
  type: string;
  ref: string;
  arn?: string;
}

export class TemplateResources {
  constructor(private readonly created: ReadonlyMap<string, Created>) {}

  /** What `!Ref <logicalId>` gives: a key's id, an alias's name, a bucket's name. */
  ref(logicalId: string): string {
    return this.get(logicalId).ref;
  }

  /** What `!GetAtt <logicalId>.Arn` gives (keys and buckets). */
  arn(logicalId: string): string {
    const arn = this.get(logicalId).arn;
    if (arn === undefined) throw new Error(`${logicalId} has no Arn attribute`);
    return arn;
  }

  /** Every created resource's `!Ref` value, by logical id (for the template's other values). */
  physicalIds(): Record<string, string> {
    return Object.fromEntries([...this.created].map(([id, c]) => [id, c.ref]));
  }

  private get(logicalId: string): Created {
    const created = this.created.get(logicalId);
    if (created === undefined)
      throw new Error(`serverless.yml declares no KMS key, alias or S3 bucket ${logicalId}`);
    return created;
  }
}

export async function createTemplateResources(
  file: string,
  kms: LocalKms,
  s3: LocalS3,
  options: TemplateOptions,
): Promise<TemplateResources> {
  const resources = templateResources(await readFile(file, 'utf8'), options);
  const created = new Map<string, Created>();
  const ids = () => Object.fromEntries([...created].map(([id, c]) => [id, c.ref]));
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  for (const resource of ofType('AWS::KMS::Key')) {
    const key = createKey(
      kms,
      resource,
      resource.properties(ids()),
      templateKeyId(options, resource.logicalId),
    );
    created.set(resource.logicalId, { type: resource.type, ref: key.keyId, arn: key.arn });
  }
  for (const resource of ofType('AWS::KMS::Alias')) {
    const properties = resource.properties(ids());
    const aliasName = String(properties.AliasName);
    const target = kms.keys.find(String(properties.TargetKeyId), false);
    const existing = kms.keys.alias(aliasName);
    if (existing === undefined)
      kms.service.operations.CreateAlias!({ AliasName: aliasName, TargetKeyId: target.keyId });
    else if (existing.targetKeyId !== target.keyId)
      kms.keys.saveAlias({ ...existing, targetKeyId: target.keyId, updatedAt: Date.now() });
    created.set(resource.logicalId, { type: resource.type, ref: aliasName });
  }
  for (const resource of ofType('AWS::S3::Bucket')) {
    const name = createBucket(
      s3,
      resource,
      resource.properties(ids()),
      templateBucketName(options, resource.logicalId),
    );
    created.set(resource.logicalId, {
      type: resource.type,
      ref: name,
      arn: `arn:${options.partition}:s3:::${name}`,
    });
  }
  return new TemplateResources(created);
}

function createKey(
  kms: LocalKms,
  resource: TemplateResource,
  properties: Record<string, unknown>,
  keyId: string,
) {
  const policy =
    properties.KeyPolicy === undefined
      ? kms.defaultPolicy()
      : typeof properties.KeyPolicy === 'string'
        ? properties.KeyPolicy
        : JSON.stringify(properties.KeyPolicy);
  const existing = kms.keys.byLogicalId(resource.logicalId);
  if (existing !== undefined) {
    // CloudFormation updates a key's policy in place; its spec and usage cannot change.
    checkPolicy(policy);
    if (existing.policy !== policy) kms.keys.save({ ...existing, policy });
    return existing;
  }
  const input: Record<string, unknown> = { Policy: policy };
  for (const field of [
    'KeySpec',
    'KeyUsage',
    'Description',
    'Origin',
    'MultiRegion',
    'BypassPolicyLockoutSafetyCheck',
  ])
    if (properties[field] !== undefined) input[field] = properties[field];
  const key = kms.createKey(input, resource.logicalId, keyId);
  if (properties.Enabled === false) kms.keys.save({ ...key, state: 'Disabled' });
  return key;
}

function createBucket(
  s3: LocalS3,
  resource: TemplateResource,
  properties: Record<string, unknown>,
  generated: string,
): string {
  const lock = properties.ObjectLockConfiguration as Record<string, unknown> | undefined;
  const rule = (lock?.Rule as { DefaultRetention?: Record<string, string | number> } | undefined)
    ?.DefaultRetention;
  const retention =
    rule === undefined
      ? undefined
      : readRetention((name) => (rule[name] === undefined ? [] : [String(rule[name])]));
  const status = (properties.VersioningConfiguration as { Status?: string } | undefined)?.Status;
  if (lock !== undefined && properties.ObjectLockEnabled !== true)
    throw new Error(`${resource.logicalId}: ObjectLockConfiguration needs ObjectLockEnabled: true`);
  const settings: BucketSettings = {
    objectLock: properties.ObjectLockEnabled === true,
    ...(status === 'Enabled' || status === 'Suspended' ? { versioning: status } : {}),
    ...(retention ? { defaultRetention: retention } : {}),
    logicalId: resource.logicalId,
  };
  const existing = s3.store.allBuckets().find((b) => b.logicalId === resource.logicalId);
  if (existing !== undefined) {
    const { defaultRetention: _old, ...rest } = existing;
    const versioning = existing.objectLock ? 'Enabled' : (settings.versioning ?? existing.versioning);
    s3.store.saveBucket({
      ...rest,
      ...(versioning ? { versioning } : {}),
      ...(retention ? { defaultRetention: retention } : {}),
    });
    return existing.name;
  }
  // An unnamed bucket is named as template-ids.ts derives it (CloudFormation adds a random part).
  const name = typeof properties.BucketName === 'string' ? properties.BucketName : generated;
  s3.bucketOperations.create(name, settings);
  return name;
}
