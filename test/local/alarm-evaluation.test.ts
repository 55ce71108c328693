// CloudWatch's alarm evaluation rules, checked against the examples AWS documents in
// "Configuring how CloudWatch alarms treat missing data" (both tables) and the reason wording of
// "Alarm events and EventBridge".

import { describe, expect, it } from 'vitest';
import {
  breaches,
  evaluateAlarm,
  evaluationRangeLength,
  javaDouble,
  javaJson,
  reasonDate,
  type AlarmRule,
  type AlarmState,
  type Datapoint,
  type TreatMissingData,
} from '../../local/aws/alarm-evaluation.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const MINUTE = 60_000;
const NOW = START + 5 * MINUTE + 1_000;

function rule(
  m: number,
  n: number,
  treatMissingData: TreatMissingData,
  overrides: Partial<AlarmRule> = {},
): AlarmRule {
  return {
    periodSeconds: 60,
    evaluationPeriods: n,
    datapointsToAlarm: m,
    comparisonOperator: 'GreaterThanThreshold',
    threshold: 5,
    treatMissingData,
    ...overrides,
  };
}

/** `0 - X - X` as in AWS's tables: 0 not breaching, X breaching, - missing; oldest first. */
function range(pattern: string): Datapoint[] {
  return pattern
    .split(' ')
    .filter((c) => c !== '')
    .map((c, i) => ({
      timestamp: START + i * MINUTE,
      ...(c === '-' ? {} : { value: c === 'X' ? 10 : 1 }),
    }));
}

const RETAIN = 'retain';
type Expected = AlarmState | typeof RETAIN;

