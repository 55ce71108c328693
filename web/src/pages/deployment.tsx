// The Deployment page: one deployment's plan, traffic, metrics, alarms, analyses and actions.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { seg } from '../api';
import type { ApiRequestFailed } from '../errors';
import { ActionStatus, type ActionResult } from '../components/action';
import { StatusBadge } from '../components/badge';
import { Loading, Problem } from '../components/problem';
import { StepTimeline } from '../components/steps';
import { WeightsBar } from '../components/weights-bar';
import { dateTime } from '../format';
import { shortDigest, shortImage } from '../../../shared/domain/image-words.js';
import { usePoll } from '../poll';
import { href } from '../router';
import type { AnyDeploymentView, DeploymentView } from '../../../shared/api/views.js';
import { DeploymentActions } from './deployment-actions';
import { AnalysisChart } from './deployment-analysis';
import { MetricsCharts, TrafficChart } from './deployment-charts';
import { Alarms, Analyses, ApprovalWait, BakeCountdown, OutcomeReason } from './deployment-facts';

const live = (d: AnyDeploymentView | null) => d === null || d.status === 'running' || d.status === 'starting';

/** The deployment once it has its record; before that (starting, or refused) the API knows only its execution. */
const recorded = (d: AnyDeploymentView | null): DeploymentView | null =>
  d !== null && 'steps' in d ? d : null;

export function DeploymentPage({ id }: { id: string }) {
  // Every second while it runs, every 5 s once it has ended; an unknown id is asked for rarely.
  const every = (data: AnyDeploymentView | null, failed: ApiRequestFailed | null) =>
    failed?.status === 404 ? 30_000 : live(data) ? 1000 : 5000;
  const { data: d, error, refresh } = usePoll<AnyDeploymentView>(`/deployments/${seg(id)}`, every);
  const full = recorded(d);
  const [result, setResult] = useState<ActionResult | null>(null);
  useEffect(() => {
    if (full) document.title = `${full.service} release ${full.release} · Cutover`;
  }, [full?.service, full?.release]);
  const onResult = (r: ActionResult) => {
    setResult(r);
    refresh();
  };

  return (
    <>
      <h1>{full ? `Deployment of ${full.service}, release ${full.release}` : `Deployment ${id}`}</h1>
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
              {full?.status === 'running' && <span>phase {full.phase}</span>}
            </dd>
            {full && <Facts d={full} />}
            <dt>Id</dt>
            <dd>
              <code>{d.deploymentId}</code>
            </dd>
          </dl>
          {full && <a href={href.releases(full.service)}>Release history of {full.service}</a>}
          <OutcomeReason deployment={d} />
          {full && <Recorded d={full} onResult={onResult} />}
        </>
      )}
    </>
  );
}

/** The header's facts about what is deployed, and by whom. */
function Facts({ d }: { d: DeploymentView }) {
  return (
    <>
      <dt>Image</dt>
      <dd>
        <code title={d.image}>{shortImage(d.image)}</code>
      </dd>
      <dt>Strategy</dt>
      <dd>{d.strategy}</dd>
      <dt>Started by</dt>
      <dd>
        {d.trigger}, {d.actor} at {dateTime(d.startedAt)}
      </dd>
      <dt>Stable</dt>
      <dd>
        release {d.stable.release} · <code>{shortDigest(d.stable.image)}</code>
      </dd>
    </>
  );
}

/** Everything below the header: the actions, the countdowns, the plan, the charts, alarms and analyses. */
function Recorded({ d, onResult }: { d: DeploymentView; onResult: (r: ActionResult) => void }) {
  return (
    <>
      <DeploymentActions deployment={d} onResult={onResult} />
      {d.approval && d.status === 'running' && <ApprovalWait approval={d.approval} />}
      {d.bake && d.status === 'running' && <BakeCountdown bake={d.bake} speed={d.speed} />}
      <WeightsBar weights={d.weights} />
      {d.headerRoute?.open === true && d.status === 'running' && (
        <p class="header-route" role="status">
          Header-routed step: only {d.headerRoute.matches ?? 'matching requests'} reach the new release
          (listener rule priority {d.headerRoute.priority}).
        </p>
      )}
      <div class="deployment-grid">
        <Section title="Plan">
          <StepTimeline steps={d.steps} />
        </Section>
        <div class="deployment-main">
          <Section title="Traffic and metrics">
            <div class="chart-grid">
              <TrafficChart deployment={d} />
            </div>
            <MetricsCharts deployment={d} />
          </Section>
          <Section title="Watched alarms">
            <Alarms alarms={d.alarms} />
          </Section>
          <Section title="Canary analysis">
            <AnalysisChart analyses={d.analyses} />
            <Analyses analyses={d.analyses} running={d.status === 'running'} />
          </Section>
        </div>
      </div>
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
