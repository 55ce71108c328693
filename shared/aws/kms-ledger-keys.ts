// The ledger key on AWS KMS: signing records (Sign, by the ledger writers only; the key policy
// refuses everyone else) and the public keys verifiers trust (GetPublicKey, cached by each handler).
// The key's ARN comes from the handler's LEDGER_KEY_ID; keys it replaced, still trusted for
// older records, from LEDGER_PREVIOUS_KEY_IDS (comma-separated ARNs). docs/ledger.md: "Keys".

import {
  publicKeyFrom,
  SIGNING_ALGORITHM,
  type RecordSigner,
  type TrustedKeys,
} from '../domain/ledger-signature.js';
import type { LedgerKeys } from '../ports/ledger.js';
import { requireEnv, type Environment } from '../runtime/env.js';
import { translateTransient } from './errors.js';
import { JsonRequests, KMS } from './json-requests.js';
import { configFromEnv } from './signed-http.js';

/** KMS as the SDK's client would reach it (signed-http.ts, configFromEnv). */
export const kmsRequests = (env: Environment) => new JsonRequests(KMS, configFromEnv('KMS', env));

export class KmsRecordSigner implements RecordSigner {
  constructor(
    private readonly kms: JsonRequests,
    readonly keyId: string,
  ) {}

  async sign(message: Uint8Array): Promise<Uint8Array> {
    try {
      const { Signature } = await this.kms.call<{ Signature?: string }>('Sign', {
        KeyId: this.keyId,
        Message: toBase64(message),
        MessageType: 'RAW',
        SigningAlgorithm: SIGNING_ALGORITHM,
      });
      if (Signature === undefined) throw new Error(`KMS Sign with ${this.keyId} answered no signature`);
      return fromBase64(Signature);
    } catch (error) {
      return translateTransient(`KMS Sign with ${this.keyId}`, error);
    }
  }
}

export class KmsLedgerKeys implements LedgerKeys {
  private cached: Promise<TrustedKeys> | undefined;

  constructor(
    private readonly kms: JsonRequests,
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
        const { PublicKey } = await this.kms.call<{ PublicKey?: string }>('GetPublicKey', { KeyId: keyId });
        if (PublicKey === undefined) throw new Error(`KMS GetPublicKey of ${keyId} answered no key`);
        keys.set(keyId, publicKeyFrom(fromBase64(PublicKey)));
      } catch (error) {
        return translateTransient(`KMS GetPublicKey of ${keyId}`, error);
      }
    }
    return keys;
  }
}

/** The trusted key ARNs in `env`: the ledger key first, then the ones it replaced. */
export function trustedKeyIds(env: Environment): string[] {
  const previous = (env.LEDGER_PREVIOUS_KEY_IDS ?? '').split(',').map((id) => id.trim());
  return [requireEnv('LEDGER_KEY_ID', env), ...previous.filter((id) => id !== '')];
}

/** For a ledger writer: the signer, over KMS as `env` reaches it. */
export const ledgerSigner = (env: Environment) =>
  new KmsRecordSigner(kmsRequests(env), requireEnv('LEDGER_KEY_ID', env));

/** For a verifier: the trusted public keys, over KMS as `env` reaches it. */
export const ledgerKeys = (env: Environment) => new KmsLedgerKeys(kmsRequests(env), trustedKeyIds(env));

/** Blobs travel as base64 text in the JSON protocols; the SDK hands them over as Uint8Array. */
const toBase64 = (bytes: Uint8Array) =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

function fromBase64(text: string): Uint8Array {
  const buffer = Buffer.from(text, 'base64');
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}
