// The Deployment page's chart of its canary analysis: when each look happened and what it
// concluded. For the sequential judge, each metric's evidence against its allowed bound (log10
// of its e-value) at every look, beside the value that decides; for Mann-Whitney, the score.
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { Chart, type Line } from '../components/chart';
import type { AnalysisView } from '../../../shared/api/views.js';

/** Evidence beyond 10^CAP is drawn at CAP: the look decided long before. */
const CAP = 20;
const COLORS = ['#b45309', '#7c3aed', '#0f766e', '#be123c', '#1d4ed8'];

const seconds = (iso: string) => Date.parse(iso) / 1000;

export function AnalysisChart({ analyses }: { analyses: AnalysisView[] }) {
  const sequential = analyses.filter((a) => a.brief !== null);
  const chart = useMemo(
    () => (sequential.length > 0 ? evidenceChart(sequential) : scoreChart(analyses)),
    [analyses],
  );
  if (analyses.length === 0) return null;
  return <Chart {...chart} />;
}

function evidenceChart(looks: AnalysisView[]) {
  const names = [...new Set(looks.flatMap((a) => (a.brief ?? []).map((m) => m.name)))];
  const threshold = looks.at(-1)?.brief?.[0]?.log10Threshold ?? 2;
  const column = (name: string) =>
    looks.map((a) => {
      const found = a.brief?.find((m) => m.name === name);
      return found === undefined ? null : Math.min(CAP, found.log10E.fail);
    });
  const values = names.flatMap(column).filter((v): v is number => v !== null);
  const lines: Line[] = [
    ...names.map((name, i) => ({ label: name, color: COLORS[i % COLORS.length]! })),
    { label: 'decides at', color: '#64748b', dash: [4, 4] },
  ];
  const last = looks.at(-1)!;
  const data: uPlot.AlignedData = [
    looks.map((a) => seconds(a.at)),
    ...names.map(column),
    looks.map(() => threshold),
  ];
  return {
    title: 'Sequential analysis: evidence of a regression at each look (log10 e-value)',
    summary:
      `${looks.length} looks; the latest was ${last.classification} (${last.verdict}). ` +
      `A metric fails when its line reaches ${threshold.toFixed(2)}.`,
    unit: '',
    lines,
    data,
    yRange: [Math.min(-1, ...values), Math.max(threshold + 1, ...values)] as [number, number],
  };
}

function scoreChart(looks: AnalysisView[]) {
  const last = looks.at(-1);
  return {
    title: 'Canary analysis: score at each judgement',
    summary: `${looks.length} judgements; the latest scored ${last?.score ?? '–'} (${last?.classification ?? '–'}).`,
    unit: '',
    lines: [{ label: 'score', color: '#b45309' }],
    data: [looks.map((a) => seconds(a.at)), looks.map((a) => a.score)] as uPlot.AlignedData,
    yRange: [0, 100] as [number, number],
  };
}

/** One line a metric of a sequential look: `latency-p50 High: rate ratio 1.98 [1.72, 2.27], 10^31.8 of 10^2.30`. */
export function metricSummaries(look: AnalysisView): string[] {
  if (look.metrics === null) {
    return (look.brief ?? []).map(
      (m) =>
        `${m.name} ${m.classification}: evidence 10^${m.log10E.fail} of 10^${m.log10Threshold.toFixed(2)}`,
    );
  }
  return look.metrics.map((m) => {
    const e = m.effect;
    const interval = e.interval === null ? '' : ` [${e.interval.low}, ${e.interval.high}]`;
    return `${m.name} ${m.classification}: ${e.measure} ${e.estimate ?? '–'}${interval}, evidence 10^${m.log10E.fail} of 10^${m.log10Threshold.toFixed(2)}`;
  });
}
