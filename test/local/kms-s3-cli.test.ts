// The real AWS CLI (v1) against the local cloud's KMS and S3, as a person checking the
// ledger's anchors and key by hand would use them: `aws s3api put-object` into an
// Object-Locked bucket, `aws s3api list-object-versions`, `aws kms get-public-key`.

import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli, hasAwsCli } from '../support/aws-cli.js';
import { freePort } from '../../harness/emulators.js';
import { clientConfig } from '../support/local-server.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;
let s3: S3Client;
let kms: KMSClient;

beforeAll(async () => {
  if (!hasAwsCli) return;
  handle = await startCloud({ port: await freePort() });
  s3 = new S3Client({ ...clientConfig(handle.cloud.endpoint), forcePathStyle: true });
  kms = new KMSClient(clientConfig(handle.cloud.endpoint));
  await s3.send(new CreateBucketCommand({ Bucket: 'cli-anchors', ObjectLockEnabledForBucket: true }));
});

afterAll(async () => {
  s3?.destroy();
  kms?.destroy();
  await handle?.stop();
});

describe.skipIf(!hasAwsCli)('the AWS CLI against the local KMS and S3', () => {
  it('aws s3api put-object stores a version in an Object-Locked bucket, with a retention date', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cutover-cli-')), 'anchor.json');
    writeFileSync(file, '{"head":"cli"}');
    const until = new Date(Date.now() + 3600_000).toISOString();
    const put = await awsCli(
      handle.cloud.endpoint,
      's3api', 'put-object', '--bucket', 'cli-anchors', '--key', 'anchors/1.json', '--body', file,
      '--object-lock-mode', 'GOVERNANCE', '--object-lock-retain-until-date', until,
    ); // prettier-ignore
    expect(put.stderr).toBe('');
    expect(put.json.VersionId).toEqual(expect.any(String));
    const read = await s3.send(new GetObjectCommand({ Bucket: 'cli-anchors', Key: 'anchors/1.json' }));
    expect(await read.Body!.transformToString()).toBe('{"head":"cli"}');
    expect(read).toMatchObject({ ObjectLockMode: 'GOVERNANCE', VersionId: put.json.VersionId });
  });

  it('aws s3api list-object-versions shows each key’s current version as the latest', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'cutover-cli-')), 'anchor.json');
    writeFileSync(file, '{"head":"second"}');
    const put = await awsCli(
      handle.cloud.endpoint,
      's3api', 'put-object', '--bucket', 'cli-anchors', '--key', 'anchors/2.json', '--body', file, '--content-md5',
      createHash('md5').update('{"head":"second"}').digest('base64'),
    ); // prettier-ignore
    expect(put.status).toBe(0);
    const listed = await awsCli(
      handle.cloud.endpoint,
      's3api',
      'list-object-versions',
      '--bucket',
      'cli-anchors',
      '--prefix',
      'anchors/',
    );
    expect(listed.stderr).toBe('');
    const versions = listed.json.Versions as { Key: string; VersionId: string; IsLatest: boolean }[];
    expect(versions.map((v) => [v.Key, v.IsLatest])).toEqual([
      ['anchors/1.json', true],
      ['anchors/2.json', true],
    ]);
    expect(versions[1]!.VersionId).toBe(put.json.VersionId);
  });

  it('aws kms get-public-key returns the key the SDK sees', async () => {
    const { KeyMetadata } = await kms.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    const answer = await awsCli(
      handle.cloud.endpoint,
      'kms',
      'get-public-key',
      '--key-id',
      KeyMetadata!.KeyId!,
    );
    expect(answer.stderr).toBe('');
    const sdk = await kms.send(new GetPublicKeyCommand({ KeyId: KeyMetadata!.KeyId }));
    expect(answer.json).toMatchObject({
      KeyId: KeyMetadata!.Arn,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
    });
    expect(Buffer.from(answer.json.PublicKey as string, 'base64').equals(Buffer.from(sdk.PublicKey!))).toBe(
      true,
    );
  });
});
