// Clocks for the local cloud. Everything time-based there (Wait states, bakes,
// task timeouts, health checks) goes through one of these, so one speed factor
// moves it all consistently. The local cloud's clock can change speed while it runs
// (clock-governor.ts slows it when the machine cannot keep up): simulated time then
// carries on from where it was, never jumping or going back, and every pending sleep
// still ends at the simulated instant it was asked for.

import type { Clock } from '../shared/ports/clock.js';

export interface SimClock extends Clock {
  /** Resolves after `ms` of simulated time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Real time: the wall clock and its timers; tests pass one they move by hand. */
export interface RealTime {
  now(): number;
  setTimer(fire: () => void, ms: number): unknown;
  clearTimer(timer: unknown): void;
}

/** Node's own, looked up at each call, so a test's fake timers apply. */
export const systemRealTime: RealTime = {
  now: () => Date.now(),
  setTimer: (fire, ms) => setTimeout(fire, ms),
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
};

interface Sleeper {
  /** The simulated instant it ends at. */
  until: number;
  timer: unknown;
  done: () => void;
}

/**
 * Simulated time runs `currentSpeed` times faster than real time. It starts at `speed`, the
 * speed asked for; `setSpeed` changes it from that instant on.
 */
export class ScaledClock implements SimClock {
  private anchorReal: number;
  private anchorSim: number;
  private current: number;
  /** The latest instant told, so a wall clock stepped back never takes simulated time back. */
  private latest: number;
  private readonly sleepers = new Set<Sleeper>();
  /** How far simulated time may run until the next beat (no limit until the first). */
  private heldAt = Number.POSITIVE_INFINITY;
  private leadMs = 0;

  constructor(
    /**
     * The speed asked for (`--speed`), which the clock never exceeds. A wait for a person
     * reserves its real time at this speed (shared/engine/approval.ts), so the lock's lease
     * outlasts it however the clock's speed changes meanwhile.
     */
    readonly speed = 1,
    simStart = Date.now(),
    private readonly real: RealTime = systemRealTime,
  ) {
    positiveSpeed(speed);
    this.anchorReal = real.now();
    this.anchorSim = simStart;
    this.latest = simStart;
    this.current = speed;
  }

  /** Simulated seconds per real second now: `speed`, or less while the machine cannot keep up. */
  get currentSpeed(): number {
    return this.current;
  }

  now(): number {
    const at = this.anchorSim + (this.real.now() - this.anchorReal) * this.current;
    this.latest = Math.max(this.latest, Math.min(at, this.heldAt));
    return this.latest;
  }

  /**
   * Holds simulated time to at most `leadMs` of real time (at the current speed) past this
   * instant, until the next beat. The local cloud beats at each tick of its world: a thread held
   * for seconds then loses that simulated time instead of handing the world (and every deadline)
   * minutes at once. Returns the simulated ms held back since the last beat.
   */
  beat(leadMs: number): number {
    const real = this.real.now();
    const unheld = this.anchorSim + (real - this.anchorReal) * this.current;
    const heldBack = Math.max(0, unheld - this.heldAt);
    if (heldBack > 0) {
      // Simulated time goes on from where it was held, and each sleep is set again from there.
      this.anchorSim = this.now();
      this.anchorReal = real;
      this.rearm();
    }
    this.leadMs = leadMs;
    this.heldAt = this.now() + leadMs * this.current;
    return heldBack;
  }

  /**
   * Runs at `speed` from now on. Simulated time carries on from this instant, and each pending
   * sleep is set again to end at its simulated instant at the new speed.
   */
  setSpeed(speed: number): void {
    positiveSpeed(speed);
    this.anchorSim = this.now();
    this.anchorReal = this.real.now();
    this.current = speed;
    if (this.heldAt !== Number.POSITIVE_INFINITY) this.heldAt = this.anchorSim + this.leadMs * speed;
    this.rearm();
  }

  private rearm(): void {
    for (const sleeper of this.sleepers) {
      this.real.clearTimer(sleeper.timer);
      this.arm(sleeper);
    }
  }

  /** The instant on both clocks, and the speed from it: what endpoints.json keeps for the CLI. */
  anchor(): { speed: number; simulatedMs: number; realMs: number } {
    return { speed: this.current, simulatedMs: this.now(), realMs: this.real.now() };
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const sleeper: Sleeper = {
        until: this.now() + Math.max(0, ms),
        timer: undefined,
        done: () => {
          signal?.removeEventListener('abort', sleeper.done);
          this.real.clearTimer(sleeper.timer);
          this.sleepers.delete(sleeper);
          resolve();
        },
      };
      this.sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.done, { once: true });
      this.arm(sleeper);
    });
  }

  /** Sets the sleeper's timer for its simulated instant at the current speed. */
  private arm(sleeper: Sleeper): void {
    const left = sleeper.until - this.now();
    // A timer may fire a millisecond early (its ms are rounded): one that finds simulated
    // time short of the instant sets itself again for what is left.
    sleeper.timer = this.real.setTimer(
      () => (this.now() >= sleeper.until ? sleeper.done() : this.arm(sleeper)),
      left <= 0 ? 0 : Math.min(MAX_TIMER_MS, Math.max(1, Math.ceil(left / this.current))),
    );
  }
}

/** The longest timer Node keeps (a longer one fires at once); a longer sleep sets itself again. */
const MAX_TIMER_MS = 2 ** 31 - 1;

function positiveSpeed(speed: number): void {
  if (!(Number.isFinite(speed) && speed > 0))
    throw new RangeError(`a clock's speed must be a positive number, not ${speed}`);
}

interface Timer {
  at: number;
  resolve: () => void;
}

/** Time moves only when told to: tests decide exactly when a bake or a wait ends. */
export class ManualClock implements SimClock {
  private current: number;
  private timers: Timer[] = [];

  constructor(start = Date.parse('2026-01-01T00:00:00Z')) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const abort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      };
      // A timer that fires takes its listener off the signal: an execution's signal outlives
      // the many waits it bounds.
      const timer: Timer = {
        at: this.current + ms,
        resolve: () => {
          signal?.removeEventListener('abort', abort);
          resolve();
        },
      };
      this.timers.push(timer);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }

  get pending(): number {
    return this.timers.length;
  }

  /** Moves to the earliest pending timer and fires every timer due by then. Returns false if none. */
  advanceToNextTimer(): boolean {
    if (this.timers.length === 0) return false;
    const next = Math.min(...this.timers.map((t) => t.at));
    this.advanceTo(next);
    return true;
  }

  advanceBy(ms: number): void {
    this.advanceTo(this.current + ms);
  }

  private advanceTo(at: number): void {
    this.current = Math.max(this.current, at);
    const due = this.timers.filter((t) => t.at <= this.current);
    this.timers = this.timers.filter((t) => t.at > this.current);
    for (const timer of due) timer.resolve();
  }
}
