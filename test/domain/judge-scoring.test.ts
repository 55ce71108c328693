// The canary judge's scoring: Kayenta's WeightedSumScorer (group scores, weights, critical
// failures, the Nodata rule) and ThresholdScoreClassifier (Pass, Marginal, Fail), on plain data.

import { describe, expect, it } from 'vitest';
import type { MetricClassification, MetricResult } from '../../shared/domain/judge-classification.js';
import { scoreMetrics } from '../../shared/domain/judge-scoring.js';

function metric(
  name: string,
  classification: MetricClassification,
  extra: Partial<MetricResult> = {},
): MetricResult {
  const empty = { n: 0, mean: null, missing: 0, outliers: 0 };
  return {
    name,
    group: 'default',
    classification,
    reason: `${name} is ${classification}`,
    critical: false,
    u: null,
    pValue: null,
    method: null,
    interval: null,
    estimate: null,
    ratio: null,
    baseline: empty,
    canary: empty,
    ...extra,
  };
}

const thresholds = { pass: 95, marginal: 75 };

describe('scoreMetrics: group scores and the summary', () => {
  it('scores 100 and passes when every metric passes', () => {
    const result = scoreMetrics([metric('a', 'Pass'), metric('b', 'Pass')], { thresholds });
    expect(result).toMatchObject({ score: 100, classification: 'Pass', reason: 'score 100 reaches pass 95' });
  });

  it('scores a group as pass / (pass + high + low + nodataFail) × 100', () => {
    const result = scoreMetrics(
      [
        metric('a', 'Pass'),
        metric('b', 'High'),
        metric('c', 'Low'),
        metric('d', 'NodataFail'),
        metric('e', 'Pass'),
      ],
      { thresholds },
    );
    expect(result.groups).toEqual([
      {
        name: 'default',
        score: 40,
        weight: 100,
        counts: { Pass: 2, High: 1, Low: 1, Nodata: 0, NodataFail: 1 },
      },
    ]);
    expect(result.score).toBe(40);
  });

  it('leaves Nodata out of its group score', () => {
    const result = scoreMetrics(
      [metric('a', 'Pass'), metric('b', 'Pass'), metric('c', 'Nodata'), metric('d', 'High')],
      {
        thresholds,
      },
    );
    expect(result.score).toBeCloseTo(66.67, 10);
    expect(result.groups[0]!.counts.Nodata).toBe(1);
  });

  it('rounds the summary half up to two decimals, as Precision.round does', () => {
    const result = scoreMetrics([metric('a', 'Pass'), metric('b', 'Pass'), metric('c', 'High')], {
      thresholds,
    });
    expect(result.score).toBe(66.67);
  });

  it('weights groups by groupWeights', () => {
    const metrics = [
      metric('errors', 'Pass', { group: 'errors' }),
      metric('p50', 'Pass', { group: 'latency' }),
      metric('p99', 'High', { group: 'latency' }),
    ];
    const result = scoreMetrics(metrics, { thresholds, groupWeights: { errors: 60, latency: 40 } });
    expect(result.score).toBe(80); // 100 × 0.6 + 50 × 0.4
    expect(result.classification).toBe('Marginal');
    expect(result.groups.map((g) => [g.name, g.score, g.weight])).toEqual([
      ['errors', 100, 60],
      ['latency', 50, 40],
    ]);
  });

  it('weights groups equally when there are no groupWeights', () => {
    const metrics = [
      metric('errors', 'Pass', { group: 'errors' }),
      metric('p50', 'Pass', { group: 'latency' }),
      metric('p99', 'High', { group: 'latency' }),
    ];
    expect(scoreMetrics(metrics, { thresholds }).score).toBe(75); // (100 + 50) / 2
  });

  it('splits what the configured weights leave among the unweighted groups', () => {
    const metrics = [
      metric('a', 'Pass', { group: 'a' }),
      metric('b', 'High', { group: 'b' }),
      metric('c', 'Pass', { group: 'c' }),
    ];
    const result = scoreMetrics(metrics, { thresholds, groupWeights: { a: 50 } });
    expect(result.groups.map((g) => g.weight)).toEqual([50, 25, 25]);
    expect(result.score).toBe(75);
  });

  it('counts a group with only Nodata metrics as 100 in the summary', () => {
    const metrics = [
      metric('a', 'Nodata', { group: 'quiet' }),
      metric('b', 'Pass', { group: 'busy' }),
      metric('c', 'High', { group: 'busy' }),
    ];
    const result = scoreMetrics(metrics, { thresholds });
    expect(result.groups.find((g) => g.name === 'quiet')!.score).toBeNull();
    expect(result.score).toBe(75); // 100 × 0.5 + 50 × 0.5
  });
});

describe('scoreMetrics: failing the run outright', () => {
  it('scores 0 when a critical metric fails, whatever the others do', () => {
    const metrics = [
      metric('a', 'Pass'),
      metric('b', 'Pass'),
      metric('errors', 'High', { critical: true, reason: 'errors is High (critical metric)' }),
    ];
    const result = scoreMetrics(metrics, { thresholds });
    expect(result).toMatchObject({ score: 0, classification: 'Fail' });
    expect(result.reason).toBe('critical metric errors failed: errors is High (critical metric)');
    expect(result.groups[0]!.score).toBeCloseTo(66.67, 1); // group scores are still reported
  });

  it('scores 0 when 50% or more of the metrics are Nodata', () => {
    const half = scoreMetrics(
      [metric('a', 'Nodata'), metric('b', 'Nodata'), metric('c', 'Pass'), metric('d', 'Pass')],
      {
        thresholds,
      },
    );
    expect(half).toMatchObject({ score: 0, classification: 'Fail' });
    expect(half.reason).toBe('2 of 4 metrics had no data; 50% or more fails the run');
    const third = scoreMetrics([metric('a', 'Nodata'), metric('b', 'Pass'), metric('c', 'Pass')], {
      thresholds,
    });
    expect(third.score).toBe(100);
  });

  it('does not count NodataFail towards the Nodata rule', () => {
    const result = scoreMetrics([metric('a', 'NodataFail'), metric('b', 'NodataFail'), metric('c', 'Pass')], {
      thresholds,
    });
    expect(result.score).toBeCloseTo(33.33, 10);
  });

  it('fails a run with no metrics', () => {
    expect(scoreMetrics([], { thresholds })).toMatchObject({
      score: 0,
      classification: 'Fail',
      reason: 'there are no metrics to judge',
    });
  });
});

describe('thresholds', () => {
  const fourWith = (highs: number) =>
    Array.from({ length: 4 }, (_, i) => metric(`m${i}`, i < highs ? 'High' : 'Pass'));

  it('is Pass at or above pass, Marginal at or above marginal, Fail below', () => {
    expect(scoreMetrics(fourWith(1), { thresholds: { pass: 75, marginal: 50 } }).classification).toBe('Pass');
    expect(scoreMetrics(fourWith(1), { thresholds: { pass: 95, marginal: 75 } }).classification).toBe(
      'Marginal',
    );
    const fail = scoreMetrics(fourWith(2), { thresholds: { pass: 95, marginal: 75 } });
    expect(fail).toMatchObject({
      score: 50,
      classification: 'Fail',
      reason: 'score 50 is below marginal 75',
    });
  });

  it('explains a Marginal score', () => {
    expect(scoreMetrics(fourWith(1), { thresholds }).reason).toBe(
      'score 75 is below pass 95 but reaches marginal 75',
    );
  });
});
