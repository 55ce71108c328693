// Contract tests of the ledger key's adapters (KmsRecordSigner, KmsLedgerKeys) against the
// local cloud's KMS, with IAM and key policies enforced, and moto_server: a record's bytes
// signed through the adapter verify with the public key read through it, and with KMS's own
// Verify through the SDK's client; what KMS refuses comes back under KMS's error names.

import { verify } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient, VerifyCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransientError } from '../../shared/aws/errors.js';
import { AwsServiceError } from '../../shared/aws/errors.js';
import { JsonRequests, KMS } from '../../shared/aws/json-requests.js';
import { KmsLedgerKeys, KmsRecordSigner } from '../../shared/aws/kms-ledger-keys.js';
import type { AwsHttpConfig } from '../../shared/aws/signed-http.js';
import { SIGNING_ALGORITHM } from '../../shared/domain/ledger-signature.js';
import { emulatorClientConfig, motoAvailable, startMoto } from '../../harness/emulators.js';
import { startLedgerCloud, type LedgerCloud } from '../support/ledger-cloud.js';

interface Target {
  keyArn: string;
  /** Who may sign and read the key; the administrator where there are no roles (moto). */
  signer: AwsHttpConfig;
  verifier: AwsHttpConfig;
  /** Allowed everything by IAM, so KMS itself answers. */
  admin: AwsHttpConfig;
  /** The SDK's own client, to check what the adapters read and wrote. */
  sdk: KMSClient;
  stop(): Promise<void>;
}

async function localCloudTarget(): Promise<Target> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cutover-kms-keys-'));
  const cloud = await startLedgerCloud(dataDir);
  const sdk = new KMSClient(cloud.config());
  return {
    keyArn: cloud.ledger.resources.arn('LedgerKey'),
    signer: cloud.config('signer'),
    verifier: cloud.config('verifier'),
    admin: cloud.config(),
    sdk,
    stop: async () => {
      sdk.destroy();
      await cloud.server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function motoTarget(): Promise<Target> {
  const moto = await startMoto();
  const config = emulatorClientConfig(moto.endpoint);
  const sdk = new KMSClient(config);
  const created = await sdk.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }));
  return {
    keyArn: created.KeyMetadata!.Arn!,
    signer: config,
    verifier: config,
    admin: config,
    sdk,
    stop: async () => {
      sdk.destroy();
      await moto.stop();
    },
  };
}

const TARGETS = [
  { name: 'the local cloud', available: true, start: localCloudTarget },
  { name: 'moto_server', available: motoAvailable(), start: motoTarget },
] as const;

const message = new TextEncoder().encode('{"service":"checkout","seq":7,"type":"DeploymentPromoted"}');

describe.each(TARGETS)('the ledger key on $name', ({ available, start }) => {
  let target: Target;

  beforeAll(async () => {
    if (available) target = await start();
  }, 60_000);
  afterAll(() => target?.stop());

  it.skipIf(!available)(
    'signs bytes that verify with the trusted public key, and with KMS Verify',
    async () => {
      const signer = new KmsRecordSigner(new JsonRequests(KMS, target.signer), target.keyArn);
      const signature = await signer.sign(message);
      expect(signature).toBeInstanceOf(Uint8Array);

      const keys = await new KmsLedgerKeys(new JsonRequests(KMS, target.verifier), [target.keyArn]).trusted();
      const key = keys.get(target.keyArn)!;
      expect(verify('sha256', message, { key, dsaEncoding: 'der' }, signature)).toBe(true);
      expect(
        verify('sha256', new TextEncoder().encode('tampered'), { key, dsaEncoding: 'der' }, signature),
      ).toBe(false);
      const checked = await target.sdk.send(
        new VerifyCommand({
          KeyId: target.keyArn,
          Message: message,
          Signature: signature,
          SigningAlgorithm: SIGNING_ALGORITHM,
        }),
      );
      expect(checked.SignatureValid).toBe(true);
    },
  );

  it.skipIf(!available)('reads the public key byte for byte as the SDK reads it', async () => {
    const { PublicKey } = await target.sdk.send(new GetPublicKeyCommand({ KeyId: target.keyArn }));
    const keys = await new KmsLedgerKeys(new JsonRequests(KMS, target.verifier), [target.keyArn]).trusted();
    const der = keys.get(target.keyArn)!.export({ format: 'der', type: 'spki' });
    expect(Buffer.from(der).equals(Buffer.from(PublicKey!))).toBe(true);
  });

  it.skipIf(!available)('passes on a key that does not exist as KMS names it, not as transient', async () => {
    const missing = target.keyArn.replace(/key\/.*$/, 'key/00000000-0000-0000-0000-000000000000');
    const keys = new KmsLedgerKeys(new JsonRequests(KMS, target.admin), [missing]);
    const error = await keys.trusted().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AwsServiceError);
    expect(error).not.toBeInstanceOf(TransientError);
    expect(error).toMatchObject({ name: 'NotFoundException', $metadata: { httpStatusCode: 400 } });
  });
});

describe('the ledger key on the local cloud, with IAM', () => {
  let cloud: LedgerCloud;
  const dataDir = mkdtempSync(join(tmpdir(), 'cutover-kms-iam-'));

  beforeAll(async () => {
    cloud = await startLedgerCloud(dataDir);
  }, 60_000);
  afterAll(async () => {
    await cloud?.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses Sign to a role the key policy denies, under KMS’s name for it, not as transient', async () => {
    const keyArn = cloud.ledger.resources.arn('LedgerKey');
    const forbidden = new KmsRecordSigner(new JsonRequests(KMS, cloud.config('forbidden-signer')), keyArn);
    const error = await forbidden.sign(message).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } });
    expect((error as Error).message).toContain('kms:Sign');
    expect(error).not.toBeInstanceOf(TransientError);
  });

  it('refuses GetPublicKey to a role that may only sign', async () => {
    const keyArn = cloud.ledger.resources.arn('LedgerKey');
    const keys = new KmsLedgerKeys(new JsonRequests(KMS, cloud.config('forbidden-signer')), [keyArn]);
    await expect(keys.trusted()).rejects.toMatchObject({ name: 'AccessDeniedException' });
  });
});
