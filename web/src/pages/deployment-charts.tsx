// The Deployment page's charts: production weights over time, and canary against baseline metrics.
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { seg } from '../api';
import { Chart } from '../components/chart';
import { Problem } from '../components/problem';
import { usePoll } from '../poll';
import type { DeploymentView, MetricPoint, MetricsView } from '../../../shared/api/views.js';

const seconds = (iso: string) => Date.parse(iso) / 1000;

export function TrafficChart({ deployment }: { deployment: DeploymentView }) {
  const data = useMemo((): uPlot.AlignedData => {
    const points = [...deployment.traffic];
    if (deployment.status === 'running') {
      // Up to the API's clock when it answered: the weights hold from their last change until now.
      const now = seconds(deployment.now);
      const last = points.at(-1);
      if (last === undefined || seconds(last.at) < now)
        points.push({ at: new Date(now * 1000).toISOString(), ...deployment.weights });
    }
    return [points.map((p) => seconds(p.at)), points.map((p) => p.stable), points.map((p) => p.candidate)];
  }, [deployment]);
  const now = deployment.weights;
  return (
    <Chart
      title="Production traffic"
      summary={`Production weights over time; now stable ${now.stable}%, new release ${now.candidate}%.`}
      unit="%"
      yRange={[0, 100]}
      lines={[
        { label: `stable (release ${deployment.stable.release})`, color: '#1d4ed8', stepped: true },
        {
          label: `new (release ${deployment.release})`,
          color: '#b45309',
          stepped: true,
          dash: [6, 3],
        },
      ]}
      data={data}
    />
  );
}

/** Baseline and canary on one time axis, null where one of them has no point. */
function align(baseline: MetricPoint[], canary: MetricPoint[], scale: number): uPlot.AlignedData {
  const xs = [...new Set([...baseline, ...canary].map((p) => seconds(p.at)))].sort((a, b) => a - b);
  const column = (points: MetricPoint[]) => {
    const byTime = new Map(points.map((p) => [seconds(p.at), p.value * scale]));
    return xs.map((x) => byTime.get(x) ?? null);
  };
  return [xs, column(baseline), column(canary)];
}

const titles: Record<string, string> = {
  'error-rate': 'Error rate',
  'latency-p99': 'Latency, 99th percentile',
};

export function MetricsCharts({ deployment }: { deployment: DeploymentView }) {
  const { data, error } = usePoll<MetricsView>(
    `/deployments/${seg(deployment.deploymentId)}/metrics`,
    () => 5000,
  );
  const charts = useMemo(
    () =>
      (data?.metrics ?? []).map((m) => {
        const ms = m.unit === 'seconds';
        return { name: m.name, unit: ms ? ' ms' : '%', data: align(m.baseline, m.canary, ms ? 1000 : 1) };
      }),
    [data],
  );
  if (error !== null) return <Problem error={error} what="the metrics" />;
  if (data === null) return <p class="muted">Loading metrics…</p>;
  if (charts.length === 0) return <p class="muted">No metrics for this deployment.</p>;
  return (
    <div class="chart-grid">
      {charts.map((c) => (
        <Chart
          key={c.name}
          title={`${titles[c.name] ?? c.name}: new release against stable`}
          summary={`${titles[c.name] ?? c.name} of the canary and the baseline target groups over time.`}
          unit={c.unit}
          lines={[
            { label: 'baseline (stable)', color: '#1d4ed8' },
            { label: 'canary (new)', color: '#b45309', dash: [6, 3] },
          ]}
          data={c.data}
        />
      ))}
    </div>
  );
}
