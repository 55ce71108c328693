// The three S3 requests the ledger's anchors need (PutObject, ListObjectVersions, GetObject),
// signed and sent by signed-http.ts. The SDK's S3 client is about 130 kB of every bundle that
// holds it (checksums, XML, S3 Express, multi-region access points): a quarter of a function's
// size, for three requests. Errors come back as the SDK's do: `name` is S3's error code,
// `$metadata.httpStatusCode` the status, network failures as Node raises them, so
// translateTransient (errors.ts) sorts them alike.

import { createHash } from 'node:crypto';
import { S3ServiceError } from './errors.js';
import { rfc3986, SignedHttp, type AwsHttpConfig, type HttpAnswer } from './signed-http.js';

export type S3RequestsConfig = AwsHttpConfig;

export interface ObjectVersion {
  key: string;
  versionId: string;
}

export interface VersionsPage {
  versions: ObjectVersion[];
  /** Where the next page starts; undefined on the last page. */
  next?: { keyMarker: string; versionIdMarker: string };
}

export class S3Requests {
  private readonly http: SignedHttp;

  constructor(config: S3RequestsConfig) {
    // S3 signs the path as sent, not encoded a second time.
    this.http = new SignedHttp({ signingName: 's3', endpointPrefix: 's3', uriEscapePath: false }, config);
  }

  /** Stores `body` at `key`; `ifNoneMatch: '*'` makes S3 refuse (412) where the key exists. */
  async putObject(input: {
    bucket: string;
    key: string;
    body: string;
    contentType: string;
    ifNoneMatch?: '*';
  }) {
    const headers: Record<string, string> = {
      'content-type': input.contentType,
      'content-length': String(Buffer.byteLength(input.body)),
      // S3 refuses a put into an Object-Locked bucket without a checksum of the body.
      'content-md5': createHash('md5').update(input.body).digest('base64'),
    };
    if (input.ifNoneMatch !== undefined) headers['if-none-match'] = input.ifNoneMatch;
    await this.send('PUT', objectPath(input.bucket, input.key), {}, headers, input.body);
  }

  /** One page of the versions (not delete markers) of the objects under `prefix`. */
  async listObjectVersions(input: {
    bucket: string;
    prefix: string;
    keyMarker?: string;
    versionIdMarker?: string;
    /** At most this many versions per page; S3's own default is 1,000. */
    maxKeys?: number;
  }): Promise<VersionsPage> {
    const query: Record<string, string> = { versions: '', prefix: input.prefix };
    if (input.maxKeys !== undefined) query['max-keys'] = String(input.maxKeys);
    if (input.keyMarker !== undefined) query['key-marker'] = input.keyMarker;
    if (input.versionIdMarker !== undefined) query['version-id-marker'] = input.versionIdMarker;
    const xml = await this.send('GET', `/${rfc3986(input.bucket)}`, query, {});
    const versions = elements(xml, 'Version').map((v) => ({
      key: text(v, 'Key') ?? '',
      versionId: text(v, 'VersionId') ?? 'null',
    }));
    if (text(xml, 'IsTruncated') !== 'true') return { versions };
    const keyMarker = text(xml, 'NextKeyMarker');
    const versionIdMarker = text(xml, 'NextVersionIdMarker');
    if (keyMarker === undefined || versionIdMarker === undefined)
      throw new S3ServiceError(
        'MalformedResponse',
        'a truncated version list gave no marker to go on from',
        200,
      );
    return { versions, next: { keyMarker, versionIdMarker } };
  }

  /** The object's body as UTF-8 text; a given version of it, or the newest. */
  async getObject(input: { bucket: string; key: string; versionId?: string }): Promise<string> {
    const query: Record<string, string> = input.versionId === undefined ? {} : { versionId: input.versionId };
    return this.send('GET', objectPath(input.bucket, input.key), query, {});
  }

  private send(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    body?: string,
  ): Promise<string> {
    return this.http.send({ method, path, query, headers, body }, s3Error);
  }
}

/** S3's errors are <Error><Code>…</Code><Message>…; a HEAD-like answer has no body. */
function s3Error(answer: HttpAnswer): S3ServiceError {
  const code = text(answer.body, 'Code') ?? `Http${answer.status}`;
  const message = text(answer.body, 'Message') ?? `S3 answered ${answer.status}`;
  return new S3ServiceError(code, message, answer.status);
}

/** A path-style object path: works everywhere, the local cloud's single endpoint included. */
const objectPath = (bucket: string, key: string) =>
  `/${rfc3986(bucket)}/${key.split('/').map(rfc3986).join('/')}`;

/** The contents of each `<name>` element, in order (S3's answers are flat enough for this). */
function elements(xml: string, name: string): string[] {
  return [...xml.matchAll(new RegExp(`<${name}>([\\s\\S]*?)</${name}>`, 'g'))].map((m) => m[1]!);
}

function text(xml: string, name: string): string | undefined {
  const found = elements(xml, name)[0];
  return found === undefined ? undefined : unescapeXml(found);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function unescapeXml(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (whole, entity: string) => {
    if (entity.startsWith('#x')) return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}
