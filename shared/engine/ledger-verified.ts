// Reading the ledger only as verified. Whatever acts on the ledger (rollback and its target,
// the releases view, drift, a rollback's proof that its image was promoted) reads it through
// here: every record must be signed by a trusted ledger key and the chain must reach both
// anchors (the head kept in the deployments table and the newest signed head in the anchor
// bucket). Otherwise LedgerBroken names the first bad record, and nothing acts on it.
// Signatures are the costly part: each process remembers the last head it verified, and
// checks signatures only after it (hashes and links still cover the whole chain, and the
// remembered head is checked as one more anchor, so a change before it is still caught).

import {
  ledgerRecordSchema,
  verify,
  type Anchor,
  type ChainHead,
  type LedgerRecord,
  type VerifyFailure,
  type VerifyResult,
} from '../domain/ledger.js';
import { signatureCheck, type TrustedKeys } from '../domain/ledger-signature.js';
import { storedAnchor } from '../domain/ledger-export.js';
import type { EngineDeps } from './deps.js';
import { LedgerBroken } from './errors.js';

type Deps = Pick<EngineDeps, 'ledger' | 'serviceStates' | 'ledgerKeys'> &
  Partial<Pick<EngineDeps, 'anchors'>>;

/** The last head this process verified, by ledger (one per table) and service. */
const verifiedHeads = new WeakMap<object, Map<string, ChainHead>>();

function headsOf(ledger: object): Map<string, ChainHead> {
  let heads = verifiedHeads.get(ledger);
  if (heads === undefined) verifiedHeads.set(ledger, (heads = new Map<string, ChainHead>()));
  return heads;
}

/** Every record of the service, verified; LedgerBroken when the chain does not verify. */
export async function verifiedRecords(deps: Deps, service: string): Promise<LedgerRecord[]> {
  const { result, records } = await check(deps, service);
  if (!result.ok) throw broken(service, result.message);
  return records;
}

/** The verification itself, as `GET /services/{name}/verify` and `cutover verify` report it. */
export async function verifyChain(deps: Deps, service: string): Promise<VerifyResult> {
  return (await check(deps, service)).result;
}

async function check(
  deps: Deps,
  service: string,
): Promise<{ result: VerifyResult; records: LedgerRecord[] }> {
  const keys = await deps.ledgerKeys.trusted();
  // The anchors first, then the records: an append in between is not taken for a removal.
  const anchors: Anchor[] = [];
  const head = (await deps.serviceStates.get(service)).ledgerHead;
  if (head !== null) anchors.push({ ...head, source: 'the head anchor' });
  if (deps.anchors !== undefined) {
    const stored = await newestStoredAnchor(deps.anchors, service, keys);
    if ('problem' in stored) return { result: stored.problem, records: [] };
    if (stored.anchor !== null) anchors.push(stored.anchor);
  }
  const raw = await deps.ledger.list(service);
  const known = headsOf(deps.ledger).get(service);
  const signatures = signatureCheck(keys);
  const result = verify(raw, {
    service,
    anchors: known ? [...anchors, { ...known, source: 'the head verified before' }] : anchors,
    signatures: (record) => (known !== undefined && record.seq <= known.seq ? null : signatures(record)),
  });
  if (!result.ok) return { result, records: [] };
  if (result.head !== null) headsOf(deps.ledger).set(service, result.head);
  return { result, records: raw.map((r) => ledgerRecordSchema.parse(r)) };
}

/**
 * The newest anchor in the anchor bucket, each stored version checked as the offline verifier
 * checks it (storedAnchor): one that is not a good signed head record of this service was put
 * there by someone without the ledger key, which is itself tampering.
 */
async function newestStoredAnchor(
  anchors: NonNullable<Deps['anchors']>,
  service: string,
  keys: TrustedKeys,
): Promise<{ anchor: Anchor | null } | { problem: VerifyFailure }> {
  let newest: Anchor | null = null;
  for (const stored of await anchors.newest(service)) {
    const anchor = storedAnchor(stored, service, signatureCheck(keys), Number.MAX_SAFE_INTEGER);
    if ('problem' in anchor) return { problem: { ...anchor, index: -1 } };
    newest = anchor;
  }
  return { anchor: newest };
}

function broken(service: string, message: string): LedgerBroken {
  return new LedgerBroken(
    `the ledger of ${service} does not verify, so nothing was done: ${message}. ` +
      `Run \`cutover verify ${service}\`, and see docs/ledger.md on tampering. To redeploy a known image ` +
      'anyway, roll back with --break-glass and the image you trust.',
  );
}
