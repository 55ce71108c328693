// The local cloud's heartbeat: runs a tick every `tickMs` of real time and measures how late
// each one runs. Unless the speed is fixed, the lateness goes to the clock's governor
// (clock-governor.ts), whose changes of speed are applied to the clock, logged, and handed
// on (the CLI rewrites endpoints.json with them); and each tick lets simulated time run on
// for at most a second more, so a thread held for longer loses that time instead of the world
// (and every deadline in it) jumping minutes ahead at once.

import type { ScaledClock } from './clock.js';
import {
  describeChange,
  governorSettings,
  observeTick,
  startGovernor,
  type GovernorSettings,
  type GovernorState,
  type SpeedChange,
} from './clock-governor.js';

export interface TickLoopOptions {
  clock: ScaledClock;
  /** Real ms between ticks. */
  tickMs: number;
  /** Keep the clock at the speed asked for, however late the ticks run. */
  fixedSpeed?: boolean;
  governor?: Partial<Omit<GovernorSettings, 'requested' | 'floor'>>;
  tick: () => void;
  log: (line: string) => void;
  /** After each change of speed, and each time the clock was held back (null): its anchor moved. */
  onSpeedChange?: (change: SpeedChange | null) => void;
}

export class TickLoop {
  private readonly timer: NodeJS.Timeout;
  private readonly settings: GovernorSettings;
  private state: GovernorState | null;
  private last = Date.now();
  private heldTotal = { ms: 0, times: 0, since: 0 };

  constructor(private readonly options: TickLoopOptions) {
    this.settings = governorSettings(options.clock.speed, options.governor);
    this.state = options.fixedSpeed ? null : startGovernor(this.settings, this.last);
    this.timer = setInterval(() => this.beat(), options.tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    const at = Date.now();
    const lagMs = Math.max(0, at - this.last - this.options.tickMs);
    this.last = at;
    if (this.state === null) return this.options.tick();
    // Simulated time stops a second of real time after the last tick, until this one.
    const heldBackMs = this.options.clock.beat(this.settings.holdAfterMs);
    if (heldBackMs > 0) this.held(heldBackMs, lagMs);
    this.options.tick();
    const { state, change } = observeTick(this.state, this.settings, at, lagMs);
    this.state = state;
    if (change === null) return;
    this.options.clock.setSpeed(change.to);
    this.options.log(describeChange(change, this.settings.requested));
    this.options.onSpeedChange?.(change);
  }

  /** Says so, at most once a minute with a count, and hands on the clock's new anchor. */
  private held(heldBackMs: number, lagMs: number): void {
    this.heldTotal.ms += heldBackMs;
    this.heldTotal.times += 1;
    const now = Date.now();
    // The first at once, then at most once a minute, counting those in between.
    if (this.heldTotal.since === 0 || now - this.heldTotal.since >= 60_000) {
      this.options.log(
        `clock held back ${Math.round(this.heldTotal.ms / 1000)} simulated s in ${this.heldTotal.times} stall(s) ` +
          `of the thread (the latest ${Math.round(lagMs)} ms): simulated time stops ` +
          `${this.settings.holdAfterMs} ms after a tick until the next one, rather than jumping`,
      );
      this.heldTotal = { ms: 0, times: 0, since: now };
    }
    this.options.onSpeedChange?.(null);
  }
}
