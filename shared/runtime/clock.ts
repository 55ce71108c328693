// The clock handlers read. On Lambda it is the system clock. The local cloud runs
// every handler in one process on a simulated clock (a speed factor makes a
// 10-minute rollout take seconds), and sets it here once at start.

import { systemClock, type Clock } from '../ports/clock.js';

let current: Clock = systemClock;

export const processClock: Clock = { now: () => current.now() };

export function useClock(clock: Clock): void {
  current = clock;
}
