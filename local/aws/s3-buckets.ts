// The local S3's bucket operations: ListBuckets, CreateBucket (with Object Lock), HeadBucket,
// DeleteBucket, versioning and Object Lock configuration, with S3's rules: bucket names,
// the location constraint, Object Lock needing versioning and versioning staying on under
// Object Lock, default retention of Days or Years (never both), a checksum on the request.

import { readUpload } from './s3-integrity.js';
import type { BucketRecord, DefaultRetention, S3Store } from './s3-store.js';
import { readXml, xmlDocument, type S3Request, type S3Response } from './s3-wire.js';
import { S3Error } from '../errors.js';

type BucketOperation = (request: S3Request, raw: Buffer) => S3Response;

export interface BucketSettings {
  objectLock?: boolean;
  versioning?: 'Enabled' | 'Suspended';
  defaultRetention?: DefaultRetention;
  logicalId?: string;
}

const OK: S3Response = { status: 200, headers: {}, body: '' };

export function bucketOperations(store: S3Store, region: string, now: () => number) {
  const existing = (name: string): BucketRecord => {
    const bucket = store.bucket(name);
    if (bucket === undefined) throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', 404);
    return bucket;
  };

  /** Creates a bucket; CreateBucket's checks, and the local cloud's own set-up, both come here. */
  const create = (name: string, settings: BucketSettings): BucketRecord => {
    checkBucketName(name);
    if (store.bucket(name) !== undefined)
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        'Your previous request to create the named bucket succeeded and you already own it.',
        409,
      );
    if (settings.defaultRetention !== undefined && settings.objectLock !== true)
      throw new S3Error('InvalidBucketState', 'Object Lock configuration cannot be enabled on this bucket');
    if (settings.objectLock === true && settings.versioning === 'Suspended')
      throw new S3Error(
        'InvalidBucketState',
        'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
      );
    const record: BucketRecord = {
      name,
      createdAt: now(),
      objectLock: settings.objectLock === true,
      ...(settings.objectLock === true ? { versioning: 'Enabled' as const } : {}),
      ...(settings.versioning !== undefined && settings.objectLock !== true
        ? { versioning: settings.versioning }
        : {}),
      ...(settings.defaultRetention ? { defaultRetention: settings.defaultRetention } : {}),
      ...(settings.logicalId ? { logicalId: settings.logicalId } : {}),
    };
    store.saveBucket(record);
    return record;
  };

  const operations: Record<string, BucketOperation> = {
    ListBuckets: () =>
      xmlDocument('ListAllMyBucketsResult', {
        Buckets: {
          Bucket: store
            .allBuckets()
            .map((b) => ({ Name: b.name, CreationDate: new Date(b.createdAt).toISOString() })),
        },
        Owner: { ID: 'local', DisplayName: 'local' },
      }),
    HeadBucket: (request) => {
      existing(request.bucket);
      return { status: 200, headers: { 'x-amz-bucket-region': region }, body: '' };
    },
    DeleteBucket: (request) => {
      existing(request.bucket);
      if (store.versions(request.bucket).length > 0)
        throw new S3Error(
          'BucketNotEmpty',
          'The bucket you tried to delete is not empty. You must delete all versions in the bucket.',
          409,
        );
      store.deleteBucket(request.bucket);
      return { status: 204, headers: {}, body: '' };
    },
    GetBucketVersioning: (request) => {
      const bucket = existing(request.bucket);
      return xmlDocument('VersioningConfiguration', { Status: bucket.versioning });
    },
    PutBucketVersioning: (request, raw) => {
      const bucket = existing(request.bucket);
      const status = readXml(raw.toString('utf8'), 'VersioningConfiguration')('Status')[0];
      if (status !== 'Enabled' && status !== 'Suspended')
        throw new S3Error(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      if (bucket.objectLock && status === 'Suspended')
        throw new S3Error(
          'InvalidBucketState',
          'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.',
          409,
        );
      store.saveBucket({ ...bucket, versioning: status });
      return OK;
    },
    GetObjectLockConfiguration: (request) => {
      const bucket = existing(request.bucket);
      if (!bucket.objectLock)
        throw new S3Error(
          'ObjectLockConfigurationNotFoundError',
          'Object Lock configuration does not exist for this bucket',
          404,
        );
      const retention = bucket.defaultRetention;
      return xmlDocument('ObjectLockConfiguration', {
        ObjectLockEnabled: 'Enabled',
        Rule:
          retention === undefined
            ? undefined
            : { DefaultRetention: { Mode: retention.mode, Days: retention.days, Years: retention.years } },
      });
    },
    PutObjectLockConfiguration: (request, raw) => {
      const bucket = existing(request.bucket);
      if (!readUpload(request.headers, raw).hasIntegrityCheck)
        throw new S3Error('InvalidRequest', 'Missing required header for this request: Content-MD5');
      const field = readXml(raw.toString('utf8'), 'ObjectLockConfiguration');
      if (field('ObjectLockEnabled')[0] !== 'Enabled')
        throw new S3Error(
          'MalformedXML',
          'The XML you provided was not well-formed or did not validate against our published schema',
        );
      if (!bucket.objectLock && bucket.versioning !== 'Enabled')
        throw new S3Error(
          'InvalidBucketState',
          "Versioning must be 'Enabled' on the bucket to apply a Object Lock configuration",
          409,
        );
      const { defaultRetention: _replaced, ...rest } = bucket;
      const retention = readRetention(field);
      store.saveBucket({
        ...rest,
        objectLock: true,
        versioning: 'Enabled',
        ...(retention ? { defaultRetention: retention } : {}),
      });
      return OK;
    },
  };
  operations.CreateBucket = (request, raw) => {
    const constraint =
      raw.length === 0
        ? undefined
        : readXml(raw.toString('utf8'), 'CreateBucketConfiguration')('LocationConstraint')[0];
    if (region === 'us-east-1' && constraint !== undefined && constraint !== '')
      throw new S3Error('InvalidLocationConstraint', 'The specified location-constraint is not valid');
    if (region !== 'us-east-1' && constraint !== region)
      throw new S3Error(
        'IllegalLocationConstraintException',
        `The unspecified location constraint is incompatible for the region specific endpoint this request was sent to (${region}).`,
      );
    const objectLock =
      String(request.headers['x-amz-bucket-object-lock-enabled'] ?? '').toLowerCase() === 'true';
    create(request.bucket, { objectLock });
    return { status: 200, headers: { location: `/${request.bucket}` }, body: '' };
  };

  return { operations, existing, create };
}

/** A default retention rule: a mode and exactly one of Days and Years, positive. */
export function readRetention(field: (name: string) => string[]): DefaultRetention | undefined {
  const [mode] = field('Mode');
  const [days] = field('Days');
  const [years] = field('Years');
  if (mode === undefined && days === undefined && years === undefined) return undefined;
  if ((mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') || (days === undefined) === (years === undefined))
    throw new S3Error(
      'MalformedXML',
      'The XML you provided was not well-formed or did not validate against our published schema',
    );
  const period = Number(days ?? years);
  if (!Number.isInteger(period) || period <= 0)
    throw new S3Error('InvalidArgument', 'Default retention period must be a positive integer value.');
  return days !== undefined ? { mode, days: period } : { mode, years: period };
}

/** S3's general purpose bucket naming rules. */
function checkBucketName(name: string): void {
  const invalid =
    name.length < 3 ||
    name.length > 63 ||
    !/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name) ||
    name.includes('..') ||
    /^\d+\.\d+\.\d+\.\d+$/.test(name) ||
    /^(xn--|sthree-|amzn-s3-demo-)/.test(name) ||
    /(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);
  if (invalid) throw new S3Error('InvalidBucketName', 'The specified bucket is not valid.');
}
