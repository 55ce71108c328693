// The local cloud's log of repeated errors: the first occurrence at once, then one line a
// window with the count; no stack for an error with a name of its own, the stack (once) for a
// programming error; an error that stopped is logged at once when it comes back.

import { describe, expect, it } from 'vitest';
import { RepeatedErrors } from '../../local/repeated-errors.js';
import { AwsError } from '../../local/errors.js';

function logOf(windowMs?: number) {
  const lines: string[] = [];
  const clock = { now: 0 };
  const errors = new RepeatedErrors((line) => lines.push(line), {
    now: () => clock.now,
    ...(windowMs === undefined ? {} : { windowMs }),
  });
  return { lines, clock, errors };
}

const ruleNotFound = (service = 'web') => new AwsError('RuleNotFound', `Rule 'arn:…/${service}' not found`);

describe('RepeatedErrors', () => {
  it('logs an error once, then its count once a minute', () => {
    const { lines, clock, errors } = logOf();
    for (let tick = 0; tick < 600; tick += 1) {
      clock.now = tick * 100;
      errors.report('tick failed for web', ruleNotFound());
      errors.flush();
    }
    expect(lines).toEqual(["tick failed for web: RuleNotFound: Rule 'arn:…/web' not found"]);
    clock.now = 60_000;
    errors.flush();
    expect(lines).toHaveLength(2);
    expect(lines[1]).toBe(
      "tick failed for web: RuleNotFound: Rule 'arn:…/web' not found (repeated 599 times in the last minute)",
    );
  });

  it('keeps the errors of different services, and of different kinds, apart', () => {
    const { lines, errors } = logOf();
    errors.report('tick failed for web', ruleNotFound());
    errors.report('tick failed for api', ruleNotFound('api'));
    errors.report('tick failed for web', new AwsError('TargetGroupNotFound', 'gone'));
    errors.report('tick failed for web', ruleNotFound());
    expect(lines).toEqual([
      "tick failed for web: RuleNotFound: Rule 'arn:…/web' not found",
      "tick failed for api: RuleNotFound: Rule 'arn:…/api' not found",
      'tick failed for web: TargetGroupNotFound: gone',
    ]);
  });

  it('gives a programming error its stack the first time only', () => {
    const { lines, clock, errors } = logOf(1000);
    const bug = () => new TypeError("Cannot read properties of undefined (reading 'weight')");
    errors.report('tick failed for the alarms', bug());
    errors.report('tick failed for the alarms', bug());
    clock.now = 1000;
    errors.flush();
    expect(lines[0]).toMatch(/^tick failed for the alarms: TypeError: Cannot read .*\n\s+at /);
    expect(lines[1]).toBe(
      "tick failed for the alarms: TypeError: Cannot read properties of undefined (reading 'weight') (repeated once in the last 1 s)",
    );
  });

  it('forgets an error that stopped, and logs it at once when it comes back', () => {
    const { lines, clock, errors } = logOf();
    errors.report('tick failed for web', ruleNotFound());
    clock.now = 60_000;
    errors.flush();
    expect(lines).toHaveLength(1);
    clock.now = 61_000;
    errors.report('tick failed for web', ruleNotFound());
    expect(lines).toHaveLength(2);
    expect(lines[1]).not.toContain('repeated');
  });
});
