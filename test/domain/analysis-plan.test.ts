// The analysis windows: whole minutes, ending ANALYSIS_LAG_MINUTES before now, so the newest
// minutes (whose ALB metrics may not have reached CloudWatch) are never judged.

import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_LAG_MINUTES,
  analysisWindows,
  MIN_ANALYSIS_MINUTES,
  MIN_ANALYSIS_SECONDS,
  minutesIn,
  onFailVerdict,
  SEQUENTIAL_FIRST_STEP_SECONDS,
  sequentialWindow,
  withFirstLook,
} from '../../shared/domain/analysis-plan.js';
import { presetSchedule } from '../../shared/domain/schedule.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-03-01T12:00:00Z');

describe('analysisWindows', () => {
  it(`ends ${ANALYSIS_LAG_MINUTES} minutes before now, on a whole minute`, () => {
    // Traffic from 12:00:20; now 12:10:30. Whole minutes 12:01 to 12:10, less the lag.
    const windows = analysisWindows('linear', T0 + 20_000, T0 + 10 * MINUTE + 30_000);
    expect(windows?.canary).toEqual({ start: T0 + MINUTE, end: T0 + (10 - ANALYSIS_LAG_MINUTES) * MINUTE });
    expect(windows?.baseline).toEqual(windows?.canary);
  });

  it('every minute judged ended at least the lag before now', () => {
    for (let now = T0 + 3 * MINUTE; now < T0 + 20 * MINUTE; now += 7_000) {
      const windows = analysisWindows('canary', T0, now);
      if (windows === null) continue;
      expect(now - windows.canary.end).toBeGreaterThanOrEqual(ANALYSIS_LAG_MINUTES * MINUTE);
      expect(now - windows.canary.end).toBeLessThan((ANALYSIS_LAG_MINUTES + 1) * MINUTE);
    }
  });

  it('has no window while every whole minute since the shift is still within the lag', () => {
    expect(analysisWindows('linear', T0, T0 + (ANALYSIS_LAG_MINUTES + 1) * MINUTE - 1)).toBeNull();
    expect(analysisWindows('linear', T0, T0 + (ANALYSIS_LAG_MINUTES + 1) * MINUTE)).not.toBeNull();
  });

  it('blue-green: the baseline is as many minutes just before the shift', () => {
    const windows = analysisWindows('blue-green', T0 + 20_000, T0 + 9 * MINUTE);
    const minutes = 9 - ANALYSIS_LAG_MINUTES - 1;
    expect(windows?.canary).toEqual({ start: T0 + MINUTE, end: T0 + (9 - ANALYSIS_LAG_MINUTES) * MINUTE });
    expect(windows?.baseline).toEqual({ start: T0 - minutes * MINUTE, end: T0 });
  });

  it('MIN_ANALYSIS_SECONDS of canary traffic always gives a judgement its minutes, whatever the alignment', () => {
    for (let offset = 0; offset < MINUTE; offset += 5_000) {
      const start = T0 + offset;
      const windows = analysisWindows('linear', start, start + MIN_ANALYSIS_SECONDS * 1000);
      expect(windows === null ? 0 : minutesIn(windows.canary)).toBeGreaterThanOrEqual(MIN_ANALYSIS_MINUTES);
    }
    // …and one second less does not, for traffic that starts just after a minute.
    const start = T0 + 1;
    const short = analysisWindows('linear', start, start + MIN_ANALYSIS_SECONDS * 1000 - 2_000);
    expect(short === null ? 0 : minutesIn(short.canary)).toBeLessThan(MIN_ANALYSIS_MINUTES);
  });
});

describe('the sequential judge’s minutes and first step', () => {
  const minute = 60_000;

  it('reads from the minute traffic started in to the last one that ended a minute ago', () => {
    const started = 10 * minute + 40_000;
    expect(sequentialWindow(started, started + minute)).toBeNull();
    expect(sequentialWindow(started, 12 * minute)).toEqual({ start: 10 * minute, end: 11 * minute });
    expect(sequentialWindow(started, 13 * minute - 1)).toEqual({ start: 10 * minute, end: 11 * minute });
  });

  it('holds the first step for three minutes and moves every later step as much', () => {
    const held = withFirstLook(presetSchedule('Linear10PercentEvery1Minutes'));
    expect(held[0]).toEqual({ weight: 10, atSeconds: 0, bakeSeconds: SEQUENTIAL_FIRST_STEP_SECONDS });
    expect(held[1]).toEqual({ weight: 20, atSeconds: 180, bakeSeconds: 60 });
    expect(held.at(-1)).toEqual({ weight: 100, atSeconds: 660, bakeSeconds: 0 });
    // At the first step's end the judge can read a whole minute at the first weight, whatever
    // second of a minute the shift came at.
    for (const second of [0, 1, 30, 59]) {
      const started = 10 * minute + second * 1000;
      const window = sequentialWindow(started, started + held[1]!.atSeconds * 1000)!;
      expect(window.end - Math.max(window.start, started)).toBeGreaterThanOrEqual(minute);
    }
  });

  it('keeps a schedule whose first step is long enough, and one of a single step', () => {
    const canary = presetSchedule('Canary10Percent5Minutes');
    expect(withFirstLook(canary)).toEqual(canary);
    const once = presetSchedule('AllAtOnce');
    expect(withFirstLook(once)).toEqual(once);
  });
});

describe('onFailVerdict', () => {
  const metrics = [{ name: 'errors' }, { name: 'p99', onFail: 'pause' as const }];

  it('rolls back unless every failed metric pauses, by its own onFail or the service’s', () => {
    expect(onFailVerdict(['p99'], { metrics })).toBe('pause');
    expect(onFailVerdict(['errors', 'p99'], { metrics })).toBe('roll back');
    expect(onFailVerdict(['errors'], { metrics, onFail: 'pause' })).toBe('pause');
    expect(onFailVerdict(['p99'], { metrics: [{ name: 'p99', onFail: 'rollback' }], onFail: 'pause' })).toBe(
      'roll back',
    );
  });

  it('follows the service for a failure no metric is named for', () => {
    expect(onFailVerdict([], { metrics })).toBe('roll back');
    expect(onFailVerdict([], { metrics, onFail: 'pause' })).toBe('pause');
  });
});
