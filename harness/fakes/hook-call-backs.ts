// HookCallBacks in memory: each call back is made at its time on the world's clock, by
// invoking run-hook as its schedule would (`deliver`, set when the handlers are built).

import type { SimClock } from '../../local/clock.js';
import type { HookCallBack, HookCallBacks } from '../../shared/ports/hook-call-backs.js';

type Scheduled = HookCallBack & { at: number; functionArn: string };

export class FakeHookCallBacks implements HookCallBacks {
  readonly scheduled: Scheduled[] = [];
  /** What each call back's invocation answered, or the error it failed with. */
  readonly answers: unknown[] = [];
  deliver: ((event: unknown) => Promise<unknown>) | undefined;

  constructor(private readonly clock: SimClock) {}

  schedule(callBack: Scheduled): Promise<void> {
    const key = (c: Scheduled) => `${c.token}#${c.call}`;
    if (this.scheduled.some((c) => key(c) === key(callBack))) return Promise.resolve();
    this.scheduled.push(callBack);
    const { at, deploymentId, hook, token, call } = callBack;
    const event = { deploymentId, hook, token, call };
    void this.clock.sleep(at - this.clock.now()).then(async () => {
      try {
        this.answers.push(await this.deliver?.({ callBack: event }));
      } catch (error) {
        this.answers.push(error);
      }
    });
    return Promise.resolve();
  }
}
