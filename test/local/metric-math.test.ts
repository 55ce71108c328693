// Metric math as the CloudWatch user guide describes it, including its worked examples of
// comparison operators and IF ("Using math expressions with CloudWatch metrics").

import { describe, expect, it } from 'vitest';
import {
  evaluateMetricMath,
  finalSeries,
  parseMetricMath,
  referencedIds,
  type LabeledSeries,
  type MathValue,
  type Values,
} from '../../local/aws/metric-math.js';
import { MetricMathError } from '../../local/errors.js';

const _ = undefined;

/** Evaluates `expression` with the given series (all of the same length) as metrics. */
function run(expression: string, metrics: Record<string, Values>, periodSeconds = 60): MathValue {
  const length = Math.max(0, ...Object.values(metrics).map((v) => v.length));
  return evaluateMetricMath(parseMetricMath(expression), {
    length,
    periodSeconds,
    resolve: (id) => (id in metrics ? { type: 'series', values: metrics[id]! } : undefined),
    metrics: (filter) =>
      Object.entries(metrics)
        .filter(([id]) => id.includes(filter))
        .map(([id, values]): LabeledSeries => ({ values, label: id })),
  });
}

const series = (expression: string, metrics: Record<string, Values>) => {
  const value = run(expression, metrics);
  if (value.type !== 'series') throw new Error(`${expression} gave a ${value.type}`);
  return value.values;
};

const scalar = (expression: string, metrics: Record<string, Values> = {}) => {
  const value = run(expression, metrics);
  if (value.type !== 'scalar') throw new Error(`${expression} gave a ${value.type}`);
  return value.value;
};

describe('arithmetic', () => {
  it('follows precedence, parentheses and unary minus', () => {
    expect(scalar('1 + 2 * 3')).toBe(7);
    expect(scalar('(1 + 2) * 3')).toBe(9);
    expect(scalar('-2 * -3')).toBe(6);
    expect(scalar('2 ^ 3 ^ 2')).toBe(512);
    expect(scalar('10 / 4 - 1.5e0')).toBe(1);
  });

  it('computes an error rate per period: 100 * m1 / m2, a missing numerator counting as 0', () => {
    const m1 = [5, _, 1, _];
    const m2 = [100, 50, 0, _];
    // 1/0 is dropped; both missing gives no datapoint.
    expect(series('100 * m1 / m2', { m1, m2 })).toEqual([5, 0, _, _]);
  });

  it('keeps only the series’ own timestamps with a scalar', () => {
    expect(series('m1 * 2 + 1', { m1: [1, _, 3] })).toEqual([3, _, 7]);
  });

  it('drops a datapoint on division by zero', () => {
    expect(series('m1 / m2', { m1: [1, 2], m2: [0, 4] })).toEqual([_, 0.5]);
    expect(scalar('1 / 0')).toBeUndefined();
  });
});

describe('comparison and logical operators (the guide’s example)', () => {
  const metric1 = [30, 20, 0, 0];
  const metric2 = [20, _, 20, _];
  it('(metric1 < metric2) is 0, 0, 1, 0', () => {
    expect(series('(metric1 < metric2)', { metric1, metric2 })).toEqual([0, 0, 1, 0]);
  });
  it('(metric1 >= 30) is 1, 0, 0, 0', () => {
    expect(series('(metric1 >= 30)', { metric1, metric2 })).toEqual([1, 0, 0, 0]);
  });
  it('(metric1 > 15 AND metric2 > 15) is 1, 0, 0, 0 where metric2 exists', () => {
    expect(series('(metric1 > 15 AND metric2 > 15)', { metric1, metric2 })).toEqual([1, 0, 0, 0]);
    expect(series('metric1 > 25 || metric1 == 0', { metric1 })).toEqual([1, 0, 1, 1]);
  });
});

