// How the local cloud logs an error that keeps happening. The world ticks ten times a second,
// so a broken service would otherwise fill the log with the same line: here the first
// occurrence is logged at once, and then, once a window (a minute) has passed, how many times
// it happened since, in one line. An error that stops is forgotten, so it is logged at once
// again if it comes back. Errors the local cloud expects (AWS's errors, the engine's: anything
// with a name of its own) are one line; a programming error (TypeError, a bare Error) carries
// its stack, the first time only.

export interface RepeatedErrorsOptions {
  /** Real milliseconds between two lines about the same error (default: a minute). */
  windowMs?: number;
  /** The real clock (tests pass their own). */
  now?: () => number;
}

interface Seen {
  what: string;
  message: string;
  since: number;
  repeats: number;
}

/** JavaScript's own error names: an error named so is a bug, and its stack says where. */
const PROGRAMMING_ERRORS = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError',
]);

export class RepeatedErrors {
  private readonly seen = new Map<string, Seen>();
  private readonly windowMs: number;
  private readonly now: () => number;

  constructor(
    private readonly log: (line: string) => void,
    options: RepeatedErrorsOptions = {},
  ) {
    this.windowMs = options.windowMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** `what` failed with `error` (e.g. "tick failed for web"): logged now, or counted. */
  report(what: string, error: unknown): void {
    const name = error instanceof Error ? error.name : typeof error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    const key = `${what}\u0000${name}`;
    const seen = this.seen.get(key);
    if (seen !== undefined) {
      seen.repeats += 1;
      seen.message = message;
      this.flush();
      return;
    }
    this.seen.set(key, { what, message, since: this.now(), repeats: 0 });
    const stack = error instanceof Error && PROGRAMMING_ERRORS.has(error.name) ? error.stack : undefined;
    this.log(`${what}: ${stack ?? message}`);
  }

  /**
   * Logs the count of each error whose window has ended, and forgets the ones that did not
   * happen again in it. Call it often (every tick): a count is logged at most a tick late.
   */
  flush(): void {
    const now = this.now();
    for (const [key, seen] of this.seen) {
      if (now - seen.since < this.windowMs) continue;
      if (seen.repeats === 0) {
        this.seen.delete(key);
        continue;
      }
      const times = seen.repeats === 1 ? 'once' : `${seen.repeats} times`;
      this.log(`${seen.what}: ${seen.message} (repeated ${times} in the last ${this.windowText()})`);
      seen.since = now;
      seen.repeats = 0;
    }
  }

  private windowText(): string {
    if (this.windowMs === 60_000) return 'minute';
    return `${Math.round(this.windowMs / 100) / 10} s`;
  }
}
