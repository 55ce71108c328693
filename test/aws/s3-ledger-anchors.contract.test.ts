// Contract tests of S3LedgerAnchors and the S3 requests under it (shared/aws/s3-requests.ts),
// against moto_server and the local cloud's S3: both real S3 wire protocols, with versioned,
// Object-Locked buckets. Each emulator's bucket is fresh; each test uses services of its own.
// Neither checks a request's signature, so a local HTTP server checks it as S3 does, by AWS's
// published SigV4 steps (test/support/sigv4-check.ts); another answers as a throttled S3 would.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/aws/errors.js';
import { anchorKey, S3LedgerAnchors } from '../../shared/aws/s3-ledger-anchors.js';
import { S3ServiceError } from '../../shared/aws/errors.js';
import { S3Requests, type S3RequestsConfig } from '../../shared/aws/s3-requests.js';
import { canonicalJson } from '../../shared/domain/canonical-json.js';
import type { LedgerRecord } from '../../shared/domain/ledger.js';
import { emulatorClientConfig, motoAvailable, startMoto, type Emulator } from '../../harness/emulators.js';
import { encode, signatureProblem } from '../support/sigv4-check.js';
import { startLedgerCloud, type LedgerCloud } from '../support/ledger-cloud.js';

interface Target {
  config: S3RequestsConfig;
  bucket: string;
  /** The SDK's own client, to set up what the adapter only reads. */
  sdk: S3Client;
  stop(): Promise<void>;
}

async function motoTarget(): Promise<Target> {
  const moto: Emulator = await startMoto();
  const config = emulatorClientConfig(moto.endpoint);
  const sdk = new S3Client({ ...config, forcePathStyle: true });
  const bucket = 'cutover-anchors';
  await sdk.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  return { config, bucket, sdk, stop: () => (sdk.destroy(), moto.stop()) };
}

