// The local S3's two listings: ListObjectsV2 (each key's current version, hiding keys whose
// current version is a delete marker; prefix, delimiter, start-after and an opaque
// continuation token) and ListObjectVersions (every version and delete marker, keys in
// order and each key's versions newest first; prefix and key/version-id markers).

import type { BucketRecord, S3Store, VersionRecord } from './s3-store.js';
import { xmlDocument, type S3Response } from './s3-wire.js';
import { S3Error } from '../errors.js';

function maxKeys(query: URLSearchParams): number {
  const raw = query.get('max-keys');
  if (raw === null) return 1000;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0)
    throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range');
  return Math.min(value, 1000);
}

const iso = (ms: number) => new Date(ms).toISOString();

/** `encoding-type=url` (the AWS CLI asks for it): keys and prefixes go out URL-encoded. */
function encoding(query: URLSearchParams): { encode: (text: string) => string; EncodingType?: 'url' } {
  const type = query.get('encoding-type');
  if (type === null) return { encode: (text) => text };
  if (type !== 'url') throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request');
  return { encode: (text) => encodeURIComponent(text).replaceAll('%2F', '/'), EncodingType: 'url' };
}

/** Keys in S3's order: by their UTF-8 bytes. */
const byKey = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

export function listObjectsV2(store: S3Store, bucket: BucketRecord, query: URLSearchParams): S3Response {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const limit = maxKeys(query);
  const { encode, EncodingType } = encoding(query);
  const token = query.get('continuation-token');
  let after = query.get('start-after') ?? '';
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!decoded.startsWith('k:'))
      throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect');
    after = decoded.slice(2);
  }
  const current = new Map<string, VersionRecord>();
  for (const version of store.versions(bucket.name)) current.set(version.key, version);
  const keys = [...current.keys()]
    .filter((k) => k.startsWith(prefix) && byKey(k, after) > 0 && !current.get(k)!.deleteMarker)
    .sort(byKey);
  const contents: VersionRecord[] = [];
  const prefixes: string[] = [];
  let last = '';
  let truncated = false;
  for (const key of keys) {
    const rolled = delimiter === '' ? -1 : key.indexOf(delimiter, prefix.length);
    const common = rolled < 0 ? undefined : key.slice(0, rolled + delimiter.length);
    if (common !== undefined && prefixes.at(-1) === common) continue;
    if (contents.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (common !== undefined) prefixes.push(common);
    else contents.push(current.get(key)!);
    last = common ?? key;
  }
  return xmlDocument('ListBucketResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    Delimiter: delimiter === '' ? undefined : encode(delimiter),
    EncodingType,
    MaxKeys: limit,
    KeyCount: contents.length + prefixes.length,
    IsTruncated: truncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: truncated ? Buffer.from(`k:${last}`).toString('base64url') : undefined,
    StartAfter: query.has('start-after') ? encode(query.get('start-after')!) : undefined,
    Contents: contents.map((v) => ({
      Key: encode(v.key),
      LastModified: iso(v.lastModified),
      ETag: v.etag,
      Size: v.size,
      StorageClass: 'STANDARD',
    })),
    CommonPrefixes: prefixes.map((p) => ({ Prefix: encode(p) })),
  });
}

export function listObjectVersions(store: S3Store, bucket: BucketRecord, query: URLSearchParams): S3Response {
  const prefix = query.get('prefix') ?? '';
  const limit = maxKeys(query);
  const { encode, EncodingType } = encoding(query);
  const keyMarker = query.get('key-marker') ?? '';
  const versionMarker = query.get('version-id-marker') ?? '';
  if (versionMarker !== '' && keyMarker === '')
    throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.');
  const keys = [...new Set(store.versions(bucket.name).map((v) => v.key))]
    .filter((k) => k.startsWith(prefix) && byKey(k, keyMarker) >= 0)
    .sort(byKey);
  const listed: { version: VersionRecord; latest: boolean }[] = [];
  let truncated = false;
  outer: for (const key of keys) {
    const versions = store.versionsOf(bucket.name, key);
    let start = 0;
    if (key === keyMarker) {
      // Past the marker key, unless a version-id marker says where in its versions to resume.
      if (versionMarker === '') continue;
      start = versions.findIndex((v) => v.versionId === versionMarker) + 1;
      if (start === 0) continue;
    }
    for (let i = start; i < versions.length; i++) {
      if (listed.length >= limit) {
        truncated = true;
        break outer;
      }
      listed.push({ version: versions[i]!, latest: i === 0 });
    }
  }
  const last = listed.at(-1)?.version;
  const entry = ({ version, latest }: { version: VersionRecord; latest: boolean }) => ({
    Key: encode(version.key),
    VersionId: version.versionId,
    IsLatest: latest,
    LastModified: iso(version.lastModified),
    ...(version.deleteMarker ? {} : { ETag: version.etag, Size: version.size, StorageClass: 'STANDARD' }),
    Owner: { ID: 'local', DisplayName: 'local' },
  });
  return xmlDocument('ListVersionsResult', {
    Name: bucket.name,
    Prefix: encode(prefix),
    EncodingType,
    KeyMarker: encode(keyMarker),
    VersionIdMarker: versionMarker,
    MaxKeys: limit,
    IsTruncated: truncated,
    NextKeyMarker: truncated && last !== undefined ? encode(last.key) : undefined,
    NextVersionIdMarker: truncated ? last?.versionId : undefined,
    Version: listed.filter((l) => !l.version.deleteMarker).map(entry),
    DeleteMarker: listed.filter((l) => l.version.deleteMarker).map(entry),
  });
}
