// The local cloud's clock changing speed while it runs: simulated time carries on from where it
// was (never a jump, never back), and a sleep ends at the simulated instant it asked for, however
// the speed changes meanwhile. Real time here is a fake moved by hand, timers and all.

import { getEventListeners } from 'node:events';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ManualClock, ScaledClock, type RealTime } from '../../local/clock.js';

/** Real time that moves only when told, firing its timers in order as it passes them. */
class FakeRealTime implements RealTime {
  private current = 1_000_000;
  private timers = new Map<number, { at: number; fire: () => void }>();
  private ids = 0;

  now(): number {
    return this.current;
  }

  setTimer(fire: () => void, ms: number): unknown {
    const id = ++this.ids;
    this.timers.set(id, { at: this.current + Math.max(0, ms), fire });
    return id;
  }

  clearTimer(timer: unknown): void {
    this.timers.delete(timer as number);
  }

  /** Moves real time on by `ms`, firing each timer at its own instant. */
  advance(ms: number): void {
    const end = this.current + ms;
    for (;;) {
      const next = [...this.timers.entries()].sort(([, a], [, b]) => a.at - b.at)[0];
      if (next === undefined || next[1].at > end) break;
      this.timers.delete(next[0]);
      this.current = Math.max(this.current, next[1].at);
      next[1].fire();
    }
    this.current = end;
  }

  get pending(): number {
    return this.timers.size;
  }
}

const START = Date.parse('2026-01-01T00:00:00Z');

