// How long the state machines wait between looks at a starting task set. The waits back off
// (10, 20, 40 s, then 40 s each), so a task set that takes a minute to start costs three
// rounds of Wait, look and Choice instead of six; a slow one is looked at no more than every
// 40 s. The total stays bounded, as before, at 600 s: the last wait is cut short to end there,
// and a task set not steady at that look fails the deployment (TaskSetUnhealthy).

/** The first wait, doubled after each look that finds the task set still starting. */
export const HEALTH_FIRST_WAIT_SECONDS = 10;
/** The longest wait between two looks. */
export const HEALTH_MAX_WAIT_SECONDS = 40;
/** The time a task set (or a rolling batch) has to become steady, summed over the waits. */
export const HEALTH_LIMIT_SECONDS = 600;

/** The waits before each look, in order: 10, 20, 40, 40, …, and the last cut short to end at the limit. */
export const HEALTH_WAITS: readonly number[] = backedOffWaits();

/** How many looks a task set gets: one after each wait. */
export const HEALTH_LOOKS = HEALTH_WAITS.length;

/** The wait before look `look` (1 for the first); 0 past the last. */
export function healthWaitBefore(look: number): number {
  return HEALTH_WAITS[look - 1] ?? 0;
}

/** The seconds waited in all by look `look` (0 before the first). */
export function healthWaitedBy(look: number): number {
  return HEALTH_WAITS.slice(0, Math.max(0, look)).reduce((sum, wait) => sum + wait, 0);
}

function backedOffWaits(): number[] {
  const waits: number[] = [];
  let wait = HEALTH_FIRST_WAIT_SECONDS;
  let waited = 0;
  while (waited < HEALTH_LIMIT_SECONDS) {
    const next = Math.min(wait, HEALTH_LIMIT_SECONDS - waited);
    waits.push(next);
    waited += next;
    wait = Math.min(wait * 2, HEALTH_MAX_WAIT_SECONDS);
  }
  return waits;
}
