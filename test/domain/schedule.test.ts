import { describe, expect, it } from 'vitest';
import {
  MAX_SCHEDULE_SECONDS,
  PRESET_NAMES,
  buildSchedule,
  presetSchedule,
  scheduleDurationSeconds,
  scheduleProblems,
} from '../../shared/domain/schedule.js';
import { ScheduleInvalid } from '../../shared/domain/errors.js';

// CodeDeploy's predefined ECS configurations, spelled out step by step:
// https://docs.aws.amazon.com/codedeploy/latest/userguide/deployment-configurations.html
describe('CodeDeploy ECS presets', () => {
  it('AllAtOnce shifts all traffic at once', () => {
    expect(presetSchedule('AllAtOnce')).toEqual([{ weight: 100, atSeconds: 0, bakeSeconds: 0 }]);
  });

  it('Canary10Percent5Minutes shifts 10%, then the remaining 90% five minutes later', () => {
    expect(presetSchedule('Canary10Percent5Minutes')).toEqual([
      { weight: 10, atSeconds: 0, bakeSeconds: 300 },
      { weight: 100, atSeconds: 300, bakeSeconds: 0 },
    ]);
  });

  it('Canary10Percent15Minutes shifts 10%, then the remaining 90% fifteen minutes later', () => {
    expect(presetSchedule('Canary10Percent15Minutes')).toEqual([
      { weight: 10, atSeconds: 0, bakeSeconds: 900 },
      { weight: 100, atSeconds: 900, bakeSeconds: 0 },
    ]);
  });

  it('Linear10PercentEvery1Minutes shifts 10% at the start of every minute until 100%', () => {
    expect(presetSchedule('Linear10PercentEvery1Minutes')).toEqual([
      { weight: 10, atSeconds: 0, bakeSeconds: 60 },
      { weight: 20, atSeconds: 60, bakeSeconds: 60 },
      { weight: 30, atSeconds: 120, bakeSeconds: 60 },
      { weight: 40, atSeconds: 180, bakeSeconds: 60 },
      { weight: 50, atSeconds: 240, bakeSeconds: 60 },
      { weight: 60, atSeconds: 300, bakeSeconds: 60 },
      { weight: 70, atSeconds: 360, bakeSeconds: 60 },
      { weight: 80, atSeconds: 420, bakeSeconds: 60 },
      { weight: 90, atSeconds: 480, bakeSeconds: 60 },
      { weight: 100, atSeconds: 540, bakeSeconds: 0 },
    ]);
  });

  it('Linear10PercentEvery3Minutes shifts 10% at the start of every three minutes until 100%', () => {
    expect(presetSchedule('Linear10PercentEvery3Minutes')).toEqual([
      { weight: 10, atSeconds: 0, bakeSeconds: 180 },
      { weight: 20, atSeconds: 180, bakeSeconds: 180 },
      { weight: 30, atSeconds: 360, bakeSeconds: 180 },
      { weight: 40, atSeconds: 540, bakeSeconds: 180 },
      { weight: 50, atSeconds: 720, bakeSeconds: 180 },
      { weight: 60, atSeconds: 900, bakeSeconds: 180 },
      { weight: 70, atSeconds: 1080, bakeSeconds: 180 },
      { weight: 80, atSeconds: 1260, bakeSeconds: 180 },
      { weight: 90, atSeconds: 1440, bakeSeconds: 180 },
      { weight: 100, atSeconds: 1620, bakeSeconds: 0 },
    ]);
  });

  it('has exactly the five CodeDeploy ECS presets', () => {
    expect([...PRESET_NAMES].sort()).toEqual([
      'AllAtOnce',
      'Canary10Percent15Minutes',
      'Canary10Percent5Minutes',
      'Linear10PercentEvery1Minutes',
      'Linear10PercentEvery3Minutes',
    ]);
  });

  it('a preset schedule is a copy: changing it does not change the preset', () => {
    const first = presetSchedule('Canary10Percent5Minutes');
    first[0]!.weight = 50;
    expect(presetSchedule('Canary10Percent5Minutes')[0]!.weight).toBe(10);
  });
});

