// The waits between looks at a starting task set: backed off, capped, and bounded in time.

import { describe, expect, it } from 'vitest';
import {
  HEALTH_LIMIT_SECONDS,
  HEALTH_MAX_WAIT_SECONDS,
  healthBackoff,
  nextHealthWait,
} from '../../shared/domain/health-wait.js';

/** The waits a task set that never becomes steady gets, each look on time. */
function waitsUntilTheLimit(): number[] {
  const waits = [healthBackoff(1)];
  let waited = waits[0]!;
  while (waited < HEALTH_LIMIT_SECONDS) {
    const wait = nextHealthWait(waits.length + 1, waited);
    waits.push(wait);
    waited += wait;
  }
  return waits;
}

describe('health waits', () => {
  it('back off 10, 20, 40 s, then stay at 40 s', () => {
    expect([1, 2, 3, 4, 5, 30].map(healthBackoff)).toEqual([10, 20, 40, 40, 40, HEALTH_MAX_WAIT_SECONDS]);
  });

  it('add up to the limit, 600 s, the last wait cut short to end there: 17 looks', () => {
    expect(HEALTH_LIMIT_SECONDS).toBe(600);
    const waits = waitsUntilTheLimit();
    expect(waits).toEqual([10, 20, ...Array(14).fill(40), 10]);
    expect(waits.reduce((sum, w) => sum + w, 0)).toBe(HEALTH_LIMIT_SECONDS);
  });

  it('cut short by the time taken, not by a count of looks: a late look waits less', () => {
    expect(nextHealthWait(4, 100)).toBe(40);
    expect(nextHealthWait(4, 585)).toBe(15);
    expect(nextHealthWait(4, 600)).toBe(1);
  });
});
