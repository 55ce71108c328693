// A service's ledger grouped into releases, as `GET /services/{name}/releases` answers it.

import type { LedgerRecord } from '../domain/ledger.js';

export type ReleaseOutcome = 'promoted' | 'rolled-back' | 'aborted' | 'running';

/**
 * The ledger grouped by deployment, newest first (by the seq of its first record): one entry
 * per deployment, numbered by the release its ReleaseStarted record opened. Two deployments
 * are never merged, even where an older ledger gave them one number. Records of a deployment
 * that never opened a release nor ended one (a rollback asked for that never started) are
 * not a release, and are left out.
 */
export function releasesView(records: readonly LedgerRecord[]) {
  const byDeployment = new Map<string, LedgerRecord[]>();
  for (const record of records)
    byDeployment.set(record.deploymentId, [...(byDeployment.get(record.deploymentId) ?? []), record]);
  return [...byDeployment.entries()]
    .filter(([, list]) => list.some((r) => r.type !== 'OperatorAction'))
    .map(([deploymentId, list]) => {
      const started = list.find((r) => r.type === 'ReleaseStarted');
      const end = list.findLast(
        (r) => r.type === 'Promoted' || r.type === 'RolledBack' || r.type === 'Aborted',
      );
      const outcome: ReleaseOutcome =
        end?.type === 'Promoted'
          ? 'promoted'
          : end?.type === 'RolledBack'
            ? 'rolled-back'
            : end?.type === 'Aborted'
              ? 'aborted'
              : 'running';
      const detail = started?.type === 'ReleaseStarted' ? started.detail : undefined;
      const reason =
        end !== undefined && (end.type === 'RolledBack' || end.type === 'Aborted') ? end.detail.reason : null;
      return {
        release: (started ?? end ?? list[0]!).release,
        deploymentId,
        image: detail?.image ?? null,
        /** The tag the image was pushed or deployed with, if any (older ledgers kept none). */
        tag: detail?.tag ?? null,
        strategy: detail?.strategy ?? null,
        trigger: detail?.trigger ?? null,
        actor: started?.actor ?? null,
        startedAt: started?.at ?? list[0]!.at,
        outcome,
        reason,
        records: list,
        /** Seq of the deployment's first record: orders deployments as the ledger does. */
        firstSeq: list[0]!.seq,
      };
    })
    .sort((a, b) => b.firstSeq - a.firstSeq)
    .map(({ firstSeq: _firstSeq, ...release }) => release);
}

export type ReleaseView = ReturnType<typeof releasesView>[number];
