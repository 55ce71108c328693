// AWS KMS, as far as a signed ledger needs it: asymmetric ECC_NIST_P256 signing keys
// (CreateKey, DescribeKey, GetPublicKey, Sign, Verify), aliases, key policies (read here;
// IAM evaluates them, see ../iam/key-policy.ts) and scheduled deletion. Input is checked as
// KMS checks it, and what KMS refuses is refused with KMS's error codes. Key material never
// leaves the data folder (kms-keys.ts). Deletion windows run on the wall clock, not the
// simulation's, so a fast clock never deletes a key early.

import { createPublicKey, generateKeyPairSync, randomUUID, sign, verify } from 'node:crypto';
import { signDigest, verifyDigest } from './ecdsa.js';
import { KmsKeyStore, type KeyScope, type StoredKey } from './kms-keys.js';
import { createAlias, listAliases } from './kms-aliases.js';
import { blob, checkLockout, checkPolicy, enumError, invalid } from './kms-input.js';
import { optionalNumber, optionalString, requireString, type LocalService } from './service.js';
import { AwsError } from '../errors.js';

export const KMS_TARGET = 'TrentService';

const KEY_SPECS = [
  'RSA_2048', 'RSA_3072', 'RSA_4096', 'ECC_NIST_P256', 'ECC_NIST_P384', 'ECC_NIST_P521',
  'ECC_SECG_P256K1', 'SYMMETRIC_DEFAULT', 'HMAC_224', 'HMAC_256', 'HMAC_384', 'HMAC_512', 'SM2',
  'ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87', 'ECC_NIST_EDWARDS25519',
]; // prettier-ignore
const SIGNING_ALGORITHMS = [
  'RSASSA_PSS_SHA_256', 'RSASSA_PSS_SHA_384', 'RSASSA_PSS_SHA_512', 'RSASSA_PKCS1_V1_5_SHA_256',
  'RSASSA_PKCS1_V1_5_SHA_384', 'RSASSA_PKCS1_V1_5_SHA_512', 'ECDSA_SHA_256', 'ECDSA_SHA_384',
  'ECDSA_SHA_512', 'SM2DSA', 'ML_DSA_SHAKE_256', 'ED25519_SHA_512', 'ED25519_PH_SHA_512',
]; // prettier-ignore
const KEY_USAGES = ['SIGN_VERIFY', 'ENCRYPT_DECRYPT', 'GENERATE_VERIFY_MAC', 'KEY_AGREEMENT'];
const ALGORITHM = 'ECDSA_SHA_256';
const MAX_RAW = 4096;
const DAY = 86_400_000;

export interface KmsOptions extends KeyScope {
  dataDir: string;
  now?: () => number;
}

export class LocalKms {
  readonly keys: KmsKeyStore;
  readonly service: LocalService;
  private readonly now: () => number;

  constructor(options: KmsOptions) {
    this.now = options.now ?? Date.now;
    this.keys = new KmsKeyStore(options.dataDir, options, this.now);
    this.service = {
      name: 'kms',
      operations: {
        CreateKey: (i) => ({ KeyMetadata: this.metadata(this.createKey(i)) }),
        DescribeKey: (i) => ({ KeyMetadata: this.metadata(this.keys.find(requireString(i, 'KeyId'), true)) }),
        GetPublicKey: (i) => this.getPublicKey(i),
        Sign: (i) => this.sign(i),
        Verify: (i) => this.verify(i),
        CreateAlias: (i) => createAlias(this.keys, i, this.now()),
        ListAliases: (i) => listAliases(this.keys, i),
        GetKeyPolicy: (i) => this.getKeyPolicy(i),
        ScheduleKeyDeletion: (i) => this.scheduleKeyDeletion(i),
        CancelKeyDeletion: (i) => this.cancelKeyDeletion(i),
      },
    };
  }

  /** The policy KMS gives a key created without one: the account's IAM policies decide. */
  defaultPolicy(): string {
    const { partition, account } = this.keys.scope;
    return JSON.stringify({
      Version: '2012-10-17',
      Id: 'key-default-1',
      Statement: [
        {
          Sid: 'Enable IAM User Permissions',
          Effect: 'Allow',
          Principal: { AWS: `arn:${partition}:iam::${account}:root` },
          Action: 'kms:*',
          Resource: '*',
        },
      ],
    });
  }

