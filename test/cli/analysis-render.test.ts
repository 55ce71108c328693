// What `cutover analysis` prints for a deployment's looks: a sequential look with each metric's
// account, a Mann-Whitney look with its score, and none.

import { describe, expect, it } from 'vitest';
import { renderAnalyses } from '../../cli/render/analysis.js';
import { analysisView } from '../../shared/api/deployment-history.js';
import type { AnalysisRecord } from '../../shared/domain/deployment.js';
import { judgeMinutes } from '../../shared/domain/sequential-judge.js';

const at = Date.parse('2026-12-07T10:05:00Z');
const rule = {
  name: 'latency-p99',
  direction: 'increase' as const,
  allowedIncrease: 1.2,
  allowedDecrease: 0.9,
  critical: false,
  mustHaveData: false,
  outliers: 'keep' as const,
  group: 'default',
};

/** A look as the API shows it: an interim sequential one that went on, with `change` made to it. */
function look(change: Partial<AnalysisRecord>) {
  return analysisView({
    at,
    step: 0,
    final: false,
    method: 'sequential',
    classification: 'Undecided',
    score: 100,
    verdict: 'continue',
    reason: 'interim sequential analysis: …',
    failedMetrics: [],
    window: null,
    ...change,
  });
}

describe('cutover analysis', () => {
  it('prints every metric of a sequential look with its samples, effect, e-values and rule', () => {
    const result = judgeMinutes(
      [
        {
          name: 'latency-p99',
          kind: 'counts',
          events: 'requests slower than 0.25 s',
          minutes: [{ at, canaryEvents: 40, canaryExposure: 100, baselineEvents: 9, baselineExposure: 900 }],
        },
      ],
      [rule],
    );
    const minutes = { start: at - 120_000, end: at - 60_000 };
    const failed = look({
      classification: result.classification,
      score: 0,
      verdict: 'roll back',
      failedMetrics: ['latency-p99'],
      window: { baseline: minutes, canary: minutes },
      metrics: result.metrics,
    });
    const lines = renderAnalyses('web-1', [failed]);
    expect(lines[0]).toBe('web-1: 1 look of canary analysis');
    expect(lines[2]).toBe(
      'look 1 at 10:05:00 (sequential, interim, after step 1; minutes 10:03:00–10:04:00): Fail → roll back',
    );
    expect(lines[3]).toBe('  latency-p99  High');
    expect(lines[4]).toBe('    samples   1 min; canary 40 of 100, baseline 9 of 900');
    expect(lines[5]).toMatch(/^ {4}effect {4}rate ratio 40, interval \[\d+(\.\d+)?, \d+(\.\d+)?\]$/);
    expect(lines[6]).toMatch(
      /^ {4}e-values {2}10\^\d+\.\d+ against the allowed bound, 10\^-?\d+(\.\d+)? against a breach; either decides at 10\^2\.00$/,
    );
    expect(lines[7]).toMatch(
      /^ {4}rule {6}High: the e-value against "the canary's rate of requests slower than 0\.25 s/,
    );
  });

  it('prints a Mann-Whitney look with its score and reason, and says when there is none', () => {
    const marginal = look({
      method: undefined,
      step: 4,
      final: true,
      classification: 'Marginal',
      score: 50,
      verdict: 'pause',
      reason: 'final analysis: score 50',
      failedMetrics: ['latency-p50'],
    });
    expect(renderAnalyses('web-2', [marginal]).slice(2)).toEqual([
      'look 1 at 10:05:00 (mann-whitney, final, after step 5; no minutes yet): Marginal → pause',
      '  score 50; failing: latency-p50',
      '  final analysis: score 50',
    ]);
    expect(renderAnalyses('web-3', [])).toEqual(['web-3: no canary analysis yet']);
  });

  it('prints an earlier sequential look by its brief: each metric’s decision and evidence', () => {
    const earlier = look({
      step: 1,
      brief: [
        {
          name: 'errors',
          classification: 'Undecided',
          log10E: { fail: 0.5, pass: -0.25 },
          log10Threshold: 2.3,
        },
      ],
    });
    expect(renderAnalyses('web-4', [earlier]).slice(2)).toEqual([
      'look 1 at 10:05:00 (sequential, interim, after step 2; no minutes yet): Undecided → continue',
      '  errors  Undecided: evidence 10^0.5 against the allowed bound, 10^-0.25 against a breach; either decides at 10^2.30',
    ]);
  });
});
