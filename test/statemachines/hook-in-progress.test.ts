// A lifecycle hook in ECS's contract that answers IN_PROGRESS, through canary.asl.json and the
// real handlers over fakes: it is called again after its callBackDelay with its hookDetails, for
// as long as hookTimeoutSeconds allows, and its Task is one wait for its token throughout.

import { describe, expect, it } from 'vitest';
import { hookVerdict } from '../../shared/domain/hook-verdict.js';
import { abort } from '../../shared/engine/operator.js';
import { expectAtRest, lastRecord } from '../support/at-rest.js';
import {
  createWorld,
  exampleCatalog,
  drive,
  eventsOfType,
  seedService,
  start,
  statesEntered,
  webImage,
} from '../../harness/engine.js';

const V1 = webImage(1);
const V2 = webImage(2);
const HOOK = 'web-smoke-test';
const inProgress = (n: number) =>
  hookVerdict({ hookStatus: 'IN_PROGRESS', callBackDelay: 30, hookDetails: { n } });

/** The demo's web service (canary, BeforeAllowTraffic hook), with its hookTimeoutSeconds set. */
function setUp(hookTimeoutSeconds = 300) {
  const world = createWorld(
    exampleCatalog((services) => {
      services.web!.hookTimeoutSeconds = hookTimeoutSeconds;
    }),
  );
  seedService(world, 'web');
  return world;
}

describe('a hook that answers IN_PROGRESS', () => {
  it('three times, then SUCCEEDED: called again after each delay with its hookDetails, and passes', async () => {
    const world = setUp();
    const calledAt: number[] = [];
    world.hooks.results.set(HOOK, (n) => {
      calledAt.push(world.clock.now());
      return n <= 3 ? inProgress(n) : hookVerdict({ hookStatus: 'SUCCEEDED' });
    });
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    const calls = world.hooks.calls.filter((c) => c.functionName === HOOK);
    expect(calls.map((c) => c.event.hookDetails)).toEqual([undefined, { n: 1 }, { n: 2 }, { n: 3 }]);
    expect(calledAt.slice(1).map((at, i) => at - calledAt[i]!)).toEqual([30_000, 30_000, 30_000]);
    // One wait for the token, however many calls: one state entered, one transition.
    expect(statesEntered(execution).filter((s) => s === 'BeforeAllowTraffic')).toHaveLength(1);
    expect(eventsOfType(execution, 'TaskSucceeded').length).toBeGreaterThan(0);
    const record = (await world.deployments.get(execution.name))!;
    expect(record.hookResults).toEqual([
      { hook: 'BeforeAllowTraffic', status: 'Succeeded', calls: 4, endedAt: calledAt[3] },
    ]);
    expect(record.hookWait).toBeUndefined();
    await expectAtRest(world, 'web', V2);
  });

  it('until hookTimeoutSeconds ends: rolls back with a timeout reason, and no call is made after', async () => {
    const world = setUp(120);
    world.hooks.results.set(HOOK, (n) => inProgress(n));
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    const timedOut = eventsOfType(execution, 'TaskTimedOut').map(
      (e) => (e.taskTimedOutEventDetails as { error: string }).error,
    );
    expect(timedOut).toEqual(['States.Timeout']);
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: { kind: 'hook', hook: 'BeforeAllowTraffic', message: 'hook BeforeAllowTraffic timed out' },
    });
    // Called at 0, 30, 60 and 90 s; a call at 120 s, the deadline, is never scheduled.
    expect(world.hooks.calls.filter((c) => c.functionName === HOOK)).toHaveLength(4);
    expect(world.hookCallBacks.scheduled.map((c) => c.call)).toEqual([2, 3, 4]);
    await expectAtRest(world, 'web', V1);
  });

  it('{} instead: fails at once, quoting the answer', async () => {
    const world = setUp();
    world.hooks.results.set(HOOK, hookVerdict({}));
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: { kind: 'hook', hook: 'BeforeAllowTraffic', message: expect.stringContaining('answered {}') },
    });
    expect((await world.deployments.get(execution.name))!.hookResults).toMatchObject([
      { hook: 'BeforeAllowTraffic', status: 'Failed', calls: 1 },
    ]);
    await expectAtRest(world, 'web', V1);
  });

  it('FAILED on its third call: the reason says after how many calls', async () => {
    const world = setUp();
    world.hooks.results.set(HOOK, (n) => (n < 3 ? inProgress(n) : hookVerdict({ hookStatus: 'FAILED' })));
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: {
        message:
          'hook BeforeAllowTraffic (web-smoke-test) failed after 3 calls: the hook answered hookStatus FAILED',
      },
    });
  });

  it('a call back that comes late, twice, or after the hook ended does nothing', async () => {
    const world = setUp();
    world.hooks.results.set(HOOK, (n) =>
      n === 1 ? inProgress(n) : hookVerdict({ hookStatus: 'SUCCEEDED' }),
    );
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    const [callBack] = world.hookCallBacks.scheduled;
    const { at: _, functionArn: __, ...event } = callBack!;
    // Its schedule fired twice (at-least-once delivery), or was forged with the token it carried.
    expect(await world.hookCallBacks.deliver!({ callBack: event })).toMatchObject({ outcome: 'over' });
    expect(world.hooks.calls.filter((c) => c.functionName === HOOK)).toHaveLength(2);
  });

  it('an abort between its calls fails its wait at once: it rolls back without waiting for the next call', async () => {
    const world = setUp(3600);
    world.hooks.results.set(HOOK, (n) => inProgress(n));
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution, () => world.hooks.calls.length === 2);
    const abortedAt = world.clock.now();

    const taken = await abort(world, execution.name, { actor: 'operator:lee', reason: 'wrong image' });
    expect(taken.effect).toBe("the hook's token was failed: the deployment rolls back");
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'web').detail).toMatchObject({ reason: { kind: 'operator' } });
    expect(world.hooks.calls).toHaveLength(2);
    expect(world.clock.now() - abortedAt).toBeLessThan(30_000);
    await expectAtRest(world, 'web', V1);
  });
});
