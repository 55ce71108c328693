// In-memory stand-ins for the ledger key (KMS) and the anchor bucket (S3): a real P-256 key
// pair made per world, so signatures are real ECDSA and verify as production's do.

import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../../shared/domain/canonical-json.js';
import type { LedgerRecord } from '../../shared/domain/ledger.js';
import type { RecordSigner, TrustedKeys } from '../../shared/domain/ledger-signature.js';
import type { LedgerAnchors, LedgerKeys } from '../../shared/ports/ledger.js';

export const FAKE_KEY_ID = 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001';

export class FakeSigner implements RecordSigner, LedgerKeys {
  readonly publicKey: KeyObject;
  private readonly privateKey: KeyObject;
  /** How many signatures were made. */
  signed = 0;

  constructor(readonly keyId = FAKE_KEY_ID) {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.publicKey = pair.publicKey;
    this.privateKey = pair.privateKey;
  }

  sign(message: Uint8Array): Promise<Uint8Array> {
    this.signed += 1;
    return Promise.resolve(sign('sha256', message, { key: this.privateKey, dsaEncoding: 'der' }));
  }

  trusted(): Promise<TrustedKeys> {
    return Promise.resolve(new Map([[this.keyId, this.publicKey]]));
  }
}

export class FakeAnchors implements LedgerAnchors {
  /** Every object version stored, by service and seq, oldest first. */
  readonly stored = new Map<string, Map<number, string[]>>();

  put(head: LedgerRecord): Promise<void> {
    const bySeq = this.stored.get(head.service) ?? new Map<number, string[]>();
    if (!bySeq.has(head.seq)) bySeq.set(head.seq, [canonicalJson(head)]);
    this.stored.set(head.service, bySeq);
    return Promise.resolve();
  }

  newest(service: string): Promise<unknown[]> {
    const bySeq = this.stored.get(service);
    if (bySeq === undefined || bySeq.size === 0) return Promise.resolve([]);
    const seq = Math.max(...bySeq.keys());
    return Promise.resolve(bySeq.get(seq)!.map((text) => JSON.parse(text) as unknown));
  }
}
