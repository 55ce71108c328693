// A bake ends on time by itself: a one-time schedule answers its task token with success
// at the bake's end, so a healthy bake reads as TaskSucceeded in the execution history.
// An alarm, an abort or a promote answers the token first; the schedule then finds it
// spent and does nothing. The task's timeout stays as a safety net, a margin past the
// schedule, for a schedule that never fires: that bake passes as it always did.

/** How long past the bake's end the task's own timeout waits for the schedule. */
export const BAKE_TIMEOUT_MARGIN_SECONDS = 120;

/** The bake task's TimeoutSeconds: the bake, then the margin. */
export function bakeTimeoutSeconds(bakeSeconds: number): number {
  return bakeSeconds + BAKE_TIMEOUT_MARGIN_SECONDS;
}

/** What the schedule answers the token with; the state machine keeps it as `$.progress.resumed*Bake`. */
export interface BakeEnded {
  bakeEnded: 'on time';
  endsAt: string;
}

/** A schedule name's limits (EventBridge Scheduler): 1 to 64 of `[0-9a-zA-Z-_.]`. */
export const SCHEDULE_NAME = /^[0-9a-zA-Z\-_.]{1,64}$/;

/** Scheduler's one-time expression for `ms` (UTC), rounded up to the second. */
export function atExpression(ms: number): string {
  const iso = new Date(Math.ceil(ms / 1000) * 1000).toISOString();
  return `at(${iso.slice(0, 19)})`;
}
