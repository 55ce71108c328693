// The fleet view (GET /services) read once and answered to every request that comes while it is
// fresh, instead of read again for each. With 100 services one read is three AWS calls and two
// hundred items; at 100 requests a second that is the whole of a local cloud's thread.
//
// What a caller can see, and why it is safe:
// - A view is answered only while it is at most `maxAgeMs` old, counted from when its read
//   began, so it is never older than that (0.5 s by default).
// - Never older than a write made through this API: every write the API makes (any route but a
//   GET) counts, and a view whose read began before the last such write finished is never
//   answered again. A client that acts and then reads sees its action, as with no reuse.
// - A request that finds the view past half its age answers with it and starts the next read,
//   so under steady load requests rarely wait for a read; a lone request past `maxAgeMs` waits
//   for a fresh one, as with no reuse.
// - Only a 200 is kept: an error is answered to the requests that shared its read, and the next
//   request reads again.
//
// Writes made elsewhere (a deployment's own steps, an alarm changing, an API instance on
// another Lambda container) show within `maxAgeMs` plus one read.

import type { ApiResponse } from './request.js';

export interface ViewReuseOptions {
  /** How old a view may be when answered, from when its read began (ms). */
  maxAgeMs?: number;
  /** Real time in ms; replaced in tests. */
  now?: () => number;
}

interface Read {
  /** Writes finished when the read began. */
  writes: number;
  startedAt: number;
  answer: Promise<ApiResponse>;
}

export class ViewReuse {
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private writesFinished = 0;
  private latest: Read | null = null;
  private next: Read | null = null;

  constructor({ maxAgeMs = 500, now = () => performance.now() }: ViewReuseOptions = {}) {
    if (!(maxAgeMs >= 0)) throw new Error(`maxAgeMs must be 0 or more, not ${maxAgeMs}`);
    this.maxAgeMs = maxAgeMs;
    this.now = now;
  }

  /** Records that a write through the API finished: no view read before it is answered again. */
  wrote(): void {
    this.writesFinished += 1;
    this.latest = null;
    this.next = null;
  }

  /** The view, read by `read` or shared with a read that is fresh enough. */
  async view(read: () => Promise<ApiResponse>): Promise<ApiResponse> {
    const now = this.now();
    const usable = (r: Read | null): r is Read =>
      r !== null && r.writes === this.writesFinished && now - r.startedAt <= this.maxAgeMs;
    if (usable(this.latest)) {
      if (now - this.latest.startedAt > this.maxAgeMs / 2 && this.next === null) this.start(read, now);
      return this.latest.answer;
    }
    if (usable(this.next)) return this.next.answer; // the read in flight
    return this.start(read, now).answer;
  }

  private start(read: () => Promise<ApiResponse>, now: number): Read {
    const entry: Read = { writes: this.writesFinished, startedAt: now, answer: read() };
    this.next = entry;
    const settle = (ok: boolean) => {
      if (this.next === entry) this.next = null;
      if (!ok) return;
      if (
        entry.writes === this.writesFinished &&
        (this.latest === null || this.latest.startedAt < entry.startedAt)
      )
        this.latest = entry;
    };
    entry.answer.then(
      (response) => settle(response.status === 200),
      () => settle(false),
    );
    return entry;
  }
}