  /** Makes a key; the local cloud's own set-up passes the template resource's logical id and key id. */
  createKey(input: Record<string, unknown>, logicalId?: string, keyId: string = randomUUID()): StoredKey {
    const keySpec = optionalString(input, 'KeySpec') ?? 'SYMMETRIC_DEFAULT';
    const keyUsage = optionalString(input, 'KeyUsage') ?? 'ENCRYPT_DECRYPT';
    if (!KEY_SPECS.includes(keySpec)) throw enumError('keySpec', keySpec, KEY_SPECS);
    if (!KEY_USAGES.includes(keyUsage)) throw enumError('keyUsage', keyUsage, KEY_USAGES);
    if (keySpec.startsWith('ECC_NIST_P') && !['SIGN_VERIFY', 'KEY_AGREEMENT'].includes(keyUsage))
      throw invalid(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
    if (keySpec !== 'ECC_NIST_P256' || keyUsage !== 'SIGN_VERIFY')
      throw new AwsError(
        'UnsupportedOperationException',
        `the local KMS makes only ECC_NIST_P256 SIGN_VERIFY keys, not ${keySpec} ${keyUsage}`,
      );
    const origin = optionalString(input, 'Origin') ?? 'AWS_KMS';
    if (origin !== 'AWS_KMS')
      throw new AwsError(
        'UnsupportedOperationException',
        `the local KMS makes only AWS_KMS keys, not ${origin}`,
      );
    if (input.MultiRegion === true)
      throw new AwsError('UnsupportedOperationException', 'the local KMS does not make multi-Region keys');
    const description = optionalString(input, 'Description') ?? '';
    if (description.length > 8192) throw invalid('Description must have length less than or equal to 8192');
    const policy = optionalString(input, 'Policy') ?? this.defaultPolicy();
    checkPolicy(policy);
    if (input.Policy !== undefined && input.BypassPolicyLockoutSafetyCheck !== true)
      checkLockout(policy, this.keys.keyArn(keyId), this.keys.scope.account);
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key: StoredKey = {
      keyId,
      arn: this.keys.keyArn(keyId),
      createdAt: this.now(),
      description,
      keySpec: 'ECC_NIST_P256',
      keyUsage: 'SIGN_VERIFY',
      state: 'Enabled',
      policy,
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      ...(logicalId === undefined ? {} : { logicalId }),
    };
    this.keys.save(key);
    return key;
  }

  metadata(key: StoredKey): Record<string, unknown> {
    return {
      AWSAccountId: this.keys.scope.account,
      KeyId: key.keyId,
      Arn: key.arn,
      CreationDate: new Date(key.createdAt),
      Enabled: key.state === 'Enabled',
      Description: key.description,
      KeyUsage: key.keyUsage,
      KeyState: key.state,
      ...(key.deletionDate === undefined ? {} : { DeletionDate: new Date(key.deletionDate) }),
      Origin: 'AWS_KMS',
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      SigningAlgorithms: [ALGORITHM],
      MultiRegion: false,
    };
  }

  private getPublicKey(input: Record<string, unknown>) {
    const key = this.usable(requireString(input, 'KeyId'));
    const der = createPublicKey(key.privateKey).export({ type: 'spki', format: 'der' });
    return {
      KeyId: key.arn,
      PublicKey: der.toString('base64'),
      CustomerMasterKeySpec: key.keySpec,
      KeySpec: key.keySpec,
      KeyUsage: key.keyUsage,
      SigningAlgorithms: [ALGORITHM],
    };
  }

  private sign(input: Record<string, unknown>) {
    const { key, message, digest } = this.signingInput(input);
    const signature = digest ? signDigest(key.privateKey, message) : sign('sha256', message, key.privateKey);
    return { KeyId: key.arn, Signature: signature.toString('base64'), SigningAlgorithm: ALGORITHM };
  }

  private verify(input: Record<string, unknown>) {
    const { key, message, digest } = this.signingInput(input);
    const signature = blob(input, 'Signature', 1, 6144);
    const publicKey = createPublicKey(key.privateKey);
    const valid = digest
      ? verifyDigest(publicKey, message, signature)
      : verify('sha256', message, publicKey, signature);
    // KMS answers an invalid signature with an error, not with SignatureValid: false.
    if (!valid) throw new AwsError('KMSInvalidSignatureException', 'The signature is not valid for this key');
    return { KeyId: key.arn, SignatureValid: true, SigningAlgorithm: ALGORITHM };
  }

  /** Sign's and Verify's shared checks: the key may sign, the algorithm is the key's, the message fits. */
  private signingInput(input: Record<string, unknown>) {
    const key = this.usable(requireString(input, 'KeyId'));
    const algorithm = requireString(input, 'SigningAlgorithm');
    const messageType = optionalString(input, 'MessageType') ?? 'RAW';
    if (!['RAW', 'DIGEST', 'EXTERNAL_MU'].includes(messageType))
      throw enumError('messageType', messageType, ['RAW', 'DIGEST', 'EXTERNAL_MU']);
    if (!SIGNING_ALGORITHMS.includes(algorithm))
      throw enumError('signingAlgorithm', algorithm, SIGNING_ALGORITHMS);
    if (algorithm !== ALGORITHM)
      throw new AwsError(
        'InvalidKeyUsageException',
        `The signing algorithm ${algorithm} is not supported by key ${key.arn} (it supports ${ALGORITHM})`,
      );
    if (messageType === 'EXTERNAL_MU')
      throw new AwsError('InvalidKeyUsageException', 'MessageType EXTERNAL_MU is only for ML_DSA keys');
    const message = blob(input, 'Message', 1, MAX_RAW);
    const digest = messageType === 'DIGEST';
    if (digest && message.length !== 32)
      throw invalid(`Digest is invalid length for algorithm ${ALGORITHM}: it must be 32 bytes`);
    if (key.keyUsage !== 'SIGN_VERIFY')
      throw new AwsError('InvalidKeyUsageException', `${key.arn} is not a SIGN_VERIFY key`);
    // A dry run is checked as the real request would be, and then goes no further.
    if (input.DryRun === true)
      throw new AwsError(
        'DryRunOperationException',
        'The request would have succeeded, but the DryRun option is set.',
      );
    return { key, message, digest };
  }

  /** A key that may be used now: enabled, not pending deletion. */
  private usable(keyId: string): StoredKey {
    const key = this.keys.find(keyId, true);
    if (key.state === 'PendingDeletion')
      throw new AwsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    if (key.state === 'Disabled') throw new AwsError('DisabledException', `${key.arn} is disabled.`);
    return key;
  }

  private getKeyPolicy(input: Record<string, unknown>) {
    const key = this.keys.find(requireString(input, 'KeyId'), false);
    const name = optionalString(input, 'PolicyName') ?? 'default';
    if (name !== 'default') throw new AwsError('NotFoundException', `No such policy: ${name}`);
    return { Policy: key.policy, PolicyName: 'default' };
  }

  private scheduleKeyDeletion(input: Record<string, unknown>) {
    const key = this.keys.find(requireString(input, 'KeyId'), false);
    const days = optionalNumber(input, 'PendingWindowInDays') ?? 30;
    if (!Number.isInteger(days) || days < 7 || days > 30)
      throw invalid(`PendingWindowInDays must be between 7 and 30, not ${days}`);
    if (key.state === 'PendingDeletion')
      throw new AwsError('KMSInvalidStateException', `${key.arn} is pending deletion.`);
    key.state = 'PendingDeletion';
    key.deletionDate = this.now() + days * DAY;
    this.keys.save(key);
    return {
      KeyId: key.arn,
      DeletionDate: new Date(key.deletionDate),
      KeyState: key.state,
      PendingWindowInDays: days,
    };
  }

  private cancelKeyDeletion(input: Record<string, unknown>) {
    const key = this.keys.find(requireString(input, 'KeyId'), false);
    if (key.state !== 'PendingDeletion')
      throw new AwsError('KMSInvalidStateException', `${key.arn} is not pending deletion.`);
    key.state = 'Disabled';
    delete key.deletionDate;
    this.keys.save(key);
    return { KeyId: key.arn };
  }
}
