// Key policies on the local KMS, through the AWS SDK with each function's own credentials:
// evaluated with the caller's identity policy as KMS evaluates them (delegation to the
// account, a principal named directly, an explicit Deny winning), binding the administrator
// too, and the policy lockout safety check on a new key's policy.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateKeyCommand,
  DescribeKeyCommand,
  GetPublicKeyCommand,
  KMSClient,
  SignCommand,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLedgerCloud, type LedgerCloud } from '../support/ledger-cloud.js';

let cloud: LedgerCloud;
let admin: KMSClient;
const message = Buffer.from('release 7 of checkout: sha256:abc');

beforeAll(async () => {
  cloud = await startLedgerCloud(mkdtempSync(join(tmpdir(), 'cutover-kms-policy-')));
  admin = new KMSClient(cloud.config());
});

afterAll(async () => {
  admin?.destroy();
  await cloud?.server.close();
});

const keyId = () => cloud.ledger.resources.ref('LedgerKey');
const as = (fn: string) => new KMSClient(cloud.config(fn));

describe('key policies and IAM', () => {
  it('lets a role whose identity policy allows kms:Sign sign, as the key policy delegates to the account', async () => {
    const signer = as('signer');
    const signed = await signer.send(
      new SignCommand({ KeyId: keyId(), Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
    );
    expect(signed.Signature?.length).toBeGreaterThan(60);
    signer.destroy();
  });

  it('refuses Sign to a role the key policy denies, though its identity policy allows it', async () => {
    const forbidden = as('forbidden-signer');
    await expect(
      forbidden.send(
        new SignCommand({ KeyId: keyId(), Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
      ),
    ).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining(
        'kms:Sign on resource: arn:aws:kms:us-east-1:000000000000:key/',
      ) as unknown,
    });
    forbidden.destroy();
  });

  it('refuses Sign (by alias too) to a role without kms:Sign, and lets it verify', async () => {
    const verifier = as('verifier');
    for (const KeyId of [keyId(), 'alias/cutover-local-ledger']) {
      await expect(
        verifier.send(new SignCommand({ KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' })),
      ).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('no identity-based policy allows the kms:Sign action') as unknown,
      });
    }
    await expect(verifier.send(new GetPublicKeyCommand({ KeyId: keyId() }))).resolves.toMatchObject({
      KeySpec: 'ECC_NIST_P256',
    });
    verifier.destroy();
  });

  it('reads aws:PrincipalArn in a key policy’s conditions: only the roles it names may sign', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:root' },
          Action: 'kms:*',
          Resource: '*',
        },
        { Effect: 'Allow', Principal: '*', Action: 'kms:Sign', Resource: '*' },
        {
          Effect: 'Deny',
          Principal: '*',
          Action: 'kms:Sign',
          Resource: '*',
          Condition: {
            ArnNotLike: { 'aws:PrincipalArn': ['arn:aws:iam::000000000000:role/cutover-local-signer*'] },
          },
        },
      ],
    });
    const { KeyMetadata } = await admin.send(
      new CreateKeyCommand({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY', Policy: policy }),
    );
    const sign = (client: KMSClient) =>
      client.send(
        new SignCommand({ KeyId: KeyMetadata!.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }),
      );
    const [signer, forbidden] = [as('signer'), as('forbidden-signer')];
    await expect(sign(signer)).resolves.toMatchObject({ KeyId: KeyMetadata!.Arn });
    for (const client of [forbidden, admin])
      await expect(sign(client)).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('explicit deny in a resource-based policy') as unknown,
      });
    signer.destroy();
    forbidden.destroy();
  });

  it('binds the administrator to a key policy that does not delegate to the account', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:role/cutover-local-signer' },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
    const { KeyMetadata } = await admin.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Policy: policy,
        BypassPolicyLockoutSafetyCheck: true,
      }),
    );
    await expect(admin.send(new DescribeKeyCommand({ KeyId: KeyMetadata!.KeyId }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      message: expect.stringContaining('no resource-based policy allows') as unknown,
    });
  });

  it('refuses a key policy that lets nobody manage the key, unless the lockout check is bypassed', async () => {
    const policy = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:iam::000000000000:role/cutover-local-signer' },
          Action: 'kms:Sign',
          Resource: '*',
        },
      ],
    });
    const create = (bypass: boolean) =>
      admin.send(
        new CreateKeyCommand({
          KeySpec: 'ECC_NIST_P256',
          KeyUsage: 'SIGN_VERIFY',
          Policy: policy,
          BypassPolicyLockoutSafetyCheck: bypass,
        }),
      );
    await expect(create(false)).rejects.toMatchObject({ name: 'MalformedPolicyDocumentException' });
    await expect(create(true)).resolves.toMatchObject({ KeyMetadata: { KeyState: 'Enabled' } });
  });
});
