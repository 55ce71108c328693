// S3's REST-XML wire format, as the local S3 reads and writes it: which operation a
// path-style request is (`/<bucket>/<key>?<subresource>`), and the IAM action and resource
// names it is authorized by; S3's XML errors; and reading the small XML documents S3 takes
// (versioning, Object Lock). A request for an operation the local S3 does not serve is
// answered NotImplemented, as S3 answers functionality it does not have.

import type { IncomingHttpHeaders } from 'node:http';
import { escapeXml } from './query-protocol.js';
import { S3Error } from '../errors.js';

export interface S3Response {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

export interface S3Request {
  /** As the S3 API names it, e.g. `PutObject`. */
  operation: string;
  /** The IAM action (without `s3:`), e.g. `GetObjectVersion` for a GetObject naming a version. */
  iamAction: string;
  bucket: string;
  key: string;
  method: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** What IAM's extractors read (local/iam/requests.ts). */
  input: Record<string, unknown>;
}

/** Query parameters that select nothing new: listing and version parameters, and the SDK's `x-id`. */
const PARAMETERS = new Set([
  'x-id', 'versionId', 'list-type', 'prefix', 'delimiter', 'max-keys', 'continuation-token',
  'start-after', 'encoding-type', 'fetch-owner', 'key-marker', 'version-id-marker',
]); // prettier-ignore

const BUCKET_OPERATIONS: Record<string, [operation: string, iamAction: string]> = {
  'PUT ': ['CreateBucket', 'CreateBucket'],
  'DELETE ': ['DeleteBucket', 'DeleteBucket'],
  'HEAD ': ['HeadBucket', 'ListBucket'],
  'GET list-type': ['ListObjectsV2', 'ListBucket'],
  'GET versions': ['ListObjectVersions', 'ListBucketVersions'],
  'PUT versioning': ['PutBucketVersioning', 'PutBucketVersioning'],
  'GET versioning': ['GetBucketVersioning', 'GetBucketVersioning'],
  'PUT object-lock': ['PutObjectLockConfiguration', 'PutBucketObjectLockConfiguration'],
  'GET object-lock': ['GetObjectLockConfiguration', 'GetBucketObjectLockConfiguration'],
};

const OBJECT_OPERATIONS: Record<string, [operation: string, iamAction: string]> = {
  PUT: ['PutObject', 'PutObject'],
  GET: ['GetObject', 'GetObject'],
  HEAD: ['HeadObject', 'GetObject'],
  DELETE: ['DeleteObject', 'DeleteObject'],
};

/** Whether a SigV4-signed request was signed for S3 (its credential scope names `s3`). */
export function signedForS3(headers: IncomingHttpHeaders): boolean {
  return /\bCredential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/s3\/aws4_request\b/.test(
    String(headers.authorization ?? ''),
  );
}

export function parseS3Request(method: string, url: string, headers: IncomingHttpHeaders): S3Request {
  const parsed = new URL(url, 'http://s3.local');
  const path = parsed.pathname.slice(1);
  const slash = path.indexOf('/');
  const bucket = decodeURIComponent(slash < 0 ? path : path.slice(0, slash));
  const key = slash < 0 ? '' : decodeURIComponent(path.slice(slash + 1));
  const query = parsed.searchParams;
  const subresources = [...query.keys()].filter((k) => !PARAMETERS.has(k));
  const unsupported = () =>
    new S3Error(
      'NotImplemented',
      `A header or query you provided implies functionality that is not implemented in the local S3 (${method} ${[...query.keys()].join(', ') || 'path'})`,
      501,
    );
  let entry: [string, string] | undefined;
  if (bucket === '') {
    entry = method === 'GET' && subresources.length === 0 ? ['ListBuckets', 'ListAllMyBuckets'] : undefined;
  } else if (key === '') {
    const sub = query.has('list-type') ? 'list-type' : (subresources[0] ?? '');
    if (subresources.length > 1 || (query.has('list-type') && query.get('list-type') !== '2'))
      throw unsupported();
    entry = BUCKET_OPERATIONS[`${method} ${sub}`];
  } else {
    if (subresources.length > 0 || headers['x-amz-copy-source'] !== undefined) throw unsupported();
    entry = OBJECT_OPERATIONS[method];
  }
  if (entry === undefined) throw unsupported();
  const [operation, action] = entry;
  refuseUnsupportedHeaders(operation, headers);
  const versionId = query.get('versionId') ?? undefined;
  let iamAction = action;
  if (versionId !== undefined && (operation === 'GetObject' || operation === 'HeadObject'))
    iamAction = 'GetObjectVersion';
  if (versionId !== undefined && operation === 'DeleteObject') iamAction = 'DeleteObjectVersion';
  const input: Record<string, unknown> = { Bucket: bucket, Key: key };
  if (versionId !== undefined) input.VersionId = versionId;
  const fields: [string, string | null | undefined][] = [
    ['Prefix', query.get('prefix')],
    ['Delimiter', query.get('delimiter')],
    ['MaxKeys', query.get('max-keys')],
    ['ObjectLockRetainUntilDate', header(headers, 'x-amz-object-lock-retain-until-date')],
    ['IfMatch', header(headers, 'if-match')],
    ['IfNoneMatch', header(headers, 'if-none-match')],
    ['ServerSideEncryption', header(headers, 'x-amz-server-side-encryption')],
    ['StorageClass', header(headers, 'x-amz-storage-class')],
    ['ContentSha256', header(headers, 'x-amz-content-sha256')],
  ];
  for (const [field, value] of fields) if (typeof value === 'string') input[field] = value;
  if (headers['x-amz-object-lock-mode'] !== undefined)
    input.ObjectLockMode = String(headers['x-amz-object-lock-mode']);
  if (String(headers['x-amz-bucket-object-lock-enabled'] ?? '').toLowerCase() === 'true')
    input.ObjectLockEnabledForBucket = true;
  return { operation, iamAction, bucket, key, method, query, headers, input };
}

/** Headers the local S3 reads or that change nothing it emulates; values it accepts, where it restricts them. */
const HEADERS: Record<string, RegExp | null> = {
  'x-amz-date': null, 'x-amz-content-sha256': null, 'x-amz-user-agent': null, 'x-amz-security-token': null,
  'x-amz-sdk-checksum-algorithm': null, 'x-amz-decoded-content-length': null, 'x-amz-trailer': null,
  'x-amz-checksum-crc32': null, 'x-amz-checksum-crc32c': null, 'x-amz-checksum-sha1': null,
  'x-amz-checksum-sha256': null, 'x-amz-checksum-crc64nvme': null, 'x-amz-checksum-type': /^FULL_OBJECT$/i,
  'x-amz-checksum-mode': /^ENABLED$/, 'x-amz-object-lock-mode': null, 'x-amz-object-lock-retain-until-date': null,
  'x-amz-bypass-governance-retention': null, 'x-amz-bucket-object-lock-enabled': null,
  'x-amz-expected-bucket-owner': null, 'x-amz-server-side-encryption': /^AES256$/,
  'x-amz-storage-class': /^STANDARD$/, 'x-amz-object-ownership': /^BucketOwnerEnforced$/, 'x-amz-acl': /^private$/,
  'if-none-match': null, 'if-match': null,
}; // prettier-ignore

/**
 * Refuses a header asking for behaviour the local S3 does not have (SSE-KMS, legal holds,
 * tagging, ranges, MFA delete, conditional reads), rather than ignore it and answer as if
 * S3 had honoured it.
 */
function refuseUnsupportedHeaders(operation: string, headers: IncomingHttpHeaders): void {
  for (const [name, value] of Object.entries(headers)) {
    const conditional = name.startsWith('if-');
    if (!conditional && name !== 'range' && !name.startsWith('x-amz-')) continue;
    if (name.startsWith('x-amz-meta-')) continue;
    const rule = Object.hasOwn(HEADERS, name) ? HEADERS[name] : undefined;
    const allowed =
      rule !== undefined &&
      (!conditional || operation === 'PutObject') &&
      (rule === null || rule.test(String(value)));
    if (!allowed)
      throw new S3Error(
        'NotImplemented',
        `A header you provided implies functionality that is not implemented in the local S3: ${name}: ${String(value)}`,
        501,
      );
  }
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined =>
  headers[name] === undefined ? undefined : String(headers[name]);

/** An XML element from a tree of plain values: arrays repeat the element, objects nest, undefined is left out. */
export function xml(name: string, value: unknown): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => xml(name, v)).join('');
  if (value !== null && typeof value === 'object')
    return `<${name}>${Object.entries(value)
      .map(([k, v]) => xml(k, v))
      .join('')}</${name}>`;
  return `<${name}>${escapeXml(typeof value === 'string' ? value : JSON.stringify(value))}</${name}>`;
}