describe('functions', () => {
  it('SUM, AVG, MIN, MAX of a list give a series; of one series, a scalar', () => {
    const metrics = { m1: [1, 2, _], m2: [3, _, _] };
    expect(series('SUM([m1, m2])', metrics)).toEqual([4, 2, _]);
    expect(series('AVG([m1, m2])', metrics)).toEqual([2, 1, _]); // the missing m2 counts as 0
    expect(series('MAX([m1, m2])', metrics)).toEqual([3, 2, _]);
    expect(series('MIN([m1, m2])', metrics)).toEqual([1, 2, _]);
    expect(scalar('SUM(m1)', metrics)).toBe(3);
    expect(scalar('AVG(m1)', metrics)).toBe(1.5);
    expect(series('m1 - AVG(m1)', metrics)).toEqual([-0.5, 0.5, _]);
  });

  it('SUM(METRICS()) and METRICS("filter") cover the request’s metrics', () => {
    const metrics = { errors4xx: [1, 2], errors5xx: [3, _], requests: [100, 100] };
    expect(series('SUM(METRICS("errors"))', metrics)).toEqual([4, 2]);
    expect(series('SUM(METRICS())', metrics)).toEqual([104, 102]);
    const scaled = run('METRICS("5xx") * 10', metrics);
    expect(scaled).toEqual({ type: 'array', items: [{ label: 'errors5xx', values: [30, _] }] });
  });

  it('ABS, CEIL, FLOOR apply to each datapoint', () => {
    expect(series('ABS(m1)', { m1: [-1.5, _, 2] })).toEqual([1.5, _, 2]);
    expect(series('CEIL(m1)', { m1: [1.2, -1.2] })).toEqual([2, -1]);
    expect(series('FLOOR(m1)', { m1: [1.8, -1.2] })).toEqual([1, -2]);
  });

  it('FILL fills missing datapoints with a number, a series, REPEAT or LINEAR', () => {
    const m1 = [_, 2, _, _, 8, _];
    expect(series('FILL(m1, 0)', { m1 })).toEqual([0, 2, 0, 0, 8, 0]);
    expect(series('FILL(m1, m2)', { m1, m2: [9, 9, 9, _, 9, 9] })).toEqual([9, 2, 9, _, 8, 9]);
    expect(series('FILL(m1, REPEAT)', { m1 })).toEqual([2, 2, 2, 2, 8, 8]);
    expect(series('FILL(m1, LINEAR)', { m1 })).toEqual([2, 2, 4, 6, 8, 8]);
  });

  it('IF(metric1, metric2, metric3) matches the guide’s table', () => {
    const metrics = { metric1: [1, 1, 0, 0, _], metric2: [30, _, 0, 0, 30], metric3: [0, 0, 20, _, 20] };
    expect(series('IF(metric1, metric2, metric3)', metrics)).toEqual([30, 0, 20, _, _]);
    expect(series('IF(metric1, 5, metric3)', metrics)).toEqual([5, 5, 20, _, _]);
    expect(series('IF(metric1, metric2, 5)', metrics)).toEqual([30, 0, 5, 5, _]);
    expect(series('IF(metric1 > 0, metric2)', metrics)).toEqual([30, 0, _, _, _]);
  });

  it('TIME_SERIES, PERIOD, DATAPOINT_COUNT and METRIC_COUNT', () => {
    expect(series('TIME_SERIES(7)', { m1: [1, _, _] })).toEqual([7, 7, 7]);
    expect(series('m1 / PERIOD(m1)', { m1: [120, _] })).toEqual([2, _]);
    expect(scalar('DATAPOINT_COUNT(m1)', { m1: [1, _, 3] })).toBe(2);
    expect(series('m1 / METRIC_COUNT(METRICS())', { m1: [4, 8], m2: [0, 0] })).toEqual([2, 4]);
  });
});

describe('errors', () => {
  it('names an unknown function', () => {
    expect(() => parseMetricMath('FOO(m1)')).toThrow(MetricMathError);
    expect(() => parseMetricMath('FOO(m1)')).toThrow(/Unknown function FOO/);
  });

  it('says when a real CloudWatch function is not simulated', () => {
    expect(() => parseMetricMath('ANOMALY_DETECTION_BAND(m1, 2)')).toThrow(
      /ANOMALY_DETECTION_BAND is not supported by the local cloud/,
    );
  });

  it('is a ValidationError, as AWS answers', () => {
    try {
      parseMetricMath('m1 +');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).name).toBe('ValidationError');
    }
  });

  it('rejects syntax errors with the position', () => {
    expect(() => parseMetricMath('(m1 + m2')).toThrow(/Expected '\)'/);
    expect(() => parseMetricMath('m1 $ m2')).toThrow(/Unexpected character '\$' at position 4/);
    expect(() => parseMetricMath('M1 + 1')).toThrow(/ids start with a lowercase letter/);
  });

  it('rejects an unknown id while evaluating and checks argument counts', () => {
    expect(() => run('m1 + m9', { m1: [1] })).toThrow(/Unknown id m9/);
    expect(() => run('FILL(m1)', { m1: [1] })).toThrow(/FILL takes 2 arguments/);
  });

  it('refuses a scalar as the final result', () => {
    expect(() => finalSeries(run('SUM(m1)', { m1: [1] }), 'e1')).toThrow(/single number, not a time series/);
    expect(finalSeries(run('m1 * 2', { m1: [1] }), 'e1')).toEqual([{ values: [2], label: '' }]);
  });
});

it('lists the ids an expression refers to', () => {
  expect(referencedIds(parseMetricMath('100 * errors / FILL(requests, 1) + errors'))).toEqual([
    'errors',
    'requests',
  ]);
});
