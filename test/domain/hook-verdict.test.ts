// A hook's answer passes it only in one of the two contracts, read explicitly; everything else
// fails it, with the answer quoted (fail closed). The properties run over arbitrary JSON.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALL_BACK_DELAY_SECONDS,
  hookVerdict,
  MAX_CALL_BACK_DELAY_SECONDS,
  MAX_HOOK_MESSAGE_LENGTH,
} from '../../shared/domain/hook-verdict.js';

describe("Cutover's contract", () => {
  it.each([
    [{ status: 'Succeeded' }, { status: 'Succeeded' }],
    [
      { status: 'Succeeded', message: 'checked 3 routes' },
      { status: 'Succeeded', message: 'checked 3 routes' },
    ],
    [
      { status: 'Failed', message: 'GET /health answered 503' },
      { status: 'Failed', message: 'GET /health answered 503' },
    ],
    [{ status: 'Failed' }, { status: 'Failed', message: 'the hook answered Failed without a message' }],
  ])('%j is %j', (answer, verdict) => {
    expect(hookVerdict(answer)).toEqual(verdict);
  });

  it.each([
    { status: 'succeeded' },
    { status: 'Success' },
    { status: true },
    { status: 'Succeeded', message: 42 },
  ])('%j fails the hook, quoting it', (answer) => {
    expect(hookVerdict(answer)).toEqual({
      status: 'Failed',
      message: expect.stringContaining(JSON.stringify(answer)),
    });
  });
});

describe("ECS's lifecycle-hook contract", () => {
  it('SUCCEEDED passes and FAILED fails', () => {
    expect(hookVerdict({ hookStatus: 'SUCCEEDED' })).toEqual({ status: 'Succeeded' });
    expect(hookVerdict({ hookStatus: 'FAILED' })).toEqual({
      status: 'Failed',
      message: 'the hook answered hookStatus FAILED',
    });
  });

  it('IN_PROGRESS asks to be called again after callBackDelay, 30 s when it gives none, with its hookDetails', () => {
    expect(hookVerdict({ hookStatus: 'IN_PROGRESS' })).toEqual({
      status: 'InProgress',
      callBackDelaySeconds: DEFAULT_CALL_BACK_DELAY_SECONDS,
    });
    expect(
      hookVerdict({ hookStatus: 'IN_PROGRESS', callBackDelay: 60, hookDetails: { runId: 'r-7' } }),
    ).toEqual({
      status: 'InProgress',
      callBackDelaySeconds: 60,
      hookDetails: { runId: 'r-7' },
    });
  });

  it.each([
    ['a delay of 0', { hookStatus: 'IN_PROGRESS', callBackDelay: 0 }],
    ['a fractional delay', { hookStatus: 'IN_PROGRESS', callBackDelay: 1.5 }],
    ['a delay in text', { hookStatus: 'IN_PROGRESS', callBackDelay: '30' }],
    ['a delay over the most', { hookStatus: 'IN_PROGRESS', callBackDelay: MAX_CALL_BACK_DELAY_SECONDS + 1 }],
    ['hookDetails that are a list', { hookStatus: 'IN_PROGRESS', hookDetails: [1, 2] }],
    ['hookDetails over 32 KiB', { hookStatus: 'IN_PROGRESS', hookDetails: { big: 'x'.repeat(33 * 1024) } }],
    ['a lowercase status', { hookStatus: 'succeeded' }],
    ['both contracts at once', { status: 'Succeeded', hookStatus: 'FAILED' }],
  ])('%s fails the hook', (_, answer) => {
    expect(hookVerdict(answer).status).toBe('Failed');
  });
});

describe('fail closed', () => {
  it.each([undefined, null, 'OK', true, 200, [], {}, { checked: 'sha256:…' }, { Status: 'Succeeded' }])(
    '%j fails the hook',
    (answer) => {
      expect(hookVerdict(answer)).toEqual({
        status: 'Failed',
        message: expect.stringContaining('which is neither'),
      });
    },
  );

  it('no JSON value passes unless it is one of the passing forms', () => {
    const passing = (answer: unknown) =>
      typeof answer === 'object' &&
      answer !== null &&
      (('status' in answer && answer.status === 'Succeeded' && !('hookStatus' in answer)) ||
        ('hookStatus' in answer && answer.hookStatus === 'SUCCEEDED' && !('status' in answer)));
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            status: fc.oneof(fc.constantFrom('Succeeded', 'Failed'), fc.string()),
            message: fc.option(fc.string(), { nil: undefined }),
          }),
          fc.record({
            hookStatus: fc.oneof(fc.constantFrom('SUCCEEDED', 'FAILED', 'IN_PROGRESS'), fc.string()),
          }),
        ),
        (answer) => {
          const verdict = hookVerdict(answer);
          if (verdict.status === 'Succeeded') expect(passing(answer)).toBe(true);
          if (verdict.status === 'Failed')
            expect(verdict.message.length).toBeLessThanOrEqual(MAX_HOOK_MESSAGE_LENGTH);
        },
      ),
    );
  });
});
