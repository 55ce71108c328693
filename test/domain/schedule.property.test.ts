import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_SCHEDULE_SECONDS, buildSchedule, scheduleProblems } from '../../shared/domain/schedule.js';
import type { ScheduleSpec, TrafficStep } from '../../shared/domain/schedule.js';

const linearSpec = fc.record({
  type: fc.constant('linear' as const),
  percentage: fc.integer({ min: 1, max: 99 }),
  intervalSeconds: fc.integer({ min: 0, max: 3600 }),
});

const canarySpec = fc
  .uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 8 })
  .chain((weights) =>
    fc.record({
      type: fc.constant('canary' as const),
      steps: fc.tuple(
        ...[...weights]
          .sort((a, b) => a - b)
          .map((weight) =>
            fc.record({ weight: fc.constant(weight), bakeSeconds: fc.integer({ min: 0, max: 3600 }) }),
          ),
      ),
    }),
  )
  .map((spec) => ({ ...spec, steps: [...spec.steps, { weight: 100 }] }));

const anySpec: fc.Arbitrary<ScheduleSpec> = fc.oneof(
  fc.constant({ type: 'all-at-once' as const }),
  linearSpec.filter((s) => scheduleProblems(s).length === 0),
  canarySpec.filter((s) => scheduleProblems(s).length === 0),
);

function isMonotonic(steps: TrafficStep[]): boolean {
  return steps.every(
    (step, i) => i === 0 || (step.weight > steps[i - 1]!.weight && step.atSeconds >= steps[i - 1]!.atSeconds),
  );
}

describe('any valid schedule', () => {
  it('rises strictly in weight, never goes back in time, and ends at 100 with no bake', () => {
    fc.assert(
      fc.property(anySpec, (spec) => {
        const steps = buildSchedule(spec);
        expect(steps.length).toBeGreaterThan(0);
        expect(isMonotonic(steps)).toBe(true);
        expect(steps.at(-1)).toMatchObject({ weight: 100, bakeSeconds: 0 });
        expect(steps.every((s) => s.weight >= 1 && s.weight <= 100 && Number.isInteger(s.weight))).toBe(true);
      }),
    );
  });

  it('starts at 0 s and each step starts when the previous bake ends', () => {
    fc.assert(
      fc.property(anySpec, (spec) => {
        const steps = buildSchedule(spec);
        expect(steps[0]!.atSeconds).toBe(0);
        steps.slice(1).forEach((step, i) => {
          expect(step.atSeconds).toBe(steps[i]!.atSeconds + steps[i]!.bakeSeconds);
        });
        expect(steps.at(-1)!.atSeconds).toBeLessThanOrEqual(MAX_SCHEDULE_SECONDS);
      }),
    );
  });

  it('linear steps are multiples of the percentage, except the final 100', () => {
    fc.assert(
      fc.property(
        linearSpec.filter((s) => scheduleProblems(s).length === 0),
        (spec) => {
          const steps = buildSchedule(spec);
          steps.slice(0, -1).forEach((s, i) => expect(s.weight).toBe(spec.percentage * (i + 1)));
          expect(steps.length).toBe(Math.ceil(100 / spec.percentage));
        },
      ),
    );
  });
});

describe('any linear spec', () => {
  it('is valid exactly when it reaches 100% within the maximum', () => {
    fc.assert(
      fc.property(linearSpec, (spec) => {
        const total = (Math.ceil(100 / spec.percentage) - 1) * spec.intervalSeconds;
        expect(scheduleProblems(spec).length === 0).toBe(total <= MAX_SCHEDULE_SECONDS);
      }),
    );
  });
});
