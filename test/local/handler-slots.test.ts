// The bound on Task handlers running at once: no more than the bound run, the others start in
// the order they asked, a stopped execution's waiting call leaves the queue without running,
// and a slot given back twice is given back once.

import { describe, expect, it } from 'vitest';
import { ExecutionStopped } from '../../local/errors.js';
import { HandlerSlots } from '../../local/stepfunctions/handler-slots.js';

const never = new AbortController().signal;
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('HandlerSlots', () => {
  it('runs at most its bound at once, and starts the others in the order they asked', async () => {
    const slots = new HandlerSlots(2);
    const started: number[] = [];
    const releases: (() => void)[] = [];
    for (const call of [1, 2, 3, 4]) {
      void slots.acquire(never).then((release) => {
        started.push(call);
        releases.push(release);
      });
    }
    await settle();
    expect(started).toEqual([1, 2]);
    expect(slots.queued).toBe(2);
    releases[1]!();
    await settle();
    expect(started).toEqual([1, 2, 3]);
    releases[0]!();
    await settle();
    expect(started).toEqual([1, 2, 3, 4]);
    expect(slots.queued).toBe(0);
  });

  it('a call of a stopped execution leaves the queue without running, and holds no slot', async () => {
    const slots = new HandlerSlots(1);
    const first = await slots.acquire(never);
    const stop = new AbortController();
    const waiting = slots.acquire(stop.signal);
    const after = slots.acquire(never);
    stop.abort();
    await expect(waiting).rejects.toBeInstanceOf(ExecutionStopped);
    expect(slots.queued).toBe(1);
    first();
    await expect(after).resolves.toBeTypeOf('function');
  });

  it('a slot given back twice is given back once', async () => {
    const slots = new HandlerSlots(1);
    const release = await slots.acquire(never);
    const second = slots.acquire(never);
    const third = slots.acquire(never);
    release();
    release();
    await second;
    await settle();
    expect(slots.queued).toBe(1);
    void third;
  });

  it('refuses a bound that is not a whole number of at least 1', () => {
    expect(() => new HandlerSlots(0)).toThrow(RangeError);
    expect(() => new HandlerSlots(1.5)).toThrow(RangeError);
  });
});
