// Clocks for the local cloud. Everything time-based there (Wait states, bakes,
// task timeouts, health checks) goes through one of these, so one speed factor
// moves it all consistently.

import type { Clock } from '../shared/ports/clock.js';

export interface SimClock extends Clock {
  /** Resolves after `ms` of simulated time, or at once when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Simulated time runs `speed` times faster than real time, from the moment it is made. */
export class ScaledClock implements SimClock {
  private readonly realStart = Date.now();
  constructor(
    readonly speed = 1,
    private readonly simStart = Date.now(),
  ) {}

  now(): number {
    return this.simStart + (Date.now() - this.realStart) * this.speed;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return abortableTimeout(ms / this.speed, signal);
  }
}

function abortableTimeout(realMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, realMs));
    function done() {
      signal?.removeEventListener('abort', done);
      clearTimeout(timer);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
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
      const timer: Timer = { at: this.current + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
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
