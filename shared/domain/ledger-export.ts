// A service's ledger as one JSON document, for checking with no AWS access at all: the chain
// as stored, the newest anchors from the anchor bucket, and the ARNs of the keys that signed
// them (`cutover releases <service> --export`). `verifyExport` checks it with the public keys
// the verifier trusts: the chain as `verify` does, then each anchor. docs/ledger.md, "Export".

import * as z from './zod.js';
import {
  checkAnchor,
  hashRecord,
  ledgerRecordSchema,
  verify,
  type Anchor,
  type ChainHead,
  type SignatureCheck,
  type VerifyFailure,
  type VerifyProblem,
} from './ledger.js';

export const EXPORT_FORMAT = 'cutover-ledger-export-v1';

/** How a stored anchor is named in messages. */
export const STORED_ANCHOR = 'the anchor in the anchor bucket';

export const ledgerExportSchema = z.strictObject({
  format: z.literal(EXPORT_FORMAT),
  service: z.string().check(z.minLength(1)),
  exportedAt: z.iso.datetime(),
  /** The keys that signed the records and anchors, by ARN, in the order first met. */
  keyIds: z.array(z.string().check(z.minLength(1))),
  /** The chain as stored, oldest first (not parsed: a malformed record is verify's to report). */
  records: z.array(z.unknown()),
  /** Every stored version of the newest anchor; empty when the service has none yet. */
  anchors: z.array(z.unknown()),
});

export type LedgerExport = z.infer<typeof ledgerExportSchema>;

/** The export of what the API read: the anchors first, then the records. */
export function ledgerExport(
  read: { service: string; records: readonly unknown[]; anchors: readonly unknown[] },
  exportedAt: Date,
): LedgerExport {
  const keyIds = new Set<string>();
  for (const stored of [...read.records, ...read.anchors]) {
    const keyId = (stored as { signature?: { keyId?: unknown } } | null)?.signature?.keyId;
    if (typeof keyId === 'string' && keyId !== '') keyIds.add(keyId);
  }
  return {
    format: EXPORT_FORMAT,
    service: read.service,
    exportedAt: exportedAt.toISOString(),
    keyIds: [...keyIds],
    records: [...read.records],
    anchors: [...read.anchors],
  };
}

export type ExportVerification =
  { ok: true; count: number; head: ChainHead | null; anchored: ChainHead | null } | VerifyFailure;

/**
 * Checks an export: the chain (schema, hashes, links, every record's signature), then each
 * anchor in turn: it must be a record of the service with a good hash and signature, and the
 * chain must reach it with the same hash. Records after the newest anchor are accepted.
 */
export function verifyExport(exported: LedgerExport, signatures: SignatureCheck): ExportVerification {
  const { service, records } = exported;
  const chain = verify(records, { service, signatures });
  if (!chain.ok) return chain;
  // verify succeeded, so every record parses.
  const verified = records.map((raw) => ledgerRecordSchema.parse(raw));
  let anchored: ChainHead | null = null;
  for (const stored of exported.anchors) {
    const anchor = storedAnchor(stored, service, signatures, verified.length);
    if ('problem' in anchor) return anchor;
    const broken = checkAnchor(verified, anchor);
    if (broken) return broken;
    if (anchored === null || anchor.seq > anchored.seq) anchored = { seq: anchor.seq, hash: anchor.hash };
  }
  return { ...chain, anchored };
}

/**
 * A stored anchor, checked as a record is: it must parse, be the service's, have the hash of
 * its contents and a good signature. One that does not was written by someone without the
 * ledger key. The failure names the anchor's seq, and the position of that seq in the chain.
 */
export function storedAnchor(
  stored: unknown,
  service: string,
  signatures: SignatureCheck,
  count: number,
): Anchor | VerifyFailure {
  const fail = (seq: number | null, problem: VerifyProblem, text: string): VerifyFailure => ({
    ok: false,
    index: seq === null ? count : Math.min(seq - 1, count),
    seq,
    problem,
    message: `${STORED_ANCHOR}${seq === null ? '' : ` (seq ${seq})`}: ${text}`,
  });
  const parsed = ledgerRecordSchema.safeParse(stored);
  if (!parsed.success) return fail(null, 'malformed', 'is not a well-formed ledger record');
  const record = parsed.data;
  let hash: string | null;
  try {
    hash = hashRecord(record);
  } catch {
    hash = null;
  }
  if (hash === null) return fail(record.seq, 'malformed', 'has no canonical encoding');
  if (hash !== record.hash) {
    return fail(record.seq, 'hash-mismatch', 'hash does not match its contents; the anchor was forged');
  }
  if (record.service !== service) {
    return fail(record.seq, 'wrong-service', `belongs to service "${record.service}", not "${service}"`);
  }
  const unsigned = signatures(record);
  if (unsigned) return fail(record.seq, unsigned.problem, unsigned.message);
  return { seq: record.seq, hash: record.hash, source: STORED_ANCHOR };
}
