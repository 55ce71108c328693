// The three S3 requests the ledger's anchors need (PutObject, ListObjectVersions, GetObject),
// signed with the AWS SDK's own SigV4 signer and sent over node:https. The SDK's S3 client is
// about 130 kB of every bundle that holds it (checksums, XML, S3 Express, multi-region access
// points): a quarter of a function's size, for three requests. Errors come back as the SDK's
// do: `name` is S3's error code, `$metadata.httpStatusCode` the status, network failures as
// Node raises them, so translateTransient (errors.ts) sorts them alike. Like the SDK's
// standard retry mode, a throttled, 5xx or failed request is tried up to 3 times in all.

import { createHash } from 'node:crypto';
import {
  request as httpRequest,
  type Agent as HttpAgent,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { isTransient } from './errors.js';

export interface S3RequestsConfig {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Where to send the requests (the local cloud, an emulator); AWS's regional endpoint if not set. */
  endpoint?: string;
}

/** An error S3 answered with: as the SDK's, its name is S3's code (`NoSuchKey`, `AccessDenied`). */
export class S3ServiceError extends Error {
  readonly $metadata: { httpStatusCode: number };
  constructor(code: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode };
  }
}

/** The answer took longer than this: the request is abandoned and counted as transient. */
const TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 3;

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
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent | undefined;

  constructor(config: S3RequestsConfig) {
    this.url = new URL(config.endpoint ?? `https://s3.${config.region}.${dnsSuffix(config.region)}`);
    this.signer = new SignatureV4({
      service: 's3',
      region: config.region,
      credentials: config.credentials,
      sha256: Sha256,
      // S3 signs the path as sent, not encoded a second time; and it wants the body's hash.
      uriEscapePath: false,
      applyChecksum: true,
    });
    // One connection kept open across invocations, as the SDK keeps one.
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : undefined;
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

  private async send(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    body?: string,
  ): Promise<string> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.attempt(method, path, query, headers, body);
      } catch (error) {
        if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
        // Full jitter over an exponential base, as the SDK's standard retry strategy.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  private async attempt(
    method: string,
    path: string,
    query: Record<string, string>,
    headers: Record<string, string>,
    body?: string,
  ): Promise<string> {
    const request: HttpRequest = {
      method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port === '' ? undefined : Number(this.url.port),
      path: `${this.url.pathname.replace(/\/$/, '')}${path}`,
      query,
      headers: { ...headers, host: this.url.host },
      body,
    };
    const signed = await this.signer.sign(request);
    const search = Object.entries(query)
      .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
      .join('&');
    const options: RequestOptions = {
      method,
      hostname: this.url.hostname,
      port: request.port,
      path: search === '' ? signed.path : `${signed.path}?${search}`,
      headers: signed.headers,
      agent: this.agent,
      timeout: TIMEOUT_MS,
    };
    const response = await exchange(
      this.url.protocol === 'https:' ? httpsRequest : httpRequest,
      options,
      body,
    );
    if (response.status >= 200 && response.status < 300) return response.body;
    // A HEAD-like answer has no body; S3's errors otherwise are <Error><Code>…</Code><Message>…
    const code = text(response.body, 'Code') ?? `Http${response.status}`;
    const message = text(response.body, 'Message') ?? `S3 answered ${response.status}`;
    throw new S3ServiceError(code, message, response.status);
  }
}

/** Sends one request and reads the whole answer. */
function exchange(request: typeof httpRequest, options: RequestOptions, body?: string) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('timeout', () => {
      const error = new Error(`no answer from S3 within ${TIMEOUT_MS / 1000} s`);
      error.name = 'TimeoutError';
      req.destroy(error);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Percent-encoding as SigV4 and S3 want it: everything but `A-Z a-z 0-9 - _ . ~`. */
const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** A path-style object path: works everywhere, the local cloud's single endpoint included. */
const objectPath = (bucket: string, key: string) =>
  `/${rfc3986(bucket)}/${key.split('/').map(rfc3986).join('/')}`;

const dnsSuffix = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');

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
