// TaskTokens on AWS Step Functions: resumes (SendTaskSuccess) or fails (SendTaskFailure) a state
// paused on `.waitForTaskToken`, such as a bake.

import type { TaskTokens, TokenOutcome } from '../ports/tokens.js';
import { translateTransient } from './errors.js';
import type { JsonRequests } from './json-requests.js';

/** SendTaskFailure's limits: `error` up to 256 characters, `cause` up to 32,768. */
export const MAX_ERROR_LENGTH = 256;
export const MAX_CAUSE_LENGTH = 32_768;

/**
 * The task is over: it timed out, its execution ended, or another signal already resumed it.
 * At-least-once delivery makes a late or second signal normal, so it is not an error.
 */
const GONE_NAMES = new Set(['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken']);

export class SfnTaskTokens implements TaskTokens {
  constructor(private readonly sfn: JsonRequests) {}

  async succeed(token: string, output: unknown): Promise<TokenOutcome> {
    // `output` must be JSON; `undefined` would serialise to nothing, so it is sent as null.
    const json = JSON.stringify(output ?? null);
    return this.signal('SendTaskSuccess', () =>
      this.sfn.call('SendTaskSuccess', { taskToken: token, output: json }),
    );
  }

  async fail(token: string, error: string, cause: string): Promise<TokenOutcome> {
    return this.signal('SendTaskFailure', () =>
      this.sfn.call('SendTaskFailure', {
        taskToken: token,
        error: truncate(error, MAX_ERROR_LENGTH),
        cause: truncate(cause, MAX_CAUSE_LENGTH),
      }),
    );
  }

  private async signal(operation: string, send: () => Promise<unknown>): Promise<TokenOutcome> {
    try {
      await send();
      return 'delivered';
    } catch (error) {
      if (error instanceof Error && GONE_NAMES.has(error.name)) return 'gone';
      return translateTransient(operation, error);
    }
  }
}

/** Cuts `text` to `limit` UTF-16 units without splitting a surrogate pair. */
function truncate(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  const last = cut.charCodeAt(cut.length - 1);
  return last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut;
}
