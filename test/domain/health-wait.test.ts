// The waits between looks at a starting task set: backed off, capped, and bounded in all.

import { describe, expect, it } from 'vitest';
import {
  HEALTH_LIMIT_SECONDS,
  HEALTH_LOOKS,
  HEALTH_MAX_WAIT_SECONDS,
  HEALTH_WAITS,
  healthWaitBefore,
  healthWaitedBy,
} from '../../shared/domain/health-wait.js';

describe('health waits', () => {
  it('back off 10, 20, 40 s, then stay at 40 s', () => {
    expect([1, 2, 3, 4, 5].map(healthWaitBefore)).toEqual([10, 20, 40, 40, 40]);
    expect(Math.max(...HEALTH_WAITS)).toBe(HEALTH_MAX_WAIT_SECONDS);
  });

  it('add up to the limit, 600 s, the last wait cut short to end there', () => {
    expect(HEALTH_LIMIT_SECONDS).toBe(600);
    expect(healthWaitedBy(HEALTH_LOOKS)).toBe(HEALTH_LIMIT_SECONDS);
    expect(healthWaitedBy(HEALTH_LOOKS - 1)).toBeLessThan(HEALTH_LIMIT_SECONDS);
    expect(HEALTH_WAITS.at(-1)).toBe(10);
    expect(HEALTH_LOOKS).toBe(17);
  });

  it('has no wait past the last look, and none before the first', () => {
    expect(healthWaitBefore(HEALTH_LOOKS + 1)).toBe(0);
    expect(healthWaitedBy(0)).toBe(0);
    expect(healthWaitedBy(2)).toBe(30);
  });
});
