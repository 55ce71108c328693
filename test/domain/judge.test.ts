// The canary judge over a run's series: every metric classified (judge-classification.test.ts)
// and the run scored (judge-scoring.test.ts), for the final and the interim judgement.

import { describe, expect, it } from 'vitest';
import { analysisSchema } from '../../shared/domain/catalog-schema.js';
import type { AnalysisSettings } from '../../shared/domain/judge-scoring.js';
import { judge, judgeInterim } from '../../shared/domain/judge.js';

const ERRORS = [0.01, 0.012, 0.009, 0.011, 0.01, 0.013, 0.008, 0.01, 0.011, 0.009, 0.012, 0.01];
const doubled = ERRORS.map((v) => v * 2);

describe('judge and judgeInterim over series', () => {
  const analysis: AnalysisSettings = analysisSchema.parse({
    enabled: true,
    thresholds: { pass: 95, marginal: 60 },
    groupWeights: { errors: 50, latency: 50 },
    metrics: [
      { name: 'error-rate', source: { builtin: 'error-rate' }, group: 'errors' },
      { name: 'latency-p50', source: { builtin: 'latency-p50' }, group: 'latency' },
      { name: 'latency-p99', source: { builtin: 'latency-p99' }, group: 'latency', mustHaveData: true },
    ],
  });
  const latency = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98];
  const baseline = [
    { name: 'error-rate', values: ERRORS },
    { name: 'latency-p50', values: latency },
    { name: 'latency-p99', values: latency.map((v) => v * 3) },
  ];

  it("takes the catalog's analysis settings as they are, and passes a healthy canary", () => {
    const result = judge({ baseline, canary: baseline }, analysis);
    expect(result.classification).toBe('Pass');
    expect(result.score).toBe(100);
    expect(result.metrics.map((m) => m.name)).toEqual(['error-rate', 'latency-p50', 'latency-p99']);
  });

  it('scores each group and weighs them: a latency regression costs half the latency group', () => {
    const canary = [
      { name: 'error-rate', values: ERRORS },
      { name: 'latency-p50', values: latency },
      { name: 'latency-p99', values: latency.map((v) => v * 6) },
    ];
    const result = judge({ baseline, canary }, analysis);
    expect(result.metrics.map((m) => m.classification)).toEqual(['Pass', 'Pass', 'High']);
    expect(result.score).toBe(75);
    expect(result.classification).toBe('Marginal');
  });

  it('treats a configured metric with no series as no data', () => {
    const canary = baseline.filter((s) => s.name !== 'latency-p99');
    const result = judge({ baseline, canary }, analysis);
    expect(result.metrics[2]).toMatchObject({ name: 'latency-p99', classification: 'NodataFail' });
    expect(result.score).toBe(75);
  });

  it('refuses a series that no metric names, or two series of one name', () => {
    expect(() =>
      judge({ baseline: [...baseline, { name: 'cpu', values: [1] }], canary: baseline }, analysis),
    ).toThrow(
      'the baseline has a series "cpu" that no analysis metric names (metrics: error-rate, latency-p50, latency-p99)',
    );
    expect(() => judge({ baseline, canary: [...baseline, baseline[0]!] }, analysis)).toThrow(
      'the canary has two series named "error-rate"',
    );
  });

  it('lets an interim run go on while the score is above marginal, even when it is Marginal', () => {
    const canary = [
      { name: 'error-rate', values: ERRORS },
      { name: 'latency-p50', values: latency },
      { name: 'latency-p99', values: latency.map((v) => v * 6) },
    ];
    const interim = judgeInterim({ baseline, canary }, analysis);
    expect(interim).toMatchObject({ score: 75, classification: 'Marginal', proceed: true });
    expect(interim.reason).toContain('interim score 75 is above marginal 60, so the rollout continues');
    // The same score at the end is not a Pass: the final judgement needs `pass`.
    expect(judge({ baseline, canary }, analysis).classification).not.toBe('Pass');
  });

  it('stops an interim run at a score equal to marginal (Kayenta: canaryScore <= marginal stops)', () => {
    const atMarginal = { ...analysis, thresholds: { pass: 95, marginal: 75 } };
    const canary = [
      { name: 'error-rate', values: ERRORS },
      { name: 'latency-p50', values: latency },
      { name: 'latency-p99', values: latency.map((v) => v * 6) },
    ];
    const interim = judgeInterim({ baseline, canary }, atMarginal);
    expect(interim).toMatchObject({ score: 75, classification: 'Marginal', proceed: false });
    expect(interim.reason).toContain('is not above marginal 75, so the rollout stops');
  });

  it('stops an interim run on a critical failure', () => {
    const critical = {
      ...analysis,
      metrics: analysis.metrics!.map((m) => (m.name === 'error-rate' ? { ...m, critical: true } : m)),
    };
    const canary = [{ name: 'error-rate', values: doubled }, ...baseline.slice(1)];
    const interim = judgeInterim({ baseline, canary }, critical);
    expect(interim).toMatchObject({ score: 0, classification: 'Fail', proceed: false });
    expect(interim.reason).toMatch(/^critical metric error-rate failed: error-rate is High/);
  });
});
