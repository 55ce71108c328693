// The clock handlers read. On Lambda it is the system clock. The local cloud calls every
// handler in-process, on a simulated clock (a speed factor makes a 10-minute rollout
// take seconds), each call inside `runWithClock`: every read of this clock in that call, after
// any await or timer, is of that local cloud's clock. Nothing is set for the whole process, so
// two local clouds in one process each keep their own time.

import { AsyncLocalStorage } from 'node:async_hooks';
import { systemClock, type WaitingClock } from '../ports/clock.js';

/** One store per process, even if this module were loaded twice (a test runner may do that). */
const KEY = Symbol.for('cutover.invocation-clock');
const store = ((globalThis as Record<symbol, unknown>)[KEY] ??=
  new AsyncLocalStorage<WaitingClock>()) as AsyncLocalStorage<WaitingClock>;

const current = (): WaitingClock => store.getStore() ?? systemClock;

export const processClock: WaitingClock = {
  now: () => current().now(),
  sleep: (ms) => current().sleep(ms),
  get speed() {
    return current().speed;
  },
};

/** Runs `run` (and everything it awaits or schedules) with `processClock` reading `clock`. */
export function runWithClock<T>(clock: WaitingClock, run: () => T): T {
  return store.run(clock, run);
}
