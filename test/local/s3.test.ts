// The local S3 through the AWS SDK (path-style): the template's Object-Locked bucket, versions
// kept on every put, retention that refuses a version delete as S3 does, delete markers that
// ListObjectsV2 hides and ListObjectVersions shows, IAM by bucket and object ARN, and objects
// surviving a restart. S3's rules for what a request may ask: s3-rules.test.ts.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  GetObjectLockConfigurationCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerCloud, type LedgerCloud } from '../support/ledger-cloud.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cutover-s3-'));
let cloud: LedgerCloud;
let admin: S3Client;

const client = (fn?: string) => new S3Client({ ...cloud.config(fn), forcePathStyle: true });

beforeAll(async () => {
  cloud = await startLedgerCloud(dataDir);
  admin = client();
});

afterAll(async () => {
  admin?.destroy();
  await cloud?.server.close();
});

const anchors = () => cloud.ledger.resources.ref('LedgerAnchorBucket');
const put = (Key: string, Body: string, Bucket = anchors()) =>
  admin.send(new PutObjectCommand({ Bucket, Key, Body }));

describe('the template’s anchor bucket', () => {
  it('was created with a generated name, Object Lock and its default COMPLIANCE retention', async () => {
    expect(anchors()).toMatch(/^ledgeranchorbucket-[0-9a-f]{12}$/);
    expect(cloud.ledger.resources.arn('LedgerAnchorBucket')).toBe(`arn:aws:s3:::${anchors()}`);
    const { ObjectLockConfiguration } = await admin.send(
      new GetObjectLockConfigurationCommand({ Bucket: anchors() }),
    );
    expect(ObjectLockConfiguration).toEqual({
      ObjectLockEnabled: 'Enabled',
      Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1 } },
    });
  });

  it('keeps the old version when a key is put again, and returns each by version id', async () => {
    const first = await put('anchors/0001.json', '{"head":"a"}');
    const second = await put('anchors/0001.json', '{"head":"b"}');
    expect(first.VersionId).toBeDefined();
    expect(second.VersionId).not.toBe(first.VersionId);
    const current = await admin.send(new GetObjectCommand({ Bucket: anchors(), Key: 'anchors/0001.json' }));
    expect(await current.Body!.transformToString()).toBe('{"head":"b"}');
    expect(current.ObjectLockMode).toBe('COMPLIANCE');
    expect(current.ObjectLockRetainUntilDate!.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const old = await admin.send(
      new GetObjectCommand({ Bucket: anchors(), Key: 'anchors/0001.json', VersionId: first.VersionId }),
    );
    expect(await old.Body!.transformToString()).toBe('{"head":"a"}');
    const head = await admin.send(new HeadObjectCommand({ Bucket: anchors(), Key: 'anchors/0001.json' }));
    expect(head).toMatchObject({ ContentLength: 12, VersionId: second.VersionId });
  });

  it('refuses to delete a version under COMPLIANCE retention', async () => {
    const { VersionId } = await put('anchors/0002.json', 'kept');
    await expect(
      admin.send(new DeleteObjectCommand({ Bucket: anchors(), Key: 'anchors/0002.json', VersionId })),
    ).rejects.toMatchObject({ name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    await expect(
      admin.send(
        new DeleteObjectCommand({
          Bucket: anchors(),
          Key: 'anchors/0002.json',
          VersionId,
          BypassGovernanceRetention: true,
        }),
      ),
    ).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('hides a deleted key from ListObjectsV2 behind a delete marker, which ListObjectVersions shows', async () => {
    const { VersionId } = await put('anchors/0003.json', 'soon hidden');
    const deleted = await admin.send(
      new DeleteObjectCommand({ Bucket: anchors(), Key: 'anchors/0003.json' }),
    );
    expect(deleted.DeleteMarker).toBe(true);
    const listed = await admin.send(new ListObjectsV2Command({ Bucket: anchors(), Prefix: 'anchors/' }));
    expect(listed.Contents?.map((c) => c.Key)).toEqual(['anchors/0001.json', 'anchors/0002.json']);
    const versions = await admin.send(
      new ListObjectVersionsCommand({ Bucket: anchors(), Prefix: 'anchors/0003' }),
    );
    expect(versions.DeleteMarkers).toMatchObject([
      { Key: 'anchors/0003.json', IsLatest: true, VersionId: deleted.VersionId },
    ]);
    expect(versions.Versions).toMatchObject([{ Key: 'anchors/0003.json', IsLatest: false, VersionId }]);
    await expect(
      admin.send(new GetObjectCommand({ Bucket: anchors(), Key: 'anchors/0003.json' })),
    ).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  it('pages ListObjectsV2 with a continuation token', async () => {
    for (const n of [1, 2, 3]) await put(`pages/${n}`, String(n));
    const first = await admin.send(
      new ListObjectsV2Command({ Bucket: anchors(), Prefix: 'pages/', MaxKeys: 2 }),
    );
    expect(first.IsTruncated).toBe(true);
    const second = await admin.send(
      new ListObjectsV2Command({
        Bucket: anchors(),
        Prefix: 'pages/',
        ContinuationToken: first.NextContinuationToken,
      }),
    );
    expect([...first.Contents!, ...second.Contents!].map((c) => c.Key)).toEqual([
      'pages/1',
      'pages/2',
      'pages/3',
    ]);
  });
});

describe('paging versions', () => {
  it('pages ListObjectVersions by key and version-id markers, newest version first', async () => {
    const put1 = await put('paged/k', 'one');
    const put2 = await put('paged/k', 'two');
    const put3 = await put('paged/l', 'three');
    const seen: string[] = [];
    let markers: { KeyMarker?: string; VersionIdMarker?: string } = {};
    for (;;) {
      const page = await admin.send(
        new ListObjectVersionsCommand({ Bucket: anchors(), Prefix: 'paged/', MaxKeys: 1, ...markers }),
      );
      seen.push(...(page.Versions ?? []).map((v) => v.VersionId!));
      if (!page.IsTruncated) break;
      markers = { KeyMarker: page.NextKeyMarker, VersionIdMarker: page.NextVersionIdMarker };
    }
    expect(seen).toEqual([put2.VersionId, put1.VersionId, put3.VersionId]);
  });
});

describe('IAM', () => {
  it('refuses PutObject to a role without s3:PutObject on the object, and lets it read', async () => {
    const reader = client('reader');
    await expect(
      reader.send(new PutObjectCommand({ Bucket: anchors(), Key: 'anchors/9999.json', Body: 'forged' })),
    ).rejects.toMatchObject({
      name: 'AccessDenied',
      message: expect.stringContaining(
        `s3:PutObject on resource: arn:aws:s3:::${anchors()}/anchors/9999.json`,
      ) as unknown,
    });
    const read = await reader.send(new GetObjectCommand({ Bucket: anchors(), Key: 'anchors/0001.json' }));
    expect(await read.Body!.transformToString()).toBe('{"head":"b"}');
    // Listing versions is s3:ListBucketVersions, which the reader's role does not have.
    await expect(reader.send(new ListObjectVersionsCommand({ Bucket: anchors() }))).rejects.toMatchObject({
      name: 'AccessDenied',
    });
    reader.destroy();
  });

  it('lets the anchor role put and list versions', async () => {
    const anchor = client('anchor');
    const put = await anchor.send(
      new PutObjectCommand({ Bucket: anchors(), Key: 'anchors/0004.json', Body: 'ok' }),
    );
    const versions = await anchor.send(
      new ListObjectVersionsCommand({ Bucket: anchors(), Prefix: 'anchors/0004' }),
    );
    expect(versions.Versions?.map((v) => v.VersionId)).toEqual([put.VersionId]);
    anchor.destroy();
  });
});

describe('restarts', () => {
  it('keeps buckets, objects and versions, and the same bucket name', async () => {
    const name = anchors();
    const before = await admin.send(new ListObjectVersionsCommand({ Bucket: name }));
    await cloud.server.close();
    admin.destroy();
    cloud = await startLedgerCloud(dataDir);
    admin = client();
    expect(anchors()).toBe(name);
    const after = await admin.send(new ListObjectVersionsCommand({ Bucket: name }));
    expect(after.Versions).toEqual(before.Versions);
    expect(after.DeleteMarkers).toEqual(before.DeleteMarkers);
    const read = await admin.send(new GetObjectCommand({ Bucket: name, Key: 'anchors/0001.json' }));
    expect(await read.Body!.transformToString()).toBe('{"head":"b"}');
  });
});
