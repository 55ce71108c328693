// Invariants of CloudWatch's alarm evaluation over arbitrary evaluation ranges.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  breaches,
  COMPARISON_OPERATORS,
  evaluateAlarm,
  evaluationRangeLength,
  TREAT_MISSING_DATA,
  type AlarmRule,
  type AlarmState,
  type Datapoint,
} from '../../local/aws/alarm-evaluation.js';

const START = Date.parse('2026-01-01T00:00:00Z');
const NOW = START + 3_600_000;

const ruleArb = fc
  .record({
    n: fc.integer({ min: 1, max: 6 }),
    mFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    comparisonOperator: fc.constantFrom(...COMPARISON_OPERATORS),
    threshold: fc.integer({ min: -5, max: 5 }),
    treatMissingData: fc.constantFrom(...TREAT_MISSING_DATA),
  })
  .map(({ n, mFraction, ...rest }): AlarmRule => ({
    periodSeconds: 60,
    evaluationPeriods: n,
    datapointsToAlarm: Math.max(1, Math.ceil(mFraction * n)),
    ...rest,
  }));

const stateArb = fc.constantFrom<AlarmState>('OK', 'ALARM', 'INSUFFICIENT_DATA');

/** A rule and its evaluation range (N + 2 periods), each period missing or a small value. */
const caseArb = ruleArb.chain((rule) =>
  fc
    .array(fc.option(fc.integer({ min: -10, max: 10 }), { nil: undefined }), {
      minLength: evaluationRangeLength(rule.evaluationPeriods),
      maxLength: evaluationRangeLength(rule.evaluationPeriods),
    })
    .map((values) => ({
      rule,
      range: values.map((value, i): Datapoint => ({
        timestamp: START + i * 60_000,
        ...(value === undefined ? {} : { value }),
      })),
    })),
);

const real = (range: Datapoint[]) => range.filter((p) => p.value !== undefined);

describe('alarm evaluation invariants', () => {
  it('with notBreaching, a range of missing datapoints only never alarms (it is OK)', () => {
    fc.assert(
      fc.property(ruleArb, stateArb, (rule, current) => {
        const range = Array.from({ length: evaluationRangeLength(rule.evaluationPeriods) }, (_, i) => ({
          timestamp: START + i * 60_000,
        }));
        const result = evaluateAlarm({ ...rule, treatMissingData: 'notBreaching' }, current, range, NOW);
        expect(result.state).toBe('OK');
      }),
    );
  });

  it('ALARM needs at least M breaching datapoints among the N evaluated (missing ones counted only when treated as breaching), except the documented premature-transition case of `missing`', () => {
    fc.assert(
      fc.property(caseArb, stateArb, ({ rule, range }, current) => {
        const result = evaluateAlarm(rule, current, range, NOW);
        if (result.state !== 'ALARM' || result.retained) return;
        const evaluated = real(range).slice(-rule.evaluationPeriods);
        const breaching = evaluated.filter((p) =>
          breaches(rule.comparisonOperator, p.value!, rule.threshold),
        ).length;
        const filled = rule.evaluationPeriods - evaluated.length;
        const counted = breaching + (rule.treatMissingData === 'breaching' ? filled : 0);
        if (counted >= rule.datapointsToAlarm) return;
        // [K]: all existing datapoints breach and the oldest is at least M periods old.
        expect(rule.treatMissingData).toBe('missing');
        expect(breaching).toBe(evaluated.length);
        const oldest = range.findIndex((p) => p.value !== undefined);
        expect(range.length - oldest).toBeGreaterThanOrEqual(rule.datapointsToAlarm);
      }),
    );
  });

  it('with at least N real datapoints in the range, TreatMissingData does not matter', () => {
    fc.assert(
      fc.property(caseArb, stateArb, ({ rule, range }, current) => {
        fc.pre(real(range).length >= rule.evaluationPeriods);
        const states = TREAT_MISSING_DATA.map(
          (treatMissingData) => evaluateAlarm({ ...rule, treatMissingData }, current, range, NOW).state,
        );
        expect(new Set(states).size).toBe(1);
      }),
    );
  });

  it('only `missing` leads to INSUFFICIENT_DATA, and `ignore` otherwise keeps the current state or decides OK/ALARM', () => {
    fc.assert(
      fc.property(caseArb, stateArb, ({ rule, range }, current) => {
        const result = evaluateAlarm(rule, current, range, NOW);
        if (result.state === 'INSUFFICIENT_DATA') {
          expect(
            rule.treatMissingData === 'missing' || (result.retained && current === 'INSUFFICIENT_DATA'),
          ).toBe(true);
        }
        if (result.retained) {
          expect(rule.treatMissingData).toBe('ignore');
          expect(result.state).toBe(current);
        }
      }),
    );
  });

  it('the result never depends on the current state, except when `ignore` retains it', () => {
    fc.assert(
      fc.property(caseArb, ({ rule, range }) => {
        const results = (['OK', 'ALARM', 'INSUFFICIENT_DATA'] as const).map((s) =>
          evaluateAlarm(rule, s, range, NOW),
        );
        if (results.some((r) => r.retained)) return;
        expect(new Set(results.map((r) => r.state)).size).toBe(1);
      }),
    );
  });

  it('making a datapoint breach never turns ALARM into OK (monotonic in breaches)', () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), stateArb, ({ rule, range }, index, current) => {
        const i = index % range.length;
        fc.pre(range[i]!.value !== undefined);
        const worse = range.map((p, j) =>
          j === i ? { ...p, value: rule.comparisonOperator.startsWith('Greater') ? 1000 : -1000 } : p,
        );
        const before = evaluateAlarm(rule, current, range, NOW);
        const after = evaluateAlarm(rule, current, worse, NOW);
        if (before.state === 'ALARM') expect(after.state).toBe('ALARM');
      }),
    );
  });

  it('every non-retained ALARM or OK reason starts with "Threshold Crossed" and names the threshold', () => {
    fc.assert(
      fc.property(caseArb, stateArb, ({ rule, range }, current) => {
        const result = evaluateAlarm(rule, current, range, NOW);
        if (result.retained || result.state === 'INSUFFICIENT_DATA') return;
        expect(result.reason.startsWith('Threshold Crossed: ')).toBe(true);
        if (real(range).length > 0) expect(result.reason).toContain('the threshold (');
      }),
    );
  });
});
