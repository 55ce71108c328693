// What `cutover analysis` prints: each look of a deployment's canary analysis, and for the
// sequential judge, every metric's account of itself (docs/analysis.md, "What each look keeps").

import { printable } from '../printable.js';
import type { DeploymentView } from '../../shared/api/views.js';

type Look = DeploymentView['analyses'][number];
type MetricAccount = NonNullable<Look['metrics']>[number];

export function renderAnalyses(deploymentId: string, looks: readonly Look[]): string[] {
  if (looks.length === 0) return [`${deploymentId}: no canary analysis yet`];
  const lines = [`${deploymentId}: ${looks.length} look${looks.length === 1 ? '' : 's'} of canary analysis`];
  for (const [i, look] of looks.entries()) lines.push('', ...lookLines(look, i + 1));
  return lines.map(printable);
}

function lookLines(look: Look, number: number): string[] {
  const step = look.step === null ? '' : `, after step ${look.step + 1}`;
  const window =
    look.window === null ? 'no minutes yet' : `minutes ${clock(look.window.start)}–${clock(look.window.end)}`;
  const head = `look ${number} at ${clock(look.at)} (${look.method}, ${look.final ? 'final' : 'interim'}${step}; ${window}): ${look.classification} → ${look.verdict}`;
  if (look.metrics !== null) return [head, ...look.metrics.flatMap(metricLines)];
  // An earlier look of the sequential judge keeps each metric's decision and evidence only.
  if (look.brief !== null) {
    return [
      head,
      ...look.brief.map(
        (m) =>
          `  ${m.name}  ${m.classification}: evidence 10^${m.log10E.fail} against the allowed bound, 10^${m.log10E.pass} against a breach; either decides at 10^${m.log10Threshold.toFixed(2)}`,
      ),
    ];
  }
  const failing = look.failedMetrics.length > 0 ? `; failing: ${look.failedMetrics.join(', ')}` : '';
  return [head, `  score ${look.score}${failing}`, `  ${look.reason}`];
}

function metricLines(metric: MetricAccount): string[] {
  const lines = [`  ${metric.name}  ${metric.classification}${metric.critical ? ' (critical)' : ''}`];
  const s = metric.samples;
  lines.push(
    'canary' in s
      ? `    samples   ${s.minutes} min; canary ${s.canary.events} of ${s.canary.exposure}, baseline ${s.baseline.events} of ${s.baseline.exposure}`
      : `    samples   ${s.minutes} min; ${s.worse} worse, ${s.better} better, ${s.ties} tied`,
  );
  const e = metric.effect;
  const interval = e.interval === null ? '' : `, interval [${e.interval.low}, ${e.interval.high}]`;
  lines.push(`    effect    ${e.measure} ${e.estimate ?? '–'}${interval}`);
  lines.push(
    `    e-values  10^${metric.log10E.fail} against the allowed bound, 10^${metric.log10E.pass} against a breach; either decides at 10^${metric.log10Threshold.toFixed(2)}`,
  );
  lines.push(`    rule      ${metric.reason}`);
  return lines;
}

/** `10:05:00`: the time of day, UTC, of an ISO time. */
function clock(iso: string): string {
  return iso.slice(11, 19);
}