async function localCloudTarget(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cutover-s3-anchors-'));
  const cloud: LedgerCloud = await startLedgerCloud(dataDir);
  const config = cloud.config();
  const sdk = new S3Client({ ...config, forcePathStyle: true });
  return {
    config,
    bucket: cloud.ledger.resources.ref('LedgerAnchorBucket'),
    sdk,
    stop: async () => {
      sdk.destroy();
      await cloud.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const TARGETS = [
  { name: 'moto_server', available: motoAvailable(), start: motoTarget },
  { name: 'the local cloud', available: true, start: localCloudTarget },
] as const;

const head = (service: string, seq: number, hash = `sha256:${String(seq).repeat(64).slice(0, 64)}`) =>
  ({ service, seq, hash }) as unknown as LedgerRecord;

describe.each(TARGETS)('S3LedgerAnchors against $name', ({ available, start }) => {
  let target: Target;
  let anchors: S3LedgerAnchors;
  let s3: S3Requests;

  beforeAll(async () => {
    if (!available) return;
    target = await start();
    s3 = new S3Requests(target.config);
    anchors = new S3LedgerAnchors(s3, target.bucket);
  }, 60_000);
  afterAll(() => target?.stop());

  it.skipIf(!available)('finds no anchor for a service never anchored', async () => {
    expect(await anchors.newest('never-anchored')).toEqual([]);
  });

  it.skipIf(!available)('returns the anchor at the highest seq, as stored', async () => {
    await anchors.put(head('web', 2));
    await anchors.put(head('web', 10));
    await anchors.put(head('web', 9));
    expect(await anchors.newest('web')).toEqual([head('web', 10)]);
  });

  it.skipIf(!available)(
    'keeps the first anchor when the same seq is put again (a retried step)',
    async () => {
      await anchors.put(head('retried', 3, 'sha256:first'));
      await anchors.put(head('retried', 3, 'sha256:second'));
      expect(await anchors.newest('retried')).toEqual([head('retried', 3, 'sha256:first')]);
    },
  );

  it.skipIf(!available)(
    'returns every version of the newest anchor, even behind a delete marker',
    async () => {
      await anchors.put(head('hidden', 4, 'sha256:anchored'));
      const Key = anchorKey('hidden', 4);
      // Written around the adapter, as someone with PutObject but not the ledger's key could.
      await target.sdk.send(new PutObjectCommand({ Bucket: target.bucket, Key, Body: 'not json' }));
      await target.sdk.send(new DeleteObjectCommand({ Bucket: target.bucket, Key }));
      const found = await anchors.newest('hidden');
      expect(found).toHaveLength(2);
      expect(found).toEqual(expect.arrayContaining([head('hidden', 4, 'sha256:anchored'), 'not json']));
    },
  );

  it.skipIf(!available)('keeps a service name with characters a URL must escape', async () => {
    const service = "odd name+(it's)*~ü";
    await anchors.put(head(service, 1));
    expect(await anchors.newest(service)).toEqual([head(service, 1)]);
  });

  it.skipIf(!available)('reads every page of a long version list', async () => {
    const prefix = 'anchors/paged/';
    for (let seq = 1; seq <= 5; seq += 1) await anchors.put(head('paged', seq));
    const keys: string[] = [];
    let marker: { keyMarker: string; versionIdMarker: string } | undefined;
    let pages = 0;
    do {
      const page = await s3.listObjectVersions({ bucket: target.bucket, prefix, maxKeys: 2, ...marker });
      keys.push(...page.versions.map((v) => v.key));
      marker = page.next;
      pages += 1;
    } while (marker !== undefined);
    expect(pages).toBe(3);
    expect(keys.sort()).toEqual([1, 2, 3, 4, 5].map((seq) => anchorKey('paged', seq)));
  });

  it.skipIf(!available)('reads an object back byte for byte', async () => {
    const body = canonicalJson(head('exact', 1));
    expect(
      await s3.getObject({ bucket: target.bucket, key: anchorKey('exact', 1) }).catch((e: unknown) => e),
    ).toMatchObject({
      name: 'NoSuchKey',
      $metadata: { httpStatusCode: 404 },
    });
    await anchors.put(head('exact', 1));
    expect(await s3.getObject({ bucket: target.bucket, key: anchorKey('exact', 1) })).toBe(body);
  });

  it.skipIf(!available)('passes on a missing bucket as S3 names it, not as something to retry', async () => {
    const missing = new S3LedgerAnchors(s3, 'no-such-anchor-bucket');
    for (const call of [() => missing.put(head('web', 1)), () => missing.newest('web')]) {
      const error = await call().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(S3ServiceError);
      expect(error).toMatchObject({ name: 'NoSuchBucket', $metadata: { httpStatusCode: 404 } });
    }
  });
});

describe('S3LedgerAnchors when S3 cannot answer', () => {
  let server: Server;
  let requests = 0;
  const config = (endpoint: string): S3RequestsConfig => ({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });

  beforeAll(async () => {
    server = createServer((_request, response) => {
      requests += 1;
      response.writeHead(503, { 'content-type': 'application/xml' });
      response.end('<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('tries a throttled request 3 times, then fails it as TransientError for the state machine to retry', async () => {
    const { port } = server.address() as AddressInfo;
    const anchors = new S3LedgerAnchors(new S3Requests(config(`http://127.0.0.1:${port}`)), 'anchors');
    requests = 0;
    const error = await anchors.put(head('web', 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as Error).message).toMatch(
      /S3 PutObject anchors\/anchors\/web\/000000000001\.json failed for now: Please reduce/,
    );
    expect((error as TransientError).cause).toMatchObject({
      name: 'SlowDown',
      $metadata: { httpStatusCode: 503 },
    });
    expect(requests).toBe(3);
    requests = 0;
    await expect(anchors.newest('web')).rejects.toBeInstanceOf(TransientError);
    expect(requests).toBe(3);
  });

  it('fails a refused connection as TransientError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const anchors = new S3LedgerAnchors(new S3Requests(config(`http://127.0.0.1:${port}`)), 'anchors');
    const error = await anchors.newest('web').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransientError);
    expect((error as TransientError).cause).toMatchObject({ code: 'ECONNREFUSED' });
  });
});

const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

describe('S3Requests signing, checked as S3 checks it', () => {
  let server: Server;
  let secret = CREDENTIALS.secretAccessKey;
  const problems: string[] = [];
  const seen: string[] = [];
  const key = anchorKey("odd name+(it's)*~ü", 7);

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const problem = signatureProblem(request, Buffer.concat(chunks), secret, 's3');
        seen.push(`${request.method} ${request.url}`);
        if (problem !== undefined) {
          problems.push(problem);
          response
            .writeHead(403)
            .end('<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>');
        } else if (request.url!.includes('?versions')) {
          response.end(
            `<ListVersionsResult><IsTruncated>false</IsTruncated><Version><Key>${key.replace(/'/g, '&apos;')}</Key>` +
              `<VersionId>v1</VersionId></Version><DeleteMarker><Key>${key}</Key><VersionId>v2</VersionId></DeleteMarker></ListVersionsResult>`,
          );
        } else response.end('{"seq":7}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const requests = () =>
    new S3Requests({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      credentials: CREDENTIALS,
    });

  it('signs a put, a version list and a get so that S3 would accept them', async () => {
    const anchors = new S3LedgerAnchors(requests(), 'anchor-bucket');
    await anchors.put(head("odd name+(it's)*~ü", 7));
    expect(await anchors.newest("odd name+(it's)*~ü")).toEqual([{ seq: 7 }]);
    expect(problems).toEqual([]);
    expect(seen).toEqual([
      `PUT /anchor-bucket/${key.split('/').map(encode).join('/')}`,
      `GET /anchor-bucket?versions=&prefix=${encode("anchors/odd%20name%2B(it's)*~%C3%BC/")}`,
      `GET /anchor-bucket/${key.split('/').map(encode).join('/')}?versionId=v1`,
    ]);
  });

  it('accepts the AWS SDK’s own S3 client signing the same get (the check is S3’s)', async () => {
    const sdk = new S3Client({
      endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      forcePathStyle: true,
    });
    try {
      const got = await sdk.send(
        new GetObjectCommand({ Bucket: 'anchor-bucket', Key: key, VersionId: 'v1' }),
      );
      expect(await got.Body!.transformToString()).toBe('{"seq":7}');
      expect(problems).toEqual([]);
    } finally {
      sdk.destroy();
    }
  });

  it('is refused when signed with another secret (the check can fail)', async () => {
    secret = 'another secret';
    try {
      const error = await requests()
        .getObject({ bucket: 'anchor-bucket', key })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
      expect(problems.at(-1)).toMatch(/^signature [0-9a-f]{64} is not [0-9a-f]{64}$/);
    } finally {
      secret = CREDENTIALS.secretAccessKey;
    }
  });
});
