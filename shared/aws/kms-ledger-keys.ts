// The ledger key on AWS KMS: signing records (Sign, by the ledger writers only; the key policy
// refuses everyone else) and the public keys verifiers trust (GetPublicKey, cached per process).
// The key's ARN comes from LEDGER_KEY_ID; keys it replaced, still trusted for older records,
// from LEDGER_PREVIOUS_KEY_IDS (comma-separated ARNs). docs/ledger.md: "Keys".

import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import {
  publicKeyFrom,
  SIGNING_ALGORITHM,
  type RecordSigner,
  type TrustedKeys,
} from '../domain/ledger-signature.js';
import type { LedgerKeys } from '../ports/ledger.js';
import { requireEnv } from '../runtime/env.js';
import { credentialsOption } from '../runtime/invocation-credentials.js';
import { translateTransient } from './errors.js';

export const kmsClient = () => new KMSClient(credentialsOption());

export class KmsRecordSigner implements RecordSigner {
  constructor(
    private readonly client: KMSClient,
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    try {
      const { Signature } = await this.client.send(
        new SignCommand({
          KeyId: this.keyId,
          Message: message,
          MessageType: 'RAW',
          SigningAlgorithm: SIGNING_ALGORITHM,
        }),
      );
      if (Signature === undefined) throw new Error(`KMS Sign with ${this.keyId} answered no signature`);
      return Signature;
    } catch (error) {
      return translateTransient(`KMS Sign with ${this.keyId}`, error);
    }
  }
}

export class KmsLedgerKeys implements LedgerKeys {
  private cached: Promise<TrustedKeys> | undefined;

  constructor(
    private readonly client: KMSClient,
    private readonly keyIds: readonly string[],
  ) {}

  trusted(): Promise<TrustedKeys> {
    // A failed read is not kept: the next call asks KMS again.
    this.cached ??= this.read().catch((error: unknown) => {
      this.cached = undefined;
      throw error;
    });
    return this.cached;
  }

  private async read(): Promise<TrustedKeys> {
    const keys = new Map<string, ReturnType<typeof publicKeyFrom>>();
    for (const keyId of this.keyIds) {
      try {
        const { PublicKey } = await this.client.send(new GetPublicKeyCommand({ KeyId: keyId }));
        if (PublicKey === undefined) throw new Error(`KMS GetPublicKey of ${keyId} answered no key`);
        keys.set(keyId, publicKeyFrom(PublicKey));
      } catch (error) {
        return translateTransient(`KMS GetPublicKey of ${keyId}`, error);
      }
    }
    return keys;
  }
}

/** The trusted key ARNs from the environment: the ledger key first, then the ones it replaced. */
export function trustedKeyIds(): string[] {
  const previous = (process.env.LEDGER_PREVIOUS_KEY_IDS ?? '').split(',').map((id) => id.trim());
  return [requireEnv('LEDGER_KEY_ID'), ...previous.filter((id) => id !== '')];
}

/** For a ledger writer: the signer. */
export const ledgerSigner = (client: KMSClient = kmsClient()) =>
  new KmsRecordSigner(client, requireEnv('LEDGER_KEY_ID'));

/** For a verifier: the trusted public keys. */
export const ledgerKeys = (client: KMSClient = kmsClient()) => new KmsLedgerKeys(client, trustedKeyIds());
