// Task tokens for `.waitForTaskToken` states run locally. A paused task waits on
// its token here; SendTaskSuccess / SendTaskFailure (or the engine's TaskTokens
// port, in tests) resolve it. A token is good for one answer only, as on AWS.

import { randomBytes } from 'node:crypto';
import type { TaskTokens, TokenOutcome } from '../../shared/ports/tokens.js';
import { TaskFailure } from '../errors.js';

interface Waiter {
  resolve: (output: unknown) => void;
  reject: (error: Error) => void;
}

export class TokenRegistry implements TaskTokens {
  private readonly waiting = new Map<string, Waiter>();

  issue(): string {
    return `local-${randomBytes(24).toString('base64url')}`;
  }

  /**
   * Waits for the token's answer. Call it before handing the token out, so an
   * answer that comes at once (an alarm already firing) cannot be missed.
   */
  wait(token: string): Promise<unknown> {
    return new Promise((resolve, reject) => this.waiting.set(token, { resolve, reject }));
  }

  /** The task ended some other way (timeout, abort): later answers find nothing. */
  forget(token: string): void {
    this.waiting.delete(token);
  }

  isWaiting(token: string): boolean {
    return this.waiting.has(token);
  }

  succeed(token: string, output: unknown): Promise<TokenOutcome> {
    return Promise.resolve(this.answer(token, { output }));
  }

  fail(token: string, error: string, cause: string): Promise<TokenOutcome> {
    return Promise.resolve(this.answer(token, { error: new TaskFailure(error, cause) }));
  }

  private answer(token: string, answer: { output?: unknown; error?: Error }): TokenOutcome {
    const waiter = this.waiting.get(token);
    if (waiter === undefined) return 'gone';
    this.waiting.delete(token);
    if (answer.error) waiter.reject(answer.error);
    else waiter.resolve(answer.output);
    return 'delivered';
  }
}
