// Parts of the Deployment page: why it ended, the bake and approval countdowns, watched alarms,
// analyses.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { AlarmBadge, Badge } from '../components/badge';
import { clock, dateTime, shortDateTime, time, timeLeft } from '../format';
import type { AnalysisView, AnyDeploymentView, DeploymentView } from '../../../shared/api/views.js';
import { metricSummaries } from './deployment-analysis';

export function OutcomeReason({ deployment }: { deployment: AnyDeploymentView }) {
  const { status, execution } = deployment;
  if (status === 'refused')
    return (
      <section class="outcome bad" aria-labelledby="outcome-title">
        <h2 id="outcome-title">Refused before any traffic moved</h2>
        <p>{[execution?.error, execution?.cause].filter(Boolean).join(': ') || 'no reason given'}</p>
      </section>
    );
  if (status !== 'rolled-back' && status !== 'aborted') return null;
  const { reason } = deployment;
  if (reason === null) return null;
  return (
    <section class="outcome bad" aria-labelledby="outcome-title">
      <h2 id="outcome-title">{status === 'rolled-back' ? 'Rolled back' : 'Aborted'}</h2>
      <p class="outcome-message">{reason.message}</p>
      <dl class="facts">
        <dt>Cause</dt>
        <dd>{reason.kind}</dd>
        {reason.alarmName && (
          <>
            <dt>Alarm</dt>
            <dd>{reason.alarmName}</dd>
          </>
        )}
        {reason.score !== undefined && (
          <>
            <dt>Score</dt>
            <dd>{reason.score}</dd>
          </>
        )}
        {reason.failedMetrics && reason.failedMetrics.length > 0 && (
          <>
            <dt>Failed metrics</dt>
            <dd>{reason.failedMetrics.join(', ')}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

/**
 * Counts down to bake.endsAt each second. The bake runs on the cloud's clock, which passes
 * `speed` seconds per real second (the local cloud's --speed; 1 on AWS).
 */
export function BakeCountdown({
  bake,
  speed,
}: {
  bake: { endsAt: string; secondsLeft: number };
  speed: number;
}) {
  const answeredAt = useMemo(() => Date.now(), [bake.secondsLeft]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const left = Math.max(0, bake.secondsLeft - ((now - answeredAt) / 1000) * speed);
  return (
    <p class="bake">
      Baking: ends in <strong class="countdown">{clock(left)}</strong> (at {time(bake.endsAt)})
    </p>
  );
}

/**
 * How long a person has to approve, in real time, counted down each second from the server's
 * figure; next to it, the deadline on the cloud's clock (on the local cloud, simulated time).
 */
export function ApprovalWait({ approval }: { approval: { expiresAt: string; secondsLeft: number } }) {
  const deadline = useMemo(() => Date.now() + approval.secondsLeft * 1000, [approval.secondsLeft]);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <p class="approval">
      Waiting for approval: approve within{' '}
      <strong class="countdown">{timeLeft((deadline - now) / 1000)}</strong>{' '}
      <span title="The time left is real time. The local cloud's clock runs faster than real time, so there the deadline is later than the wall clock's.">
        (deadline {dateTime(approval.expiresAt)} on the cloud's clock)
      </span>
      .
    </p>
  );
}

export function Alarms({ alarms }: { alarms: DeploymentView['alarms'] }) {
  if (alarms.length === 0) return <p class="muted">This service watches no alarms.</p>;
  return (
    <ul class="alarms">
      {alarms.map((a) => (
        <li key={a.name}>
          <code>{a.name}</code> <AlarmBadge state={a.state} />
        </li>
      ))}
    </ul>
  );
}

const classTones = { Pass: 'ok', Marginal: 'warn', Fail: 'bad', Undecided: 'info' } as const;

export function Analyses({ analyses, running }: { analyses: AnalysisView[]; running: boolean }) {
  if (analyses.length === 0)
    return <p class="muted">{running ? 'No canary analysis yet.' : 'No canary analysis was made.'}</p>;
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="canary analyses">
      <table>
        <thead>
          <tr>
            <th scope="col">At</th>
            <th scope="col">Check</th>
            <th scope="col">Result</th>
            <th scope="col">Score</th>
            <th scope="col">Why</th>
          </tr>
        </thead>
        <tbody>
          {analyses.map((a) => (
            <tr key={a.at}>
              <td class="nowrap">{shortDateTime(a.at)}</td>
              <td>{a.final ? 'final' : 'interim'}</td>
              <td>
                <Badge tone={classTones[a.classification]}>{a.classification}</Badge>
              </td>
              <td>{a.score}</td>
              <td>
                {a.reason || a.verdict}
                {a.failedMetrics.length > 0 && ` (failed: ${a.failedMetrics.join(', ')})`}
                {a.brief !== null && (
                  <ul class="analysis-metrics">
                    {metricSummaries(a).map((line) => (
                      <li key={line}>{line}</li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
