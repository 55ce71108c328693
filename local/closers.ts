// What a local cloud's start has opened (servers listening, the handlers' environment), kept
// in the order it was opened. `stop()` closes it all, newest first; so does a start whose later
// stage fails, before it rethrows that stage's error (cloud-start.ts). Nothing opened is left
// to keep the process alive or to hold a port.

import { CloseFailed } from './errors.js';

interface Opened {
  what: string;
  close: () => Promise<void> | void;
}

export class Closers {
  private readonly opened: Opened[] = [];

  /** Registers what was just opened, with how to close it. */
  add(what: string, close: () => Promise<void> | void): void {
    this.opened.push({ what, close });
  }

  /**
   * Closes everything registered, newest first, each once. One that fails does not keep the
   * others open: they are all closed, then a CloseFailed names each that failed.
   */
  async closeAll(): Promise<void> {
    const failures: Error[] = [];
    for (let next = this.opened.pop(); next !== undefined; next = this.opened.pop()) {
      try {
        await next.close();
      } catch (error) {
        failures.push(
          new Error(`closing ${next.what} failed: ${(error as Error).message}`, { cause: error }),
        );
      }
    }
    if (failures.length > 0) throw new CloseFailed(failures, failures.map((f) => f.message).join('; '));
  }
}
