// The local KMS through the AWS SDK: signing keys from the template and from CreateKey,
// signatures node:crypto verifies with GetPublicKey's key, KMS's rules for RAW and DIGEST
// messages, aliases, deletion, and keys surviving a restart (key policies: kms-policy.test.ts).

import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  EncryptCommand,
  GetPublicKeyCommand,
  KMSClient,
  ListAliasesCommand,
  ScheduleKeyDeletionCommand,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerCloud, type LedgerCloud } from '../support/ledger-cloud.js';

const dataDir = mkdtempSync(join(tmpdir(), 'cutover-kms-'));
let cloud: LedgerCloud;
let admin: KMSClient;
const message = Buffer.from('release 7 of checkout: sha256:abc');

beforeAll(async () => {
  cloud = await startLedgerCloud(dataDir);
  admin = new KMSClient(cloud.config());
});

afterAll(async () => {
  admin?.destroy();
  await cloud?.server.close();
});

const keyId = () => cloud.ledger.resources.ref('LedgerKey');

describe('signing', () => {
  it('signs RAW, and node:crypto verifies the DER signature with GetPublicKey’s SubjectPublicKeyInfo', async () => {
    const signed = await admin.send(
      new SignCommand({ KeyId: keyId(), Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(signed.KeyId).toBe(cloud.ledger.resources.arn('LedgerKey'));
    const { PublicKey } = await admin.send(new GetPublicKeyCommand({ KeyId: keyId() }));
    const publicKey = createPublicKey({ key: Buffer.from(PublicKey!), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(verify('sha256', message, publicKey, signed.Signature!)).toBe(true);
    expect(verify('sha256', Buffer.from('another'), publicKey, signed.Signature!)).toBe(false);
  });

  it('signs a DIGEST as the RAW message it is the SHA-256 of, and Verify accepts either form', async () => {
    const digest = createHash('sha256').update(message).digest();
    const signed = await admin.send(
      new SignCommand({
        KeyId: keyId(),
        Message: digest,
        MessageType: 'DIGEST',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const verified = await admin.send(
      new VerifyCommand({
        KeyId: keyId(),
        Message: message,
        Signature: signed.Signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(verified.SignatureValid).toBe(true);
    const tampered = Buffer.from(digest);
    tampered[0]! ^= 1;
    await expect(
      admin.send(
        new VerifyCommand({
          KeyId: keyId(),
          Message: tampered,
          MessageType: 'DIGEST',
          Signature: signed.Signature,
          SigningAlgorithm: 'ECDSA_SHA_256',
        }),
      ),
    ).rejects.toMatchObject({ name: 'KMSInvalidSignatureException' });
  });

  it('refuses a digest that is not 32 bytes, a RAW message over 4096 bytes, and another algorithm', async () => {
    const sign = (input: Partial<ConstructorParameters<typeof SignCommand>[0]>) =>
      admin.send(
        new SignCommand({ KeyId: keyId(), Message: message, SigningAlgorithm: 'ECDSA_SHA_256', ...input }),
      );
    await expect(sign({ Message: Buffer.alloc(31), MessageType: 'DIGEST' })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(sign({ Message: Buffer.alloc(4097) })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(sign({ SigningAlgorithm: 'ECDSA_SHA_384' })).rejects.toMatchObject({
      name: 'InvalidKeyUsageException',
    });
    await expect(sign({ SigningAlgorithm: 'NOT_AN_ALGORITHM' as 'ECDSA_SHA_256' })).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(sign({ DryRun: true })).rejects.toMatchObject({ name: 'DryRunOperationException' });
    await expect(sign({ Message: Buffer.alloc(4096) })).resolves.toMatchObject({
      SigningAlgorithm: 'ECDSA_SHA_256',
    });
  });

  it('accepts the alias the template declares, by name and by ARN', async () => {
    const { Aliases } = await admin.send(new ListAliasesCommand({ KeyId: keyId() }));
    expect(Aliases?.map((a) => a.AliasName)).toEqual(['alias/cutover-local-ledger']);
    const byName = await admin.send(new DescribeKeyCommand({ KeyId: 'alias/cutover-local-ledger' }));
    const byArn = await admin.send(new DescribeKeyCommand({ KeyId: Aliases![0]!.AliasArn }));
    expect(byName.KeyMetadata?.KeyId).toBe(keyId());
    expect(byArn.KeyMetadata).toMatchObject({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      KeyState: 'Enabled',
    });
  });
});

describe('keys', () => {
  it('refuses the combinations KMS refuses', async () => {
    await expect(admin.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256' }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
    await expect(
      admin.send(new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'GENERATE_VERIFY_MAC' })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    await expect(
      admin.send(
        new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Policy: '{not json' }),
      ),
    ).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
  });

  it('answers an operation it does not serve with UnknownOperationException, not a failure of its own', async () => {
    await expect(
      admin.send(new EncryptCommand({ KeyId: keyId(), Plaintext: Buffer.from('secret') })),
    ).rejects.toMatchObject({ name: 'UnknownOperationException' });
  });

  it('keeps the private key in a file only its owner can read', () => {
    expect(statSync(join(dataDir, 'kms', `${keyId()}.json`)).mode & 0o777).toBe(0o600);
  });

  it('schedules deletion within 7 to 30 days, and a key pending deletion no longer signs', async () => {
    const { KeyMetadata } = await admin.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' }),
    );
    const KeyId = KeyMetadata!.KeyId!;
    await admin.send(new CreateAliasCommand({ AliasName: 'alias/doomed', TargetKeyId: KeyId }));
    await expect(
      admin.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 6 })),
    ).rejects.toMatchObject({
      name: 'ValidationException',
    });
    const scheduled = await admin.send(new ScheduleKeyDeletionCommand({ KeyId, PendingWindowInDays: 7 }));
    expect(scheduled.KeyState).toBe('PendingDeletion');
    await expect(
      admin.send(
        new SignCommand({ KeyId: 'alias/doomed', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
      ),
    ).rejects.toMatchObject({ name: 'KMSInvalidStateException' });
  });
});

describe('restarts', () => {
  it('finds the template key again: same id, same public key, and old signatures still verify', async () => {
    const before = await admin.send(new GetPublicKeyCommand({ KeyId: keyId() }));
    const signed = await admin.send(
      new SignCommand({ KeyId: keyId(), Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    const oldId = keyId();
    await cloud.server.close();
    admin.destroy();
    cloud = await startLedgerCloud(dataDir);
    admin = new KMSClient(cloud.config());
    expect(keyId()).toBe(oldId);
    const after = await admin.send(new GetPublicKeyCommand({ KeyId: 'alias/cutover-local-ledger' }));
    expect(Buffer.from(after.PublicKey!).equals(Buffer.from(before.PublicKey!))).toBe(true);
    const verified = await admin.send(
      new VerifyCommand({
        KeyId: oldId,
        Message: message,
        Signature: signed.Signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(verified.SignatureValid).toBe(true);
  });
});
