// Amazon S3, as far as an append-only, Object-Locked anchor store needs it: buckets (with
// Object Lock and versioning), PutObject, GetObject/HeadObject (by version too), DeleteObject
// (delete markers, and version deletes held back by retention), and the two listings
// (s3-listing.ts). Path-style requests only. Retention runs on the wall clock, not the
// simulation's, so a fast clock never releases an object early.

import { createHash } from 'node:crypto';
import { readUpload } from './s3-integrity.js';
import { bucketOperations } from './s3-buckets.js';
import { listObjectsV2, listObjectVersions } from './s3-listing.js';
import { S3Store, type VersionRecord } from './s3-store.js';
import { errorResponse, type S3Request, type S3Response } from './s3-wire.js';
import { S3Error } from '../errors.js';

const DAY = 86_400_000;
/** Headers S3 keeps with an object and sends back with it. */
const REPRESENTATION = ['content-encoding', 'cache-control', 'content-disposition', 'content-language'];

/** Whether the caller may also perform an S3 action on the request's resource (s3:BypassGovernanceRetention). */
export type MayAlso = (action: string, input: Record<string, unknown>) => boolean;

export interface S3Options {
  dataDir: string;
  region: string;
  /** The account that owns every bucket (x-amz-expected-bucket-owner is checked against it). */
  account: string;
  now?: () => number;
}

export class LocalS3 {
  readonly store: S3Store;
  private readonly now: () => number;
  private readonly buckets: ReturnType<typeof bucketOperations>;

  constructor(readonly options: S3Options) {
    this.store = new S3Store(options.dataDir);
    this.now = options.now ?? Date.now;
    this.buckets = bucketOperations(this.store, options.region, this.now);
  }

  /** Serves one request that IAM has allowed; `mayAlso` asks IAM about further actions. */
  handle(request: S3Request, raw: Buffer, mayAlso: MayAlso): S3Response {
    const resource = `/${request.bucket}${request.key === '' ? '' : `/${request.key}`}`;
    try {
      const owner = request.headers['x-amz-expected-bucket-owner'];
      if (owner !== undefined && owner !== this.options.account)
        throw new S3Error('AccessDenied', 'Access Denied', 403);
      return this.serve(request, raw, mayAlso);
    } catch (error) {
      if (error instanceof S3Error) return errorResponse(error, request.method, resource);
      throw error;
    }
  }

  /** Creates a bucket as CreateBucket would, for the local cloud's own set-up (template resources). */
  get bucketOperations() {
    return this.buckets;
  }

  private serve(request: S3Request, raw: Buffer, mayAlso: MayAlso): S3Response {
    const bucketOperation = this.buckets.operations[request.operation];
    if (bucketOperation !== undefined) return bucketOperation(request, raw);
    const bucket = this.buckets.existing(request.bucket);
    const store = this.store;
    switch (request.operation) {
      case 'ListObjectsV2':
        return listObjectsV2(store, bucket, request.query);
      case 'ListObjectVersions':
        return listObjectVersions(store, bucket, request.query);
      case 'PutObject':
        return this.putObject(request, raw);
      case 'GetObject':
      case 'HeadObject':
        return this.getObject(request);
      case 'DeleteObject':
        return this.deleteObject(request, mayAlso);
      default:
        throw new S3Error('NotImplemented', `the local S3 does not serve ${request.operation}`, 501);
    }
  }

  private putObject(request: S3Request, raw: Buffer): S3Response {
    const bucket = this.buckets.existing(request.bucket);
    const { headers } = request;
    if (Buffer.byteLength(request.key) > 1024) throw new S3Error('KeyTooLongError', 'Your key is too long');
    const upload = readUpload(headers, raw);
    this.checkPreconditions(request);
    const mode = headers['x-amz-object-lock-mode'];
    const until = headers['x-amz-object-lock-retain-until-date'];
    let lockMode = bucket.defaultRetention?.mode;
    let retainUntil: number | undefined;
    if (mode !== undefined || until !== undefined) {
      if (mode === undefined || until === undefined)
        throw new S3Error(
          'InvalidArgument',
          'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied',
        );
      if (!bucket.objectLock)
        throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration');
      if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE')
        throw new S3Error('InvalidArgument', 'Unknown wormMode directive.');
      retainUntil = Date.parse(String(until));
      if (!Number.isFinite(retainUntil))
        throw new S3Error('InvalidArgument', 'The retain until date is not a valid ISO 8601 date.');
      if (retainUntil <= this.now())
        throw new S3Error('InvalidArgument', 'The retain until date must be in the future!');
      lockMode = mode;
    } else if (bucket.defaultRetention !== undefined) {
      const { days, years } = bucket.defaultRetention;
      retainUntil = this.now() + (days ?? 0) * DAY + (years ?? 0) * 365 * DAY;
    }
    if (lockMode !== undefined && !upload.hasIntegrityCheck)
      throw new S3Error(
        'InvalidRequest',
        'Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with Object Lock parameters',
      );
    const metadata = Object.fromEntries(
      Object.entries(headers)
        .filter(([name]) => name.startsWith('x-amz-meta-'))
        .map(([name, value]) => [name.slice('x-amz-meta-'.length), String(value)]),
    );
    const version: VersionRecord = {
      key: request.key,
      versionId: bucket.versioning === 'Enabled' ? S3Store.newVersionId() : 'null',
      deleteMarker: false,
      lastModified: this.now(),
      etag: `"${createHash('md5').update(upload.body).digest('hex')}"`,
      size: upload.body.length,
      contentType: String(headers['content-type'] ?? 'binary/octet-stream'),
      metadata,
      representation: Object.fromEntries(
        REPRESENTATION.flatMap((name) =>
          headers[name] === undefined ? [] : [[name, String(headers[name])]],
        ),
      ),
      ...(upload.checksum ? { checksum: upload.checksum } : {}),
      ...(lockMode !== undefined ? { lockMode, retainUntil: retainUntil! } : {}),
    };
    this.store.addVersion(bucket.name, version, upload.body);
    return {
      status: 200,
      headers: {
        etag: version.etag!,
        ...(bucket.versioning !== undefined ? { 'x-amz-version-id': version.versionId } : {}),
        ...(upload.checksum ? { [upload.checksum.header]: upload.checksum.value } : {}),
      },
      body: '',
    };
  }