/** A 200 answer with an XML document, in S3's namespace. */
export function xmlDocument(
  root: string,
  value: Record<string, unknown>,
  headers: Record<string, string> = {},
): S3Response {
  const body = xml(root, value).replace(
    `<${root}>`,
    `<${root} xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`,
  );
  return {
    status: 200,
    headers: { 'content-type': 'application/xml', ...headers },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n${body}`,
  };
}

export function errorResponse(error: S3Error, method: string, resource: string): S3Response {
  const requestId = crypto.randomUUID().replaceAll('-', '').slice(0, 16).toUpperCase();
  const headers: Record<string, string> = { 'x-amz-request-id': requestId, ...error.extra };
  // A HEAD answer has no body: the SDK reads the error from the status code alone.
  if (method === 'HEAD') return { status: error.status, headers, body: '' };
  const body =
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${error.code}</Code><Message>${escapeXml(error.message)}</Message>` +
    `<Resource>${escapeXml(resource)}</Resource><RequestId>${requestId}</RequestId></Error>`;
  return { status: error.status, headers: { ...headers, 'content-type': 'application/xml' }, body };
}

/**
 * The text of each `<name>` element in a small XML document whose root is `root`, or
 * MalformedXML. Enough for the flat documents S3 takes here; nothing is evaluated.
 */
export function readXml(body: string, root: string): (name: string) => string[] {
  const text = body.replace(/^\s*<\?xml[^>]*\?>/, '').trim();
  const open = new RegExp(`^<${root}(\\s[^>]*)?>`);
  if (!open.test(text) || !text.endsWith(`</${root}>`))
    throw new S3Error(
      'MalformedXML',
      `The XML you provided was not well-formed or did not validate against our published schema (expected ${root})`,
    );
  return (name) => [...text.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, 'g'))].map((m) => m[1]!.trim());
}
