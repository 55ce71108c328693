// The sequential judge over recorded evidence: when it fails, passes or waits, how it splits
// its false-fail rate, and that each metric's result explains itself.

import { describe, expect, it } from 'vitest';
import {
  judgeMinutes,
  judgeSequential,
  tallyEvidence,
  type MetricEvidence,
} from '../../shared/domain/sequential-judge.js';
import type { MetricRules } from '../../shared/domain/judge-classification.js';

const rule = (name: string, extra: Partial<MetricRules> = {}): MetricRules => ({
  name,
  direction: 'increase',
  allowedIncrease: 1.2,
  allowedDecrease: 0.9,
  critical: false,
  mustHaveData: false,
  outliers: 'keep',
  group: 'default',
  ...extra,
});

const counts = (name: string, rows: [number, number, number, number][]): MetricEvidence => ({
  name,
  kind: 'counts',
  events: '5xx answers',
  minutes: rows.map(([canaryEvents, canaryExposure, baselineEvents, baselineExposure], i) => ({
    at: i * 60_000,
    canaryEvents,
    canaryExposure,
    baselineEvents,
    baselineExposure,
  })),
});

describe('the sequential judge', () => {
  it('fails a canary whose errors are plainly higher, and says by which rule', () => {
    const result = judgeMinutes([counts('errors', [[30, 1000, 45, 9000]])], [rule('errors')]);
    expect(result.classification).toBe('Fail');
    const [metric] = result.metrics;
    expect(metric!.classification).toBe('High');
    expect(metric!.reason).toMatch(
      /^High: the e-value against "the canary's rate of 5xx answers is at most 1.2× the baseline's" is 10\^/,
    );
    expect(metric!.log10E.fail).toBeGreaterThanOrEqual(metric!.log10Threshold);
    expect(metric!.samples).toEqual({
      minutes: 1,
      canary: { events: 30, exposure: 1000 },
      baseline: { events: 45, exposure: 9000 },
    });
    expect(metric!.effect.measure).toBe('rate ratio');
    expect(metric!.effect.estimate).toBe(6);
    expect(metric!.effect.interval!.low).toBeGreaterThan(1.2);
  });

  it('waits while the evidence is thin, and passes once the canary is shown within bounds', () => {
    const thin = judgeMinutes([counts('errors', [[1, 100, 9, 900]])], [rule('errors')]);
    expect(thin.classification).toBe('Undecided');
    expect(thin.reason).toBe('no regression shown; not yet decided: errors');
    const rows = Array.from({ length: 40 }, () => [50, 5000, 50, 5000] as [number, number, number, number]);
    const plenty = judgeMinutes([counts('errors', rows)], [rule('errors')]);
    expect(plenty.classification).toBe('Pass');
    expect(plenty.metrics[0]!.log10E.pass).toBeGreaterThanOrEqual(plenty.metrics[0]!.log10Threshold);
  });

  it('splits the false-fail rate among the tests: three one-sided tests at α/3, either counts twice', () => {
    const rules = [rule('a'), rule('b'), rule('c', { direction: 'either' })];
    const result = judgeMinutes([], rules, { falseFailRate: 0.04 });
    for (const metric of result.metrics) expect(metric.log10Threshold).toBeCloseTo(Math.log10(100), 10);
  });

  it('the same counts that fail at α = 0.05 may wait at α = 1e-9', () => {
    const evidence = [counts('errors', [[20, 1000, 40, 9000]])];
    expect(judgeMinutes(evidence, [rule('errors')], { falseFailRate: 0.05 }).classification).toBe('Fail');
    expect(judgeMinutes(evidence, [rule('errors')], { falseFailRate: 1e-9 }).classification).toBe(
      'Undecided',
    );
  });

  it('judges a fall with direction decrease, and ignores it with increase', () => {
    const fell = [counts('throughput', [[5, 1000, 400, 9000]])];
    expect(
      judgeMinutes(fell, [rule('throughput', { direction: 'decrease' })]).metrics[0]!.classification,
    ).toBe('Low');
    expect(judgeMinutes(fell, [rule('throughput')]).classification).not.toBe('Fail');
  });

  it('fails a critical metric without data only at the last look', () => {
    const rules = [rule('errors', { critical: true })];
    expect(judgeMinutes([], rules).classification).toBe('Undecided');
    const last = judgeMinutes([], rules, { final: true });
    expect(last.classification).toBe('Fail');
    expect(last.metrics[0]!.reason).toBe('no data by the last look, and the metric is critical');
    expect(judgeMinutes([], [rule('errors')], { final: true }).classification).toBe('Undecided');
  });

  it('judges per-minute values with the sign test', () => {
    const minutes = Array.from({ length: 12 }, (_, i) => ({ at: i * 60_000, canary: 3, baseline: 1 }));
    const result = judgeMinutes([{ name: 'queue', kind: 'values', minutes }], [rule('queue')]);
    expect(result.classification).toBe('Fail');
    expect(result.metrics[0]!.samples).toEqual({ minutes: 12, worse: 12, better: 0, ties: 0 });
    expect(result.metrics[0]!.effect).toEqual({
      measure: 'share of minutes worse',
      estimate: 1,
      interval: null,
    });
  });
});

describe('what the judge keeps', () => {
  const minute = (i: number) => ({
    at: i * 60_000,
    canaryEvents: i % 3,
    canaryExposure: 100,
    baselineEvents: 9,
    baselineExposure: 900,
  });
  const evidence = (from: number, to: number): MetricEvidence[] => [
    {
      name: 'errors',
      kind: 'counts',
      events: '5xx answers',
      minutes: Array.from({ length: to - from }, (_, i) => minute(from + i)),
    },
  ];

  it('judges minutes added look by look as it judges them given at once', () => {
    const rules = [rule('errors')];
    let kept = tallyEvidence(evidence(0, 7), rules);
    kept = tallyEvidence(evidence(7, 20), rules, kept);
    const stepwise = judgeSequential(kept, rules);
    const atOnce = judgeMinutes(evidence(0, 20), rules);
    expect(stepwise.metrics[0]!.samples).toEqual(atOnce.metrics[0]!.samples);
    expect(stepwise.metrics[0]!.log10E).toEqual(atOnce.metrics[0]!.log10E);
    expect(stepwise.metrics[0]!.effect).toEqual(atOnce.metrics[0]!.effect);
  });

  it('keeps the same size after 10 minutes and after 2,880 (a 48-hour rollout)', () => {
    const rules = [rule('errors', { direction: 'either' })];
    const short = JSON.stringify(tallyEvidence(evidence(0, 10), rules)).length;
    const long = JSON.stringify(tallyEvidence(evidence(0, 2880), rules)).length;
    expect(long).toBeLessThan(short * 1.1);
    // Two likelihoods of 369 numbers: well inside a DynamoDB item's 400 KB.
    expect(long).toBeLessThan(20_000);
  });
});
