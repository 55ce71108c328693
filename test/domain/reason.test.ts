// Why a deployment ended, from the error its state machine caught: an error while a hook ran
// names the hook, so a hook whose function is missing is not an anonymous error.

import { describe, expect, it } from 'vitest';
import { reasonFromError } from '../../shared/domain/reason.js';

const missing = {
  Error: 'ResourceNotFound',
  Cause: JSON.stringify({
    errorType: 'ResourceNotFound',
    errorMessage: 'Hook function web-smoke-test does not exist; deploy it or fix the hook in the catalog.',
  }),
};

describe('reasonFromError', () => {
  it('names the hook that was running when an error other than its failure came', () => {
    expect(reasonFromError(missing, 'hook:BeforeAllowTraffic')).toEqual({
      kind: 'error',
      error: 'ResourceNotFound',
      hook: 'BeforeAllowTraffic',
      message:
        'hook BeforeAllowTraffic could not run: ResourceNotFound: Hook function web-smoke-test does not exist; ' +
        'deploy it or fix the hook in the catalog.',
    });
  });

  it('names no hook for an error in another step', () => {
    expect(reasonFromError(missing, 'wait-healthy')).toEqual({
      kind: 'error',
      error: 'ResourceNotFound',
      message:
        'ResourceNotFound: Hook function web-smoke-test does not exist; deploy it or fix the hook in the catalog.',
    });
  });

  it("keeps a hook's own failure a hook reason, with its message as it was", () => {
    const failed = {
      Error: 'HookFailed',
      Cause: 'hook BeforeAllowTraffic (web-smoke-test) failed: GET /smoke answered 500',
    };
    expect(reasonFromError(failed, 'hook:BeforeAllowTraffic')).toEqual({
      kind: 'hook',
      hook: 'BeforeAllowTraffic',
      message: failed.Cause,
    });
  });
});