describe('custom linear schedules', () => {
  it('ends with a partial step when the percentage does not divide 100', () => {
    expect(buildSchedule({ type: 'linear', percentage: 30, intervalSeconds: 120 })).toEqual([
      { weight: 30, atSeconds: 0, bakeSeconds: 120 },
      { weight: 60, atSeconds: 120, bakeSeconds: 120 },
      { weight: 90, atSeconds: 240, bakeSeconds: 120 },
      { weight: 100, atSeconds: 360, bakeSeconds: 0 },
    ]);
  });

  it('allows an interval of zero', () => {
    const steps = buildSchedule({ type: 'linear', percentage: 50, intervalSeconds: 0 });
    expect(steps).toEqual([
      { weight: 50, atSeconds: 0, bakeSeconds: 0 },
      { weight: 100, atSeconds: 0, bakeSeconds: 0 },
    ]);
  });

  it.each([
    [{ percentage: 0, intervalSeconds: 60 }, 'percentage'],
    [{ percentage: 100, intervalSeconds: 60 }, 'percentage'],
    [{ percentage: 12.5, intervalSeconds: 60 }, 'percentage'],
    [{ percentage: 10, intervalSeconds: -1 }, 'intervalSeconds'],
    [{ percentage: 10, intervalSeconds: 1.5 }, 'intervalSeconds'],
  ])('rejects %o at %s', (fields, path) => {
    const problems = scheduleProblems({ type: 'linear', ...fields });
    expect(problems.map((p) => p.path)).toEqual([path]);
  });

  it('rejects a schedule that takes longer than the maximum to reach 100%', () => {
    const problems = scheduleProblems({ type: 'linear', percentage: 1, intervalSeconds: 3600 });
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain(`most allowed is ${MAX_SCHEDULE_SECONDS} s`);
  });
});

describe('custom canary schedules', () => {
  it('holds each step for its bake, then goes to 100%', () => {
    const steps = buildSchedule({
      type: 'canary',
      steps: [{ weight: 5, bakeSeconds: 60 }, { weight: 25, bakeSeconds: 300 }, { weight: 100 }],
    });
    expect(steps).toEqual([
      { weight: 5, atSeconds: 0, bakeSeconds: 60 },
      { weight: 25, atSeconds: 60, bakeSeconds: 300 },
      { weight: 100, atSeconds: 360, bakeSeconds: 0 },
    ]);
    expect(scheduleDurationSeconds(steps)).toBe(360);
  });

  it('names the step whose weight does not rise', () => {
    const problems = scheduleProblems({
      type: 'canary',
      steps: [
        { weight: 10, bakeSeconds: 60 },
        { weight: 50, bakeSeconds: 60 },
        { weight: 50 },
        { weight: 100 },
      ],
    });
    expect(problems).toEqual([
      { path: 'steps[2].weight', message: 'must be greater than the previous step' },
    ]);
  });

  it('requires the last step to reach 100', () => {
    const problems = scheduleProblems({
      type: 'canary',
      steps: [{ weight: 10, bakeSeconds: 60 }, { weight: 50 }],
    });
    expect(problems).toEqual([{ path: 'steps[1].weight', message: 'the last step must shift to 100' }]);
  });

  it('rejects a bake on the last step, which belongs to the service', () => {
    const problems = scheduleProblems({ type: 'canary', steps: [{ weight: 100, bakeSeconds: 60 }] });
    expect(problems.map((p) => p.path)).toEqual(['steps[0].bakeSeconds']);
  });

  it('rejects no steps, weights out of range and negative bakes, all at once', () => {
    expect(scheduleProblems({ type: 'canary', steps: [] }).map((p) => p.path)).toEqual(['steps']);
    const problems = scheduleProblems({
      type: 'canary',
      steps: [{ weight: 0, bakeSeconds: -5 }, { weight: 101 }],
    });
    expect(problems.map((p) => p.path)).toEqual([
      'steps[0].weight',
      'steps[0].bakeSeconds',
      'steps[1].weight',
      'steps[1].weight',
    ]);
  });

  it('throws ScheduleInvalid with every problem when building an invalid schedule', () => {
    const build = () =>
      buildSchedule({ type: 'canary', steps: [{ weight: 60, bakeSeconds: 1 }, { weight: 40 }] });
    expect(build).toThrow(ScheduleInvalid);
    expect(build).toThrow(/steps\[1\]\.weight: must be greater than the previous step/);
  });
});
