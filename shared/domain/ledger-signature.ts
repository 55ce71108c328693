// Signing the release ledger, so that nobody without the ledger key can write a record that
// verifies. Each record's `hash` (which covers every other field and, through `prevHash`, the
// whole chain before it) is signed with an asymmetric KMS key (ECC_NIST_P256, ECDSA_SHA_256),
// and the signature is stored in the record. Anyone holding the public key can check it,
// offline, with no AWS access. docs/ledger.md specifies the message for other languages.

import { createPublicKey, verify as verifySignature, type KeyObject } from 'node:crypto';
import type { LedgerRecord, SignatureCheck } from './ledger.js';

/** The KMS signing algorithm: ECDSA on P-256 over SHA-256 of the message, DER-encoded. */
export const SIGNING_ALGORITHM = 'ECDSA_SHA_256';

/** What signs a record: the ledger key, through KMS (shared/aws/kms-ledger-signer.ts). */
export interface RecordSigner {
  /** The key's ARN, as KMS names it in Sign's answer; recorded with each signature. */
  readonly keyId: string;
  /** An ECDSA_SHA_256 signature (DER) of the message, which the signer hashes itself. */
  sign(message: Uint8Array): Promise<Uint8Array>;
}

/** Public keys a verifier trusts, by key ARN: the ledger key, and any it replaced. */
export type TrustedKeys = ReadonlyMap<string, KeyObject>;

/**
 * The bytes signed for a record: a fixed prefix (so a signature made for something else can
 * never pass for a record's), then the service, seq and hash, each on its own line, in UTF-8.
 */
export function signingMessage(record: Pick<LedgerRecord, 'service' | 'seq' | 'hash'>): Buffer {
  return Buffer.from(`cutover-ledger-v1\n${record.service}\n${record.seq}\n${record.hash}`, 'utf8');
}

/** The record with its signature: call after `chainNext`, before it is stored. */
export async function signRecord(record: LedgerRecord, signer: RecordSigner): Promise<LedgerRecord> {
  const { signature: _unsigned, ...bare } = record;
  const value = await signer.sign(signingMessage(bare));
  return { ...bare, signature: { keyId: signer.keyId, value: Buffer.from(value).toString('base64') } };
}

/** A public key as KMS's GetPublicKey gives it (DER SubjectPublicKeyInfo) or as PEM text. */
export function publicKeyFrom(key: Uint8Array | string): KeyObject {
  return typeof key === 'string'
    ? createPublicKey(key)
    : createPublicKey({ key: Buffer.from(key), format: 'der', type: 'spki' });
}

/** verify's `signatures` option: every record signed, by a trusted key, and the signature good. */
export function signatureCheck(keys: TrustedKeys): SignatureCheck {
  return (record) => {
    if (record.signature === undefined) {
      return {
        problem: 'signature-missing',
        message:
          'is not signed; only Cutover writes records, and it signs each one, so this one was written by someone else',
      };
    }
    const key = keys.get(record.signature.keyId);
    if (key === undefined) {
      return {
        problem: 'signature-invalid',
        message: `is signed by ${record.signature.keyId}, which is not a trusted ledger key (trusted: ${[...keys.keys()].join(', ') || 'none'})`,
      };
    }
    return signedBy(record, [key])
      ? null
      : {
          problem: 'signature-invalid',
          message:
            'signature does not match; the record was forged or edited and re-hashed without the ledger key',
        };
  };
}

/**
 * verify's `signatures` option offline, with public keys given without their ARNs (PEM files):
 * every record signed, by any one of `keys`. The `keyId` a record names is not signed, so it
 * says only which key to try first; a signature is good if one of the keys verifies it.
 */
export function signatureCheckAnyOf(keys: readonly KeyObject[], described: string): SignatureCheck {
  return (record) => {
    if (record.signature === undefined) return signatureCheck(new Map())(record);
    return signedBy(record, keys)
      ? null
      : {
          problem: 'signature-invalid',
          message: `signature does not match ${described}; the record was forged, edited and re-hashed, or signed by another key`,
        };
  };
}

function signedBy(record: LedgerRecord, keys: readonly KeyObject[]): boolean {
  const signature = Buffer.from(record.signature?.value ?? '', 'base64');
  return keys.some((key) =>
    verifySignature('sha256', signingMessage(record), { key, dsaEncoding: 'der' }, signature),
  );
}
