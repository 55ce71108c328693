// Appending to the ledger exactly once, though a step may run more than once.
// Steps are retried (Lambda, Step Functions and EventBridge all deliver at least
// once), so an append first looks at the head: if the head is this same event,
// the earlier attempt already wrote it and there is nothing to do. Every record
// is signed with the ledger key before it is stored (ledger-signature.ts).

import { canonicalJson } from '../domain/canonical-json.js';
import { chainNext, type LedgerRecord, type LedgerRecordDraft } from '../domain/ledger.js';
import { signRecord, type RecordSigner } from '../domain/ledger-signature.js';
import type { ServiceStates } from '../ports/deployments.js';
import type { ReleaseLedger } from '../ports/ledger.js';
import type { Clock } from '../ports/clock.js';
import { TransientError } from '../aws/errors.js';

/** How often to re-read the head when another writer appended first. */
const MAX_ATTEMPTS = 8;

export type DraftWithoutTime = Omit<LedgerRecordDraft, 'at'> & { at?: string };

export async function appendOnce(
  deps: { ledger: ReleaseLedger; serviceStates: ServiceStates; clock: Clock; signer: RecordSigner },
  draft: DraftWithoutTime,
): Promise<LedgerRecord> {
  const full = { ...draft, at: draft.at ?? new Date(deps.clock.now()).toISOString() } as LedgerRecordDraft;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const head = await deps.ledger.head(full.service);
    if (head !== null && sameEvent(head, full)) return head;
    const record = await signRecord(chainNext(head, full), deps.signer);
    if (await deps.ledger.put(record)) {
      await deps.serviceStates.advanceLedgerHead(record.service, { seq: record.seq, hash: record.hash });
      return record;
    }
  }
  // TransientError is what every Task's Retry names: the step runs again and appends then.
  throw new TransientError(
    `could not append ${full.type} to the ledger of ${full.service}: ${MAX_ATTEMPTS} other writers appended first; ` +
      'the step is retried',
  );
}

/** The same deployment, type and detail: a retried step writing what it wrote before. */
function sameEvent(head: LedgerRecord, draft: LedgerRecordDraft): boolean {
  return (
    head.deploymentId === draft.deploymentId &&
    head.type === draft.type &&
    head.release === draft.release &&
    canonicalJson(head.detail) === canonicalJson(draft.detail)
  );
}