/** A promise's settling, seen from outside: the instant (simulated) it settled, or null. */
function track(clock: ScaledClock, promise: Promise<void>): { at: number | null } {
  const seen = { at: null as number | null };
  void promise.then(() => (seen.at = clock.now()));
  return seen;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('ScaledClock', () => {
  it('runs `speed` times faster than real time', () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock(300, START, real);
    real.advance(1_000);
    expect(clock.now()).toBe(START + 300_000);
    expect(clock.currentSpeed).toBe(300);
  });

  it('carries on from the instant it changes speed: no jump, then the new pace', () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock(300, START, real);
    real.advance(1_000);
    clock.setSpeed(100);
    expect(clock.now()).toBe(START + 300_000);
    real.advance(1_000);
    expect(clock.now()).toBe(START + 400_000);
    expect(clock.speed).toBe(300);
    expect(clock.currentSpeed).toBe(100);
  });

  it('never goes back, even when the wall clock is stepped back', () => {
    let wall = 5_000_000;
    const real: RealTime = { now: () => wall, setTimer: () => 0, clearTimer: () => undefined };
    const clock = new ScaledClock(60, START, real);
    wall += 1_000;
    const before = clock.now();
    wall -= 10_000;
    expect(clock.now()).toBe(before);
  });

  it('ends a sleep begun at 300× at its simulated instant after the clock slows, not earlier', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock(300, START, real);
    const woke = track(clock, clock.sleep(600_000)); // 10 simulated minutes: 2 real s at 300×
    real.advance(1_000); // 5 simulated minutes pass
    clock.setSpeed(100);
    real.advance(1_000); // at 300× it would have ended here; at 100× only 100 s more passed
    await flush();
    expect(woke.at).toBeNull();
    real.advance(2_000); // the 200 simulated seconds left, at 100×
    await flush();
    expect(woke.at).toBe(START + 600_000);
  });

  it('ends a sleep sooner in real time when the clock speeds back up', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock(300, START, real);
    clock.setSpeed(30);
    const woke = track(clock, clock.sleep(60_000)); // 2 real s at 30×
    real.advance(100);
    clock.setSpeed(300); // 57 simulated s left: 190 real ms
    real.advance(190);
    await flush();
    expect(woke.at).toBe(START + 60_000);
  });

  it('ends a sleep at once when its signal aborts, and leaves no timer behind', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock(60, START, real);
    const abort = new AbortController();
    const woke = track(clock, clock.sleep(60_000, abort.signal));
    abort.abort();
    await flush();
    expect(woke.at).toBe(START);
    expect(real.pending).toBe(0);
    clock.setSpeed(1);
    expect(real.pending).toBe(0);
  });

  it('stops a second after a beat until the next: a stalled thread loses time, the world no jump', async () => {
    const real = new FakeRealTime();
    const clock = new ScaledClock(300, START, real);
    expect(clock.beat(1_000)).toBe(0);
    const woke = track(clock, clock.sleep(600_000)); // 10 simulated minutes
    real.advance(5_000); // the thread was held for five seconds: 25 simulated minutes unheld
    expect(clock.now()).toBe(START + 300_000);
    expect(clock.beat(1_000)).toBe(1_200_000);
    expect(clock.now()).toBe(START + 300_000);
    real.advance(999);
    await flush();
    expect(woke.at).toBeNull();
    expect(clock.now()).toBe(START + 599_700);
    clock.beat(1_000);
    real.advance(1);
    await flush();
    expect(woke.at).toBe(START + 600_000);
  });

  it('refuses a speed that is not a positive number, and keeps its own', () => {
    const clock = new ScaledClock(60, START, new FakeRealTime());
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => clock.setSpeed(bad)).toThrow(/positive number/);
    expect(clock.currentSpeed).toBe(60);
  });

  it('keeps its promises over any sequence of speed changes and sleeps (property)', async () => {
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('speed' as const),
        speed: fc.double({ min: 0.5, max: 600, noNaN: true }),
      }),
      fc.record({ kind: fc.constant('sleep' as const), ms: fc.integer({ min: 0, max: 3_600_000 }) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 5_000 }) }),
      fc.record({ kind: fc.constant('beat' as const), ms: fc.integer({ min: 100, max: 2_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
        const real = new FakeRealTime();
        const clock = new ScaledClock(300, START, real);
        const sleeps: { until: number; woke: { at: number | null } }[] = [];
        let last = clock.now();
        const monotonic = () => {
          const now = clock.now();
          expect(now).toBeGreaterThanOrEqual(last);
          last = now;
        };
        for (const s of steps) {
          if (s.kind === 'speed') clock.setSpeed(s.speed);
          else if (s.kind === 'beat') clock.beat(s.ms);
          else if (s.kind === 'sleep')
            sleeps.push({ until: clock.now() + s.ms, woke: track(clock, clock.sleep(s.ms)) });
          else real.advance(s.ms);
          monotonic();
          await flush();
        }
        // Long enough for every sleep to end at the slowest speed, beating as the world does.
        clock.setSpeed(0.5);
        for (let i = 0; i < 10 && sleeps.some((t) => t.woke.at === null); i++) {
          clock.beat(2_000_000_000);
          real.advance(1_000_000_000);
          monotonic();
          await flush();
        }
        for (const { until, woke } of sleeps) {
          expect(woke.at).not.toBeNull();
          // Never early (how late: the next property, which moves real time in small steps).
          expect(woke.at!).toBeGreaterThanOrEqual(until);
        }
        expect(real.pending).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});

describe('a sleep is not late', () => {
  it('ends within a real millisecond of its simulated instant, across a speed change', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: 1, max: 600, noNaN: true }),
        fc.double({ min: 1, max: 600, noNaN: true }),
        fc.integer({ min: 1, max: 600_000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (first, second, ms, share) => {
          const real = new FakeRealTime();
          const clock = new ScaledClock(600, START, real);
          clock.setSpeed(first);
          const until = clock.now() + ms;
          let wokeReal: number | null = null;
          void clock.sleep(ms).then(() => (wokeReal = real.now()));
          const firstReal = Math.floor((ms / first) * share);
          real.advance(firstReal);
          await flush();
          if (wokeReal !== null) return;
          clock.setSpeed(second);
          const left = until - clock.now();
          const expected = real.now() + left / second;
          for (let t = 0; t < 5 && wokeReal === null; t++) {
            real.advance(1);
            await flush();
            if (wokeReal === null) real.advance(Math.ceil(left / second));
            await flush();
          }
          expect(wokeReal).not.toBeNull();
          expect(clock.now()).toBeGreaterThanOrEqual(until);
          expect(wokeReal!).toBeLessThanOrEqual(Math.ceil(expected) + 2);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('ManualClock', () => {
  it('still moves only when told', async () => {
    const clock = new ManualClock(START);
    let woke = false;
    void clock.sleep(1_000).then(() => (woke = true));
    clock.advanceBy(999);
    await flush();
    expect(woke).toBe(false);
    clock.advanceBy(1);
    await flush();
    expect(woke).toBe(true);
  });

  it('a sleep that ends takes its listener off the signal, as an execution outlives many waits', async () => {
    // Found by a Node warning in a canary test: 17 waits of one execution left 17 listeners.
    const clock = new ManualClock(START);
    const execution = new AbortController();
    for (let wait = 0; wait < 17; wait += 1) {
      const slept = clock.sleep(10_000, execution.signal);
      clock.advanceBy(10_000);
      await slept;
    }
    expect(getEventListeners(execution.signal, 'abort')).toHaveLength(0);
    // While a sleep is pending its listener is there, and an abort still ends it.
    const pending = clock.sleep(10_000, execution.signal);
    expect(getEventListeners(execution.signal, 'abort')).toHaveLength(1);
    execution.abort();
    await pending;
  });
});
