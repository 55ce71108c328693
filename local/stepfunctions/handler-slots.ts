// How many Task handlers the local cloud's executions may run at once. Every execution runs on
// the thread that also serves the HTTP API, so without a bound a hundred deployments starting
// together queue hundreds of AWS calls in front of each API request, and the API answers in
// seconds. With one, a handler call past the bound waits its turn, in order, before it starts:
// like a Lambda invocation held back by its function's concurrency, it has not begun, so its
// Task's timeout and its function's timeout start only when it runs. The API's own handler is
// not bound: it is called by the API server, not by an execution.

import { ExecutionStopped } from '../errors.js';

export class HandlerSlots {
  private running = 0;
  private readonly waiting: { start: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`a bound of ${limit} handlers at once`);
  }

  /** Handler calls waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves, with the function that gives the slot back, once a slot is free; rejects with
   * ExecutionStopped if `signal` aborts first (the call then never runs and holds no slot).
   */
  acquire(signal: AbortSignal): Promise<() => void> {
    if (signal.aborted) return Promise.reject(new ExecutionStopped());
    if (this.running < this.limit) {
      this.running += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const entry = {
        start: () => {
          signal.removeEventListener('abort', leave);
          resolve(this.releaser());
        },
      };
      const leave = () => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        reject(new ExecutionStopped());
      };
      signal.addEventListener('abort', leave, { once: true });
      this.waiting.push(entry);
    });
  }

  /** Gives the slot to the call waiting longest, or frees it; a second call does nothing. */
  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next === undefined) this.running -= 1;
      else next.start();
    };
  }
}
