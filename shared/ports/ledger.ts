// Port for the append-only release ledger. Adapter: shared/aws/dynamodb-release-ledger.ts.
// Writers only ever create items: a record is put with a condition that its
// (service, seq) does not exist yet, so two writers can never both append seq N.

import type { LedgerRecord } from '../domain/ledger.js';
import type { TrustedKeys } from '../domain/ledger-signature.js';

export interface ReleaseLedger {
  /** The newest record of a service, or null for a service with no releases yet. */
  head(service: string): Promise<LedgerRecord | null>;
  /**
   * Stores a record built by `chainNext`. Returns false, and writes nothing, when a
   * record with that seq already exists (another writer appended first).
   */
  put(record: LedgerRecord): Promise<boolean>;
  /** Every record of a service, oldest first, as stored (not parsed). */
  list(service: string): Promise<unknown[]>;
  /**
   * A service's records newest first, as stored, up to and including the first one `until`
   * accepts (or all of them): reads only as far back as a caller needs.
   */
  listBack(service: string, until: (stored: unknown) => boolean): Promise<unknown[]>;
}

/**
 * Chain heads kept outside DynamoDB, write-once (an S3 bucket with Object Lock in compliance
 * mode). Adapter: shared/aws/s3-ledger-anchors.ts. An anchor is the signed head record itself,
 * so nobody without the ledger key can add one that verifies, and nobody can remove one.
 */
export interface LedgerAnchors {
  /** Keeps `head` as an anchor of its service. Storing the same head twice is not an error. */
  put(head: LedgerRecord): Promise<void>;
  /**
   * The anchors at the highest seq stored for the service, as stored (not parsed): every
   * version of that object, including any hidden behind a delete marker. Empty when none.
   */
  newest(service: string): Promise<unknown[]>;
}

/** The public keys a verifier trusts, by key ARN. Adapter: shared/aws/kms-ledger-keys.ts. */
export interface LedgerKeys {
  trusted(): Promise<TrustedKeys>;
}
