// The local cloud's heartbeat: runs a tick every `tickMs` of real time and measures how late
// each one runs. Unless the speed is fixed, the lateness goes to the clock's governor
// (clock-governor.ts), whose changes of speed are applied to the clock, logged, and handed
// on (the CLI rewrites endpoints.json with them).

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
  onSpeedChange?: (change: SpeedChange) => void;
}

export class TickLoop {
  private readonly timer: NodeJS.Timeout;
  private readonly settings: GovernorSettings;
  private state: GovernorState | null;
  private last = Date.now();

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
    this.options.tick();
    if (this.state === null) return;
    const { state, change } = observeTick(this.state, this.settings, at, lagMs);
    this.state = state;
    if (change === null) return;
    this.options.clock.setSpeed(change.to);
    this.options.log(describeChange(change, this.settings.requested));
    this.options.onSpeedChange?.(change);
  }
}
