// Port for time. On AWS it is the system clock; the local cloud runs a simulated
// clock with a speed factor, and tests a clock they move by hand.

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /**
   * Resolves after `ms` of this clock's time. A bounded poll sleeps on it rather than on the
   * wall, so its bound means the same in every world: real seconds on AWS, simulated seconds
   * on the local cloud, seconds a test moves by hand. A clock that only tells the time
   * leaves it out, and a use case then looks once and lets the state machine's Retry wait.
   */
  sleep?(ms: number): Promise<void>;
  /**
   * Simulated seconds per real second: absent (1) on AWS. The local cloud runs faster than
   * real time, and a person's time left is shown in real seconds. There it is the speed asked
   * for (`--speed`), the fastest its clock runs: it runs slower while the machine cannot keep
   * up, so a wait reserved at this speed lasts at least as long in real time.
   */
  readonly speed?: number;
}

/** A clock that can also wait: what handlers get. */
export type WaitingClock = Required<Pick<Clock, 'now' | 'sleep'>> & Pick<Clock, 'speed'>;

export const systemClock: WaitingClock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};
