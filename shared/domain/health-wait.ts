// How long the state machines wait between looks at a starting task set. The waits back off
// (10, 20, 40 s, then 40 s each), so a task set that takes a minute to start costs three
// rounds of Wait, look and Choice instead of six; a slow one is looked at no more than every
// 40 s. The time is bounded, as before, at 600 s from when the waits began: the last wait is
// cut short to end there, and a task set not steady at that look fails the deployment
// (TaskSetUnhealthy). The bound is on the clock, not on a count of looks, so it holds however
// long each look and transition took, and for an execution whose waits were fixed at 10 s.

/** The first wait, doubled after each look that finds the task set still starting. */
export const HEALTH_FIRST_WAIT_SECONDS = 10;
/** The longest wait between two looks. */
export const HEALTH_MAX_WAIT_SECONDS = 40;
/** The time a task set (or a rolling batch) has to become steady, from when the waits began. */
export const HEALTH_LIMIT_SECONDS = 600;

/** The wait before look `look` (1 for the first), backed off: 10, 20, 40, 40, … */
export function healthBackoff(look: number): number {
  return Math.min(HEALTH_FIRST_WAIT_SECONDS * 2 ** Math.max(0, look - 1), HEALTH_MAX_WAIT_SECONDS);
}

/**
 * The wait before look `look`, `waitedSeconds` after the waits began: the backoff, cut short
 * so the last look comes at the limit (at least 1 s, the shortest Wait worth a transition).
 */
export function nextHealthWait(look: number, waitedSeconds: number): number {
  return Math.max(1, Math.min(healthBackoff(look), HEALTH_LIMIT_SECONDS - waitedSeconds));
}
