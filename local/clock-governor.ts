// Slows the local cloud's clock when the machine cannot keep up, and speeds it back up once
// it has. The local cloud ticks its world every `tickMs` of real time; a tick that runs late
// means the one JavaScript thread was busy (the world, the handlers, the endpoints), and
// simulated time went on meanwhile: health checks, bakes and timeouts would then end before
// the simulated tasks and handlers could react, and deployments would fail for the machine's
// sake, not their own. So two seconds running with late ticks lower the speed one step, down to a floor;
// a stretch of ticks on time raises it one step, back toward the speed asked for (a big step
// while it is far below, a small one near it). The stretch
// doubles when the clock had to slow soon after a raise, so it settles instead of swinging.
// A pure function over the ticks' lateness: the local cloud feeds it and applies what it says.

export interface GovernorSettings {
  /** The speed asked for (`--speed`): never exceeded. */
  requested: number;
  /** The slowest it goes: 1× (real time), or the speed asked for when that is slower. */
  floor: number;
  /** Real ms of ticks judged at once: at most one change per window. */
  windowMs: number;
  /** Two windows running whose latest tick ran more than this late (real ms) slow the clock. */
  slowLagMs: number;
  /**
   * A window whose ticks all ran within this (real ms) is calm. A stretch of them, which only a
   * late window breaks, raises the speed a step; one in between neither breaks nor ends it.
   */
  calmLagMs: number;
  /** Real ms of calm windows before the first step back up. */
  calmMs: number;
  /** The longest calm the doubling asks for. */
  maxCalmMs: number;
  /** Real ms after a tick at which simulated time stops until the next tick (ScaledClock.beat). */
  holdAfterMs: number;
}

export const DEFAULT_GOVERNOR: Omit<GovernorSettings, 'requested' | 'floor'> = {
  windowMs: 1_000,
  slowLagMs: 250,
  calmLagMs: 100,
  calmMs: 10_000,
  maxCalmMs: 120_000,
  holdAfterMs: 1_000,
};

export function governorSettings(
  requested: number,
  overrides: Partial<Omit<GovernorSettings, 'requested' | 'floor'>> = {},
): GovernorSettings {
  return { ...DEFAULT_GOVERNOR, ...overrides, requested, floor: Math.min(1, requested) };
}

export interface GovernorState {
  speed: number;
  /** Real ms the current window began. */
  windowStart: number;
  /** The latest tick's lateness in the current window (real ms). */
  worstLagMs: number;
  /** Real ms the current run of calm windows began, or null when the last window was not calm. */
  calmSince: number | null;
  /** Real ms of calm the next step up needs. */
  calmNeededMs: number;
  /** Real ms of the last step up, or null. */
  lastRaiseAt: number | null;
  /** The previous window's latest tick lateness when that window was late, else null. */
  lateLagMs: number | null;
}

export interface SpeedChange {
  from: number;
  to: number;
  /** The window's latest tick lateness (real ms). */
  worstLagMs: number;
  /** Real ms the ticks had been on time, for a step up; 0 for a slowdown. */
  calmForMs: number;
}

export function startGovernor(settings: GovernorSettings, at: number): GovernorState {
  return {
    speed: settings.requested,
    windowStart: at,
    worstLagMs: 0,
    calmSince: null,
    calmNeededMs: settings.calmMs,
    lastRaiseAt: null,
    lateLagMs: null,
  };
}

/** Takes one tick that ran `lagMs` late at real time `at`; says the new speed when a window closes with one. */
export function observeTick(
  state: GovernorState,
  settings: GovernorSettings,
  at: number,
  lagMs: number,
): { state: GovernorState; change: SpeedChange | null } {
  const worstLagMs = Math.max(state.worstLagMs, lagMs);
  if (at - state.windowStart < settings.windowMs) return { state: { ...state, worstLagMs }, change: null };
  const next: GovernorState = { ...state, windowStart: at, worstLagMs: 0 };
  if (worstLagMs > settings.slowLagMs) {
    next.calmSince = null;
    // One late second alone (a pause for garbage collection, a start) is over by the time it is
    // seen, and slowing would not undo it: a second late second running is a machine behind.
    if (state.lateLagMs === null) return { state: { ...next, lateLagMs: worstLagMs }, change: null };
    const worst = Math.max(state.lateLagMs, worstLagMs);
    next.lateLagMs = null;
    // Much later than the threshold: a bigger step, so a machine far behind is not left so for long.
    const factor = worst > 4 * settings.slowLagMs ? 1 / 2 : 2 / 3;
    const to = Math.max(settings.floor, roundSpeed(state.speed * factor));
    if (to >= state.speed) return { state: next, change: null };
    // Slowed again soon after a raise: the next raise waits twice as long.
    if (state.lastRaiseAt !== null && at - state.lastRaiseAt < 3 * settings.calmMs)
      next.calmNeededMs = Math.min(settings.maxCalmMs, state.calmNeededMs * 2);
    next.speed = to;
    return { state: next, change: { from: state.speed, to, worstLagMs: worst, calmForMs: 0 } };
  }
  next.lateLagMs = null;
  // A window neither late nor calm neither breaks a calm stretch nor ends one with a raise.
  if (worstLagMs > settings.calmLagMs) return { state: next, change: null };
  const calmSince = state.calmSince ?? state.windowStart;
  next.calmSince = calmSince;
  if (state.speed >= settings.requested || at - calmSince < state.calmNeededMs)
    return { state: next, change: null };
  // Far below the speed asked for, it doubles: from 1× back to 300× takes 11 calm stretches, not 26.
  const factor = state.speed < settings.requested / 4 ? 2 : 1.25;
  const to = Math.min(settings.requested, roundSpeed(state.speed * factor));
  next.speed = to;
  next.lastRaiseAt = at;
  next.calmSince = at;
  if (to === settings.requested) next.calmNeededMs = settings.calmMs;
  return { state: next, change: { from: state.speed, to, worstLagMs, calmForMs: at - calmSince } };
}

/** Whole numbers from 10× up, tenths below: speeds a person reads in a log line. */
export function roundSpeed(speed: number): number {
  return speed >= 10 ? Math.round(speed) : Math.max(0.1, Math.round(speed * 10) / 10);
}

/** The log line for a change, e.g. "clock slowed to 200× (asked for 300×): …". */
export function describeChange(change: SpeedChange, requested: number): string {
  const speed = (n: number) => `${n}×`;
  if (change.to < change.from)
    return (
      `clock slowed to ${speed(change.to)} (asked for ${speed(requested)}): ticks ran up to ` +
      `${Math.round(change.worstLagMs)} ms late, so the machine cannot keep up; simulated time now ` +
      'passes more slowly rather than deployments failing for it'
    );
  const calm = `ticks on time for ${Math.round(change.calmForMs / 1000)} s`;
  return change.to >= requested
    ? `clock back at ${speed(change.to)}, as asked: ${calm}`
    : `clock sped up to ${speed(change.to)} (asked for ${speed(requested)}): ${calm}`;
}
