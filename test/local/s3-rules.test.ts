// S3's rules on the local S3, through the AWS SDK: GOVERNANCE retention bypassed only as S3
// allows, a checksum required under Object Lock, conditional writes, bucket names, and
// requests for what the local S3 does not emulate refused rather than ignored.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerCloud, type LedgerCloud } from '../support/ledger-cloud.js';

let cloud: LedgerCloud;
let admin: S3Client;

beforeAll(async () => {
  cloud = await startLedgerCloud(mkdtempSync(join(tmpdir(), 'cutover-s3-rules-')));
  admin = new S3Client({ ...cloud.config(), forcePathStyle: true });
});

afterAll(async () => {
  admin?.destroy();
  await cloud?.server.close();
});

const anchors = () => cloud.ledger.resources.ref('LedgerAnchorBucket');
const put = (Key: string, Body: string, Bucket: string) =>
  admin.send(new PutObjectCommand({ Bucket, Key, Body }));

describe('buckets made through the API', () => {
  it('lets GOVERNANCE retention be bypassed only with the header (and the permission)', async () => {
    await admin.send(new CreateBucketCommand({ Bucket: 'governed', ObjectLockEnabledForBucket: true }));
    await admin.send(
      new PutObjectLockConfigurationCommand({
        Bucket: 'governed',
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 3 } },
        },
      }),
    );
    const { VersionId } = await put('a', 'x', 'governed');
    await expect(
      admin.send(new DeleteObjectCommand({ Bucket: 'governed', Key: 'a', VersionId })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    // The header alone is not enough: the caller also needs s3:BypassGovernanceRetention.
    const pruner = new S3Client({ ...cloud.config('pruner'), forcePathStyle: true });
    await expect(
      pruner.send(
        new DeleteObjectCommand({ Bucket: 'governed', Key: 'a', VersionId, BypassGovernanceRetention: true }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
    pruner.destroy();
    const bypassed = await admin.send(
      new DeleteObjectCommand({ Bucket: 'governed', Key: 'a', VersionId, BypassGovernanceRetention: true }),
    );
    expect(bypassed.VersionId).toBe(VersionId);
  });

  it('refuses a put under Object Lock that carries neither Content-MD5 nor a checksum', async () => {
    const bare = new S3Client({
      ...cloud.config(),
      forcePathStyle: true,
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await expect(
      bare.send(new PutObjectCommand({ Bucket: anchors(), Key: 'anchors/bare.json', Body: 'x' })),
    ).rejects.toMatchObject({
      name: 'InvalidRequest',
      message: expect.stringContaining('Content-MD5') as unknown,
    });
    await admin.send(new CreateBucketCommand({ Bucket: 'plain' }));
    await expect(
      bare.send(new PutObjectCommand({ Bucket: 'plain', Key: 'bare', Body: 'x' })),
    ).resolves.toBeDefined();
    bare.destroy();
  });

  it('honours If-None-Match: * (write once) and If-Match on PutObject', async () => {
    await admin.send(new PutObjectCommand({ Bucket: 'plain', Key: 'once', Body: '1', IfNoneMatch: '*' }));
    await expect(
      admin.send(new PutObjectCommand({ Bucket: 'plain', Key: 'once', Body: '2', IfNoneMatch: '*' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed', $metadata: { httpStatusCode: 412 } });
    const head = await admin.send(new HeadObjectCommand({ Bucket: 'plain', Key: 'once' }));
    await expect(
      admin.send(new PutObjectCommand({ Bucket: 'plain', Key: 'once', Body: '3', IfMatch: '"stale"' })),
    ).rejects.toMatchObject({ name: 'PreconditionFailed' });
    await admin.send(new PutObjectCommand({ Bucket: 'plain', Key: 'once', Body: '4', IfMatch: head.ETag }));
    const read = await admin.send(new GetObjectCommand({ Bucket: 'plain', Key: 'once' }));
    expect(await read.Body!.transformToString()).toBe('4');
  });

  it('keeps a gzip-encoded object’s bytes as sent, and its Content-Encoding', async () => {
    const body = gzipSync('{"head":"z"}');
    await admin.send(
      new PutObjectCommand({ Bucket: 'plain', Key: 'z.json.gz', Body: body, ContentEncoding: 'gzip' }),
    );
    const read = await admin.send(new GetObjectCommand({ Bucket: 'plain', Key: 'z.json.gz' }));
    expect(read.ContentEncoding).toBe('gzip');
    expect(Buffer.from(await read.Body!.transformToByteArray()).equals(body)).toBe(true);
  });

  it('refuses what it does not emulate (SSE-KMS, legal holds) instead of ignoring it, and another owner', async () => {
    await expect(
      admin.send(
        new PutObjectCommand({ Bucket: 'plain', Key: 'k', Body: 'x', ServerSideEncryption: 'aws:kms' }),
      ),
    ).rejects.toMatchObject({ name: 'NotImplemented', $metadata: { httpStatusCode: 501 } });
    await expect(
      admin.send(
        new PutObjectCommand({ Bucket: anchors(), Key: 'k', Body: 'x', ObjectLockLegalHoldStatus: 'ON' }),
      ),
    ).rejects.toMatchObject({ name: 'NotImplemented' });
    await expect(
      admin.send(new ListObjectsV2Command({ Bucket: 'plain', ExpectedBucketOwner: '111111111111' })),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('refuses per-object retention on a bucket without Object Lock, and a bad bucket name', async () => {
    const until = new Date(Date.now() + 3600_000);
    await expect(
      admin.send(
        new PutObjectCommand({
          Bucket: 'plain',
          Key: 'k',
          Body: 'x',
          ObjectLockMode: 'COMPLIANCE',
          ObjectLockRetainUntilDate: until,
        }),
      ),
    ).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(admin.send(new CreateBucketCommand({ Bucket: 'Not_Valid' }))).rejects.toMatchObject({
      name: 'InvalidBucketName',
    });
    await expect(admin.send(new GetObjectCommand({ Bucket: 'missing', Key: 'k' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
  });
});
