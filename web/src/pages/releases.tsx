// The Releases page: a service's ledger history, its hash-chain check, and rollback to a release.
import { useEffect, useState } from 'preact/hooks';
import { post, seg } from '../api';
import { ActionButton, ActionStatus, type ActionResult } from '../components/action';
import { Badge, OutcomeBadge } from '../components/badge';
import { Loading, Problem } from '../components/problem';
import { shortDateTime } from '../format';
import { shortImage } from '../../../shared/domain/image-words.js';
import { usePoll } from '../poll';
import { href } from '../router';
import type { ReleaseView, VerifyView } from '../../../shared/api/views.js';

export function ReleasesPage({ service }: { service: string }) {
  const base = `/services/${seg(service)}`;
  const history = usePoll<{ service: string; releases: ReleaseView[] }>(`${base}/releases`, () => 5000);
  const chain = usePoll<VerifyView>(`${base}/verify`, () => 30_000);
  const [result, setResult] = useState<ActionResult | null>(null);
  useEffect(() => {
    document.title = `${service} releases · Cutover`;
  }, [service]);
  const releases = history.data?.releases ?? [];
  // The live release is the one promoted last: a rollback is itself a new release.
  const live = releases.find((r) => r.outcome === 'promoted')?.release;
  const onResult = (r: ActionResult) => {
    setResult(r);
    history.refresh();
  };

  return (
    <>
      <h1>Releases of {service}</h1>
      <ChainBadge verify={chain.data} />
      <Problem error={chain.error} what="the chain check" />
      <Problem error={history.error} what="the releases" />
      <ActionStatus result={result} />
      {history.data === null ? (
        history.error === null && <Loading what="releases" />
      ) : (
        <div class="table-wrap" tabIndex={0} role="region" aria-label={`releases of ${service}`}>
          <table class="releases">
            <thead>
              <tr>
                {[
                  'Release',
                  'Image',
                  'Strategy',
                  'Trigger',
                  'Actor',
                  'Started',
                  'Outcome',
                  'Reason',
                  'Action',
                ].map((h) => (
                  <th scope="col" key={h}>
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {releases.map((r) => (
                <tr key={r.deploymentId} data-release={r.release}>
                  <th scope="row">
                    <a
                      href={href.deployment(r.deploymentId)}
                      aria-label={`release ${r.release}, its deployment`}
                    >
                      {r.release}
                    </a>
                    {r.release === live && <span class="live-tag"> live</span>}
                  </th>
                  <td class="nowrap">
                    <code title={r.image ?? ''}>{r.image === null ? '—' : shortImage(r.image)}</code>
                  </td>
                  <td>{r.strategy ?? '—'}</td>
                  <td>{r.trigger ?? '—'}</td>
                  <td>{r.actor ?? '—'}</td>
                  <td class="nowrap">{shortDateTime(r.startedAt)}</td>
                  <td class="nowrap">
                    <OutcomeBadge outcome={r.outcome} />
                  </td>
                  <td class="reason">{r.reason ? r.reason.message : ''}</td>
                  <td>
                    {r.outcome === 'promoted' && r.release !== live && (
                      <RollbackButton service={service} release={r.release} onResult={onResult} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}

function ChainBadge({ verify }: { verify: VerifyView | null }) {
  if (verify === null) return <Badge tone="neutral">checking the chain…</Badge>;
  if (verify.ok)
    return (
      <p class="chain">
        <Badge tone="ok" title={verify.head === null ? 'no records yet' : `head: record ${verify.head.seq}`}>
          chain verified, {verify.count} records
        </Badge>
      </p>
    );
  return (
    <p class="chain" role="alert">
      <Badge tone="bad">
        chain broken at record {verify.seq}: {verify.message}
      </Badge>
    </p>
  );
}

function RollbackButton(props: { service: string; release: number; onResult: (r: ActionResult) => void }) {
  const run = async (reason: string) => {
    const answer = await post<{ deploymentId?: string; aborted?: string }>(
      `/services/${seg(props.service)}/rollback`,
      { to: props.release, reason },
    );
    if (answer.aborted)
      return `Rollback accepted: the deployment in progress, ${answer.aborted}, was aborted.`;
    const id = answer.deploymentId ?? '';
    return {
      text: `Rollback accepted: a new release redeploys release ${props.release}.`,
      link: { href: href.deployment(id), label: `Follow deployment ${id}` },
    };
  };
  return (
    <ActionButton
      label="Roll back to here"
      name={`Roll back to release ${props.release}`}
      small
      title={`Roll ${props.service} back to release ${props.release}`}
      description={`Starts a new release with release ${props.release}'s image: all traffic in one step, watched by the alarms.`}
      danger
      run={run}
      onResult={props.onResult}
    />
  );
}
