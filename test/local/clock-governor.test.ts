// The clock's governor, decided from series of ticks' lateness alone: it slows in steps when
// ticks run late, never below its floor, waits for a calm stretch before speeding back up,
// never beyond the speed asked for, and waits longer each time a raise had to be taken back.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeChange,
  governorSettings,
  observeTick,
  startGovernor,
  type GovernorState,
  type SpeedChange,
} from '../../local/clock-governor.js';

const TICK_MS = 100;

/** Feeds ticks every 100 ms of real time, each `lag(i)` ms late; returns every change and the end state. */
function run(requested: number, ticks: number, lag: (i: number) => number, from?: GovernorState) {
  const settings = governorSettings(requested);
  let state = from ?? startGovernor(settings, 0);
  let at = state.windowStart;
  const changes: (SpeedChange & { at: number })[] = [];
  for (let i = 0; i < ticks; i++) {
    at += TICK_MS + lag(i);
    const next = observeTick(state, settings, at, lag(i));
    state = next.state;
    if (next.change) changes.push({ ...next.change, at });
  }
  return { changes, state, settings };
}

/** Ticks on time until the governor raises the speed. */
function runUntilChange(from: GovernorState) {
  const settings = governorSettings(300);
  let state = from;
  let at = from.windowStart;
  for (;;) {
    at += TICK_MS;
    const next = observeTick(state, settings, at, 0);
    state = next.state;
    if (next.change) return { state, change: next.change };
  }
}

describe('the clock governor', () => {
  it('leaves the speed alone while ticks run on time', () => {
    const { changes, state } = run(300, 600, () => 20);
    expect(changes).toEqual([]);
    expect(state.speed).toBe(300);
  });

  it('slows a step at a time, at most every two seconds, while ticks run late', () => {
    const { changes } = run(300, 30, () => 340);
    expect(changes.map((c) => c.to).slice(0, 5)).toEqual([200, 133, 89, 59, 39]);
    for (const c of changes) expect(c.to).toBeCloseTo((c.from * 2) / 3, -0.5);
    for (const [a, b] of changes.slice(1).map((c, i) => [changes[i]!.at, c.at]))
      expect(b! - a!).toBeGreaterThanOrEqual(2000);
  });

  it('halves when ticks run seconds late', () => {
    const { changes } = run(300, 3, () => 2_000);
    expect(changes[0]).toMatchObject({ from: 300, to: 150, worstLagMs: 2_000 });
  });

  it('leaves one late second alone: a single stall is over by the time it is seen', () => {
    expect(run(300, 100, (i) => (i === 4 ? 3_000 : 0)).changes).toEqual([]);
    // Late seconds with a second on time between them are each alone too.
    expect(run(300, 100, (i) => (i % 20 === 4 ? 400 : 0)).changes).toEqual([]);
  });

  it('slows for one late tick in each of two seconds running (the latest decides, not how many)', () => {
    const { changes } = run(300, 20, (i) => (i === 4 || i === 14 ? 300 : 0));
    expect(changes.map((c) => c.to)).toEqual([200]);
  });

  it('never goes below 1×, and never slows a clock asked to run at 1× or slower', () => {
    expect(run(300, 2_000, () => 5_000).state.speed).toBe(1);
    expect(run(0.5, 200, () => 5_000).changes).toEqual([]);
  });

  it('speeds back up only after ten seconds on time, in steps, to the speed asked for and no further', () => {
    const slowed = run(300, 4, () => 400).state;
    expect(slowed.speed).toBe(200);
    const { changes, state } = run(300, 1_000, () => 0, slowed);
    expect(changes.map((c) => c.to)).toEqual([250, 300]);
    expect(changes[0]!.calmForMs).toBeGreaterThanOrEqual(10_000);
    expect(changes[1]!.at - changes[0]!.at).toBeGreaterThanOrEqual(10_000);
    expect(state.speed).toBe(300);
  });

  it('doubles while far below the speed asked for, then steps a quarter at a time', () => {
    const floored = run(300, 200, () => 5_000).state;
    expect(floored.speed).toBe(1);
    const { changes } = run(300, 2_000, () => 0, floored);
    expect(changes.map((c) => c.to)).toEqual([2, 4, 8, 16, 32, 64, 128, 160, 200, 250, 300]);
  });

  it('does not speed up while ticks are neither late nor on time (between 100 and 250 ms)', () => {
    const slowed = run(300, 4, () => 400).state;
    expect(run(300, 1_000, () => 180, slowed).changes).toEqual([]);
  });

  it('counts a calm stretch through windows in between, but not through a late one', () => {
    const slowed = run(300, 4, () => 400).state;
    // A tick 180 ms late every three seconds: the stretch goes on.
    const through = run(300, 120, (i) => (i % 30 === 29 ? 180 : 0), slowed);
    expect(through.changes.map((c) => c.to)).toEqual([250]);
    // Two late seconds every eight: it slows there and never gets ten calm seconds.
    const broken = run(300, 400, (i) => (i % 80 >= 70 ? 300 : 0), slowed);
    expect(broken.changes.length).toBeGreaterThan(0);
    expect(broken.changes.every((c) => c.to < c.from)).toBe(true);
  });

  it('waits twice as long before the next raise when a raise had to be taken back', () => {
    // Late ticks, then calm, then late again right after the raise: it must not swing each 10 s.
    let state = run(300, 4, () => 400).state;
    const calmBeforeRaise: number[] = [];
    for (let round = 0; round < 4; round++) {
      // On time until it raises the speed, then one late second.
      const calm = runUntilChange(state);
      calmBeforeRaise.push(calm.change.calmForMs);
      state = run(300, 4, () => 400, calm.state).state;
      expect(state.speed).toBeLessThan(calm.change.to);
    }
    expect(calmBeforeRaise.map((ms) => Math.floor(ms / 1000))).toEqual([10, 20, 40, 80]);
  });

  it('keeps the speed within its floor and the speed asked for, over any lateness (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 1000, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 500 }),
        (requested, lags) => {
          const { changes, state } = run(requested, lags.length, (i) => lags[i]!);
          for (const c of changes) {
            expect(c.to).toBeGreaterThanOrEqual(1);
            expect(c.to).toBeLessThanOrEqual(requested);
            expect(c.to).not.toBe(c.from);
            // A slowdown only for a late window, a raise only after a calm one.
            if (c.to < c.from) expect(c.worstLagMs).toBeGreaterThan(250);
            else expect(c.worstLagMs).toBeLessThanOrEqual(100);
          }
          expect(state.speed).toBe(changes.at(-1)?.to ?? requested);
        },
      ),
    );
  });

  it('says what it did, and why, in a line a person can read', () => {
    expect(describeChange({ from: 300, to: 200, worstLagMs: 340.4, calmForMs: 0 }, 300)).toBe(
      'clock slowed to 200× (asked for 300×): ticks ran up to 340 ms late, so the machine cannot ' +
        'keep up; simulated time now passes more slowly rather than deployments failing for it',
    );
    expect(describeChange({ from: 200, to: 250, worstLagMs: 3, calmForMs: 10_100 }, 300)).toBe(
      'clock sped up to 250× (asked for 300×): ticks on time for 10 s',
    );
    expect(describeChange({ from: 250, to: 300, worstLagMs: 3, calmForMs: 20_000 }, 300)).toBe(
      'clock back at 300×, as asked: ticks on time for 20 s',
    );
  });
});