// Columns: MISSING, IGNORE, BREACHING, NOT BREACHING.
const threeOfThree: Array<[string, Expected, Expected, Expected, Expected]> = [
  ['0 - X - X', 'OK', 'OK', 'OK', 'OK'],
  ['0 - - - -', 'OK', 'OK', 'OK', 'OK'],
  ['- - - - -', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
  ['0 X X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['- - - - X', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
  ['X - - - -', 'ALARM', RETAIN, 'ALARM', 'OK'],
];

const twoOfThree: Array<[string, Expected, Expected, Expected, Expected]> = [
  ['0 - X - X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 0 X 0 X', 'ALARM', 'ALARM', 'ALARM', 'ALARM'],
  ['0 - X - -', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - 0', 'OK', 'OK', 'ALARM', 'OK'],
  ['- - - - X', 'INSUFFICIENT_DATA', RETAIN, 'ALARM', 'OK'],
];

const TREATMENTS: TreatMissingData[] = ['missing', 'ignore', 'breaching', 'notBreaching'];

function check(m: number, n: number, pattern: string, treatment: TreatMissingData, expected: Expected) {
  // Retaining is visible only as "the state did not change": try it from two different states.
  for (const current of ['OK', 'ALARM'] as const) {
    const result = evaluateAlarm(rule(m, n, treatment), current, range(pattern), NOW);
    expect(result.state, `${pattern} ${treatment} from ${current}`).toBe(
      expected === RETAIN ? current : expected,
    );
    expect(result.retained).toBe(expected === RETAIN);
  }
}

describe('the documented examples of missing data (evaluation range of 5 for N = 3)', () => {
  it('asks for N + 2 periods, as the examples do', () => {
    expect(evaluationRangeLength(3)).toBe(5);
  });

  describe.each(threeOfThree)('3 out of 3, datapoints %s', (pattern, ...expected) => {
    it.each(TREATMENTS.map((t, i) => [t, expected[i]!] as const))('treated as %s: %s', (treatment, state) => {
      check(3, 3, pattern, treatment, state);
    });
  });

  describe.each(twoOfThree)('2 out of 3, datapoints %s', (pattern, ...expected) => {
    it.each(TREATMENTS.map((t, i) => [t, expected[i]!] as const))('treated as %s: %s', (treatment, state) => {
      check(2, 3, pattern, treatment, state);
    });
  });
});

describe('comparison operators', () => {
  it('compares with the threshold as each operator says, equality included or not', () => {
    expect(breaches('GreaterThanThreshold', 5, 5)).toBe(false);
    expect(breaches('GreaterThanOrEqualToThreshold', 5, 5)).toBe(true);
    expect(breaches('LessThanThreshold', 5, 5)).toBe(false);
    expect(breaches('LessThanOrEqualToThreshold', 5, 5)).toBe(true);
    expect(breaches('LessThanThreshold', 4.9, 5)).toBe(true);
    expect(breaches('GreaterThanThreshold', 5.1, 5)).toBe(true);
  });

  it('goes to ALARM on low values for LessThanThreshold', () => {
    const points = [1, 2, 3].map((value, i) => ({ timestamp: START + i * MINUTE, value }));
    const result = evaluateAlarm(
      rule(3, 3, 'missing', { comparisonOperator: 'LessThanThreshold' }),
      'OK',
      points,
      NOW,
    );
    expect(result.state).toBe('ALARM');
    expect(result.reason).toContain('were less than the threshold (5.0)');
  });
});

describe('reasons, worded like AWS', () => {
  it('names the breaching datapoints, newest first, for OK -> ALARM', () => {
    const points = [
      { timestamp: START + 1 * MINUTE, value: 6 },
      { timestamp: START + 2 * MINUTE, value: 7.2 },
      { timestamp: START + 3 * MINUTE, value: 1 },
    ];
    const result = evaluateAlarm(rule(2, 3, 'missing'), 'OK', points, NOW);
    expect(result.state).toBe('ALARM');
    expect(result.reason).toBe(
      'Threshold Crossed: 2 out of the last 3 datapoints [7.2 (01/01/26 00:02:00), 6.0 (01/01/26 00:01:00)] ' +
        'were greater than the threshold (5.0) (minimum 2 datapoints for OK -> ALARM transition).',
    );
  });

  it('names the good datapoints for ALARM -> OK, with the minimum N - M + 1', () => {
    const points = [{ timestamp: START + 4 * MINUTE, value: 0.0666851903306472 }];
    const result = evaluateAlarm(rule(1, 1, 'missing', { threshold: 50 }), 'ALARM', points, NOW);
    expect(result.reason).toBe(
      'Threshold Crossed: 1 out of the last 1 datapoints [0.0666851903306472 (01/01/26 00:04:00)] ' +
        'was not greater than the threshold (50.0) (minimum 1 datapoint for ALARM -> OK transition).',
    );
  });

  it('says when every datapoint was missing and filled in', () => {
    const result = evaluateAlarm(rule(3, 3, 'breaching'), 'OK', range('- - - - -'), NOW);
    expect(result.reason).toBe(
      'Threshold Crossed: no datapoints were received for 3 periods and 3 missing datapoints were treated as [Breaching].',
    );
    const ok = evaluateAlarm(rule(1, 1, 'notBreaching'), 'ALARM', range('- - -'), NOW);
    expect(ok.reason).toBe(
      'Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was treated as [NonBreaching].',
    );
  });

  it('says how many datapoints were unknown for INSUFFICIENT_DATA', () => {
    const result = evaluateAlarm(rule(2, 3, 'missing'), 'OK', range('- - - - X'), NOW);
    expect(result.reason).toBe('Insufficient Data: 2 datapoints were unknown.');
  });

  it('fills in reasonData like AWS: query date, start date, statistic, period, recent datapoints, threshold', () => {
    const points = [
      { timestamp: START + 3 * MINUTE, value: 20000, sampleCount: 4 },
      { timestamp: START + 4 * MINUTE, value: 20000, sampleCount: 5 },
    ];
    const result = evaluateAlarm(
      rule(2, 2, 'missing', { threshold: 0, statistic: 'Sum' }),
      'OK',
      points,
      NOW,
    );
    expect(javaJson(result.reasonData)).toBe(
      '{"version":"1.0","queryDate":"2026-01-01T00:05:01.000+0000","startDate":"2026-01-01T00:03:00.000+0000",' +
        '"statistic":"Sum","period":60,"recentDatapoints":[20000.0,20000.0],"threshold":0.0,' +
        '"evaluatedDatapoints":[{"timestamp":"2026-01-01T00:04:00.000+0000","sampleCount":5.0,"value":20000.0},' +
        '{"timestamp":"2026-01-01T00:03:00.000+0000","sampleCount":4.0,"value":20000.0}]}',
    );
  });
});

describe('number and date formats', () => {
  it('writes doubles as Java does', () => {
    expect(javaDouble(50)).toBe('50.0');
    expect(javaDouble(7.2)).toBe('7.2');
    expect(javaDouble(0)).toBe('0.0');
    expect(javaDouble(-3)).toBe('-3.0');
    expect(javaDouble(45628)).toBe('45628.0');
    expect(javaDouble(1e7)).toBe('1.0E7');
    expect(javaDouble(12345678.9)).toBe('1.23456789E7');
    expect(javaDouble(0.00025)).toBe('2.5E-4');
    expect(javaDouble(0.001)).toBe('0.001');
  });

  it('writes reason dates as dd/MM/yy HH:mm:ss in UTC', () => {
    expect(reasonDate(Date.parse('2019-10-02T16:59:00Z'))).toBe('02/10/19 16:59:00');
  });
});
