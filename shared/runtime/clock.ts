// The clock handlers read. On Lambda it is the system clock. The local cloud runs
// every handler in one process on a simulated clock (a speed factor makes a
// 10-minute rollout take seconds), and sets it here once at start.

import { systemClock, type WaitingClock } from '../ports/clock.js';

let current: WaitingClock = systemClock;

export const processClock: WaitingClock = {
  now: () => current.now(),
  sleep: (ms) => current.sleep(ms),
  get speed() {
    return current.speed;
  },
};

export function useClock(clock: WaitingClock): void {
  current = clock;
}
