// GET /deployments/{id}/metrics: the new task set's error rate and p99 latency against the
// stable one's, minute by minute over the deployment, read from CloudWatch as analysis reads
// them. For the dashboard's charts; the judge's own windows are in docs/analysis.md.

import { getService } from '../domain/catalog.js';
import { analysisMetricSchema, type AnalysisMetric } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import type { MetricWindow, TimedSeries } from '../ports/metrics.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import type { ApiResponse } from './request.js';
import type { MetricsView } from './views.js';

export const CHART_PERIOD_SECONDS = 60;
/** The longest span charted: the last day of a deployment that ran longer. */
const MAX_SPAN_MS = 24 * 3600_000;

/** What the charts show, with the catalog's defaults (made at the first chart, not at import). */
let chartMetrics: { metric: AnalysisMetric; unit: 'percent' | 'seconds' }[] | undefined;
const CHART_METRICS = () =>
  (chartMetrics ??= [
    {
      metric: analysisMetricSchema.parse({ name: 'error-rate', source: { builtin: 'error-rate' } }),
      unit: 'percent',
    },
    {
      metric: analysisMetricSchema.parse({ name: 'latency-p99', source: { builtin: 'latency-p99' } }),
      unit: 'seconds',
    },
  ]);

export async function deploymentMetrics(deps: ApiDeps, id: string): Promise<ApiResponse> {
  const deployment = await deps.deployments.get(id);
  if (deployment === null) throw notFound(`no deployment ${id} (or it has not taken its service's lock yet)`);
  const entry = getService(deps.catalog, deployment.service);
  if (entry === undefined) throw notFound(`the service ${deployment.service} is no longer in the catalog`);
  const window = chartWindow(deployment, deps.clock.now());
  const base = {
    deploymentId: id,
    periodSeconds: CHART_PERIOD_SECONDS,
    window: { start: new Date(window.start).toISOString(), end: new Date(window.end).toISOString() },
  };
  if (deployment.strategy === 'rolling') {
    const note =
      'a rolling deployment puts both task sets in one target group: there is no canary to compare';
    return { status: 200, body: { ...base, metrics: [], note } satisfies MetricsView };
  }
  const listenerArn = entry.traffic.productionListenerRule;
  const read = (targetGroupArn: string) =>
    deps.metrics.series(
      CHART_METRICS().map((c) => c.metric),
      { targetGroupArn, listenerArn },
      window,
      CHART_PERIOD_SECONDS,
    );
  const [baseline, canary] = await Promise.all([
    read(deployment.stable.targetGroupArn),
    read(deployment.candidate.targetGroupArn),
  ]);
  const metrics = CHART_METRICS().map(({ metric, unit }, i) => ({
    name: metric.name,
    unit,
    baseline: points(baseline[i]),
    canary: points(canary[i]),
  }));
  return { status: 200, body: { ...base, metrics } satisfies MetricsView };
}

/** Whole periods from the minute the deployment started to the one after it ended (or now). */
function chartWindow(deployment: Deployment, now: number): MetricWindow {
  const period = CHART_PERIOD_SECONDS * 1000;
  const running = deployment.status === 'running';
  const last = running ? now : Math.min(now, deployment.updatedAt + period);
  const end = Math.ceil(last / period) * period;
  const start = Math.max(Math.floor(deployment.startedAt / period) * period, end - MAX_SPAN_MS);
  return { start, end: Math.max(end, start + period) };
}

function points(series: TimedSeries | undefined): { at: string; value: number }[] {
  if (series === undefined) return [];
  return series.values.map((value, i) => ({ at: new Date(series.timestamps[i]!).toISOString(), value }));
}
