// The Deployment page: one deployment's plan, traffic, metrics, alarms, analyses and actions.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { seg, type ApiError } from '../api';
import { ActionStatus, type ActionResult } from '../components/action';
import { StatusBadge } from '../components/badge';
import { Loading, Problem } from '../components/problem';
import { StepTimeline } from '../components/steps';
import { WeightsBar } from '../components/weights-bar';
import { dateTime, repositoryOf, shortDigest } from '../format';
import { usePoll } from '../poll';
import { href } from '../router';
import type { Deployment } from '../types';
import { DeploymentActions } from './deployment-actions';
import { MetricsCharts, TrafficChart } from './deployment-charts';
import { Alarms, Analyses, ApprovalWait, BakeCountdown, OutcomeReason } from './deployment-facts';

const live = (d: Deployment | null) => d === null || d.status === 'running' || d.status === 'starting';

export function DeploymentPage({ id }: { id: string }) {
  // Every second while it runs, every 5 s once it has ended; an unknown id is asked for rarely.
  const every = (data: Deployment | null, failed: ApiError | null) =>
    failed?.status === 404 ? 30_000 : live(data) ? 1000 : 5000;
  const { data: d, error, refresh } = usePoll<Deployment>(`/deployments/${seg(id)}`, every);
  const [result, setResult] = useState<ActionResult | null>(null);
  useEffect(() => {
    if (d?.service) document.title = `${d.service} release ${d.release ?? ''} · Cutover`;
  }, [d?.service, d?.release]);
  const onResult = (r: ActionResult) => {
    setResult(r);
    refresh();
  };

  return (
    <>
      <h1>{d?.service ? `Deployment of ${d.service}, release ${d.release ?? '?'}` : `Deployment ${id}`}</h1>
      <Problem error={error} what="the deployment" />
      <ActionStatus result={result} />
      {d === null ? (
        error === null && <Loading what="the deployment" />
      ) : (
        <>
          <dl class="facts header-facts">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={d.status} />{' '}
              {d.status === 'running' && d.phase && <span>phase {d.phase}</span>}
            </dd>
            {d.image && <dt>Image</dt>}
            {d.image && (
              <dd>
                <code title={d.image}>
                  {repositoryOf(d.image)}@{shortDigest(d.image)}
                </code>
              </dd>
            )}
            {d.strategy && <dt>Strategy</dt>}
            {d.strategy && <dd>{d.strategy}</dd>}
            {d.trigger && <dt>Started by</dt>}
            {d.trigger && (
              <dd>
                {d.trigger}, {d.actor} at {dateTime(d.startedAt)}
              </dd>
            )}
            {d.stable && <dt>Stable</dt>}
            {d.stable && (
              <dd>
                release {d.stable.release} · <code>{shortDigest(d.stable.image)}</code>
              </dd>
            )}
            <dt>Id</dt>
            <dd>
              <code>{d.deploymentId}</code>
            </dd>
          </dl>
          {d.service && <a href={href.releases(d.service)}>Release history of {d.service}</a>}
          <OutcomeReason deployment={d} />
          <DeploymentActions deployment={d} onResult={onResult} />
          {d.approval && d.status === 'running' && <ApprovalWait approval={d.approval} />}
          {d.bake && d.status === 'running' && <BakeCountdown bake={d.bake} speed={d.speed ?? 1} />}
          {d.weights && <WeightsBar weights={d.weights} />}
          <div class="deployment-grid">
            {d.steps && (
              <Section title="Plan">
                <StepTimeline steps={d.steps} />
              </Section>
            )}
            <div class="deployment-main">
              {d.service && (
                <Section title="Traffic and metrics">
                  <div class="chart-grid">
                    <TrafficChart deployment={d} />
                  </div>
                  <MetricsCharts deployment={d} />
                </Section>
              )}
              {d.alarms && (
                <Section title="Watched alarms">
                  <Alarms alarms={d.alarms} />
                </Section>
              )}
              {d.service && (
                <Section title="Canary analysis">
                  <Analyses
                    analyses={d.analyses ?? (d.analysis ? [d.analysis] : [])}
                    running={d.status === 'running'}
                  />
                </Section>
              )}
            </div>
          </div>
        </>
      )}
    </>
  );
}

function Section({ title, children }: { title: string; children: ComponentChildren }) {
  const id = `section-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}