  /** PutObject's conditional writes: If-None-Match: * (only if absent) and If-Match: <etag>. */
  private checkPreconditions(request: S3Request): void {
    const current = this.store.versionsOf(request.bucket, request.key)[0];
    const live = current?.deleteMarker === false ? current : undefined;
    const failed = () =>
      new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412);
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined) {
      if (ifNoneMatch !== '*')
        throw new S3Error('NotImplemented', 'If-None-Match on PutObject takes only *', 501);
      if (live !== undefined) throw failed();
    }
    const ifMatch = request.headers['if-match'];
    if (ifMatch !== undefined) {
      if (live === undefined) throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404);
      if (live.etag !== ifMatch) throw failed();
    }
  }

  private getObject(request: S3Request): S3Response {
    const bucket = this.buckets.existing(request.bucket);
    const versionId = request.query.get('versionId');
    const versions = this.store.versionsOf(bucket.name, request.key);
    const version = versionId === null ? versions[0] : versions.find((v) => v.versionId === versionId);
    if (version === undefined) {
      if (versionId !== null && versionId !== 'null' && !/^[A-Za-z0-9._]{32}$/.test(versionId))
        throw new S3Error('InvalidArgument', 'Invalid version id specified');
      throw versionId === null
        ? new S3Error('NoSuchKey', 'The specified key does not exist.', 404)
        : new S3Error('NoSuchVersion', 'The specified version does not exist.', 404);
    }
    if (version.deleteMarker) {
      const extra = { 'x-amz-delete-marker': 'true', 'x-amz-version-id': version.versionId };
      if (versionId !== null)
        throw new S3Error(
          'MethodNotAllowed',
          'The specified method is not allowed against this resource.',
          405,
          extra,
        );
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', 404, extra);
    }
    const headers: Record<string, string> = {
      'content-type': version.contentType ?? 'binary/octet-stream',
      etag: version.etag!,
      'last-modified': new Date(version.lastModified).toUTCString(),
      'accept-ranges': 'bytes',
      ...Object.fromEntries(Object.entries(version.metadata ?? {}).map(([k, v]) => [`x-amz-meta-${k}`, v])),
      ...version.representation,
    };
    if (bucket.versioning !== undefined) headers['x-amz-version-id'] = version.versionId;
    if (version.lockMode !== undefined) {
      headers['x-amz-object-lock-mode'] = version.lockMode;
      headers['x-amz-object-lock-retain-until-date'] = new Date(version.retainUntil!).toISOString();
    }
    if (version.checksum !== undefined && request.headers['x-amz-checksum-mode'] === 'ENABLED')
      headers[version.checksum.header] = version.checksum.value;
    const body = request.method === 'HEAD' ? Buffer.alloc(0) : this.store.body(bucket.name, version);
    // A HEAD answer states the object's length, though it sends no body.
    headers['content-length'] = String(version.size ?? 0);
    return { status: 200, headers, body };
  }

  private deleteObject(request: S3Request, mayAlso: MayAlso): S3Response {
    const bucket = this.buckets.existing(request.bucket);
    const versionId = request.query.get('versionId');
    if (versionId === null) {
      // Without a version id nothing is destroyed in a versioned bucket: a delete marker hides the key.
      if (bucket.versioning === undefined) {
        const current = this.store.versionsOf(bucket.name, request.key)[0];
        if (current !== undefined) this.store.removeVersion(bucket.name, current);
        return { status: 204, headers: {}, body: '' };
      }
      const marker: VersionRecord = {
        key: request.key,
        versionId: bucket.versioning === 'Enabled' ? S3Store.newVersionId() : 'null',
        deleteMarker: true,
        lastModified: this.now(),
      };
      this.store.addVersion(bucket.name, marker);
      return {
        status: 204,
        headers: { 'x-amz-delete-marker': 'true', 'x-amz-version-id': marker.versionId },
        body: '',
      };
    }
    const version = this.store.versionsOf(bucket.name, request.key).find((v) => v.versionId === versionId);
    if (version === undefined) return { status: 204, headers: { 'x-amz-version-id': versionId }, body: '' };
    if (version.retainUntil !== undefined && version.retainUntil > this.now()) {
      const bypass =
        String(request.headers['x-amz-bypass-governance-retention'] ?? '').toLowerCase() === 'true';
      const mayBypass =
        version.lockMode === 'GOVERNANCE' && bypass && mayAlso('BypassGovernanceRetention', request.input);
      if (!mayBypass)
        throw new S3Error('AccessDenied', 'Access Denied because object protected by object lock.', 403);
    }
    this.store.removeVersion(bucket.name, version);
    return {
      status: 204,
      headers: {
        'x-amz-version-id': versionId,
        ...(version.deleteMarker ? { 'x-amz-delete-marker': 'true' } : {}),
      },
      body: '',
    };
  }
}
