// Port for time. On AWS it is the system clock; the local cloud runs a simulated
// clock with a speed factor, and tests a clock they move by hand.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
