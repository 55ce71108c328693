// What the study prints: a table a kind and method a row, and the targets of docs/analysis.md
// with whether this run met them.

import type { PlotInput } from './plot.js';
import { METHODS } from './methods.js';
import { noLaterShare, summarize, type KindResult, type StudyOptions } from './study.js';

const percent = (x: number): string => `${(100 * x).toFixed(1)}%`;
const figure = (x: number | null, unit: string): string => (x === null ? '–' : `${x}${unit}`);

export function studyTable(results: readonly KindResult[]): string {
  const lines = [
    '| kind | method | stopped | 95% interval | median delay | p90 delay | median weight | stopped at ≤ 20% |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const result of results) {
    for (const method of METHODS) {
      const s = summarize(result, method);
      lines.push(
        `| ${result.kind} | ${method} | ${s.detected} of ${result.runs} (${percent(s.share)}) | ` +
          `${percent(s.interval[0])}–${percent(s.interval[1])} | ${figure(s.medianMinutes, ' min')} | ` +
          `${figure(s.p90Minutes, ' min')} | ${figure(s.medianWeight, '%')} | ${percent(s.atOrBefore20)} |`,
      );
    }
  }
  return lines.join('\n');
}

export interface Target {
  name: string;
  met: boolean;
  figure: string;
}

/** The targets the sequential judge is held to (docs/analysis.md, "The simulation study"). */
export function studyTargets(results: readonly KindResult[]): Target[] {
  const of = (kind: string): KindResult => results.find((r) => r.kind === kind)!;
  const slow = summarize(of('slow'), 'sequential');
  const targets: Target[] = [
    {
      name: 'slow stopped at or before 20% weight',
      met: slow.atOrBefore20 === 1,
      figure: `${percent(slow.atOrBefore20)} of slow runs`,
    },
  ];
  for (const kind of ['healthy', 'noisy']) {
    const s = summarize(of(kind), 'sequential');
    targets.push({
      name: `false-fail rate on ${kind} at most 1%`,
      met: s.share <= 0.01,
      figure: `${s.detected} of ${of(kind).runs} (${percent(s.share)}; 95% interval up to ${percent(s.interval[1])})`,
    });
  }
  for (const result of results) {
    const share = noLaterShare(result);
    targets.push({
      name: `${result.kind}: no later than Mann-Whitney`,
      met: share === null || share === 1,
      figure:
        share === null ? 'Mann-Whitney stopped none' : `${percent(share)} of the runs Mann-Whitney stopped`,
    });
  }
  return targets;
}

export function plotInput(results: readonly KindResult[], options: StudyOptions): PlotInput {
  return {
    title: 'When each judge stopped the rollout (demo linear plan, 10% a minute)',
    subtitle: `${options.runs} canaries of each kind, ${options.rps} requests/s, seed ${options.seed}`,
    kinds: results.map((result) => ({
      kind: result.kind,
      label: result.label,
      methods: METHODS.map((method) => ({
        method,
        runs: result.runs,
        detections: result.detections[method].filter((d) => d !== null),
      })),
    })),
  };
}
