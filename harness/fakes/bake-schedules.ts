// An in-memory BakeSchedules on the test's clock: at a bake's end it answers the token
// with success, as the Scheduler's schedule does. `firing = false` models a schedule that
// never fires (the task's own timeout must then pass the bake).

import type { SimClock } from '../../local/clock.js';
import type { BakeEnded } from '../../shared/domain/bake-schedule.js';
import type { BakeSchedule, BakeSchedules } from '../../shared/ports/bake-schedules.js';
import type { TaskTokens, TokenOutcome } from '../../shared/ports/tokens.js';

export class FakeBakeSchedules implements BakeSchedules {
  /** Schedules not yet fired nor cancelled, by token. */
  readonly pending = new Map<string, AbortController>();
  readonly created: string[] = [];
  readonly cancelled: string[] = [];
  /** What each firing's SendTaskSuccess answered ('gone': the token was already spent). */
  readonly fired: TokenOutcome[] = [];
  firing = true;

  constructor(
    private readonly clock: SimClock,
    private readonly tokens: TaskTokens,
  ) {}

  async schedule({ token, endsAt }: BakeSchedule & { endsAt: number }): Promise<void> {
    if (this.pending.has(token) || this.created.includes(token)) return;
    this.created.push(token);
    const cancel = new AbortController();
    this.pending.set(token, cancel);
    if (!this.firing) return;
    await Promise.resolve();
    void this.clock.sleep(endsAt - this.clock.now(), cancel.signal).then(async () => {
      if (cancel.signal.aborted) return;
      this.pending.delete(token);
      const output: BakeEnded = { bakeEnded: 'on time', endsAt: new Date(endsAt).toISOString() };
      this.fired.push(await this.tokens.succeed(token, output));
    });
  }

  cancel({ token }: BakeSchedule): Promise<void> {
    const pending = this.pending.get(token);
    if (pending !== undefined) {
      this.pending.delete(token);
      this.cancelled.push(token);
      pending.abort();
    }
    return Promise.resolve();
  }
}
