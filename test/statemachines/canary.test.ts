// canary.asl.json, run through every path with the real handlers over fakes.

import { describe, expect, it } from 'vitest';
import { failBakesWatching } from '../../shared/engine/on-alarm.js';
import { failNext } from '../../harness/fakes/tables.js';
import { expectAtRest, lastRecord, ledgerTypes } from '../support/at-rest.js';
import {
  AFTER_LAST_SHIFT,
  createWorld,
  DIGEST,
  drive,
  eventsOfType,
  REGISTRY,
  seedService,
  start,
  statesEntered,
  webImage,
  webWorld,
} from '../../harness/engine.js';

const V1 = webImage(1);
const V2 = webImage(2);
const setUp = webWorld;

function failures(execution: ReturnType<typeof start>, type: string) {
  return eventsOfType(execution, type).map(
    (e) => (e[`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`] as { error: string }).error,
  );
}

/** How long each entry of Wait state `name` held, in seconds: until the next state was entered. */
function waitedSeconds(execution: ReturnType<typeof start>, name: string): number[] {
  const entered = execution.history.filter((e) => e.type.endsWith('StateEntered'));
  return entered.flatMap((e, i) =>
    (e.stateEnteredEventDetails as { name: string }).name === name
      ? [(entered[i + 1]!.timestamp - e.timestamp) / 1000]
      : [],
  );
}

describe('canary state machine', () => {
  it('success: shifts 10% a minute to 100%, bakes, promotes, cleans up and frees the lock', async () => {
    const { world, rule, green } = setUp();
    const execution = start(world, 'canary', {
      service: 'web',
      image: V2,
      trigger: 'api',
      actor: 'operator:ana',
    });
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    await expectAtRest(world, 'web', V2);
    // Every weight the production rule went through, on the new target group.
    const candidateWeights = world.router.changes
      .filter((c) => c.ruleArn === rule)
      .map((c) => c.weights.find((w) => w.targetGroupArn === green)!.weight);
    expect(candidateWeights).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(ledgerTypes(world, 'web')).toEqual([
      'ReleaseStarted',
      ...Array(10).fill('TrafficShifted'),
      'Promoted',
    ]);
    expect(world.ledger.records('web')[0]).toMatchObject({
      release: 1,
      actor: 'operator:ana',
      detail: { trigger: 'api' },
    });
    // History: nine bakes, then the final bake, each ended on time by its schedule: a healthy
    // deployment reads as successes, not as ten timeouts.
    expect(statesEntered(execution).filter((s) => s === 'Bake')).toHaveLength(9);
    expect(failures(execution, 'TaskTimedOut')).toEqual([]);
    expect(world.bakeSchedules.fired).toEqual(Array(10).fill('delivered'));
    expect(world.bakeSchedules.pending.size).toBe(0);
    // After the last shift, straight to the final bake; the lock freed ends the run.
    expect(statesEntered(execution).slice(-AFTER_LAST_SHIFT.length)).toEqual(AFTER_LAST_SHIFT);
  });

  it('alarm during bake: the token fails at once and production goes back to the stable task set', async () => {
    const { world, rule, blue } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    // Run until the third step (30%) is baking.
    await drive(
      world,
      execution,
      () => world.watchers.watching.length > 0 && world.router.weightOf(rule, blue) === 70,
    );
    const before = world.clock.now();
    world.alarms.inAlarm.add('web-5xx-rate');
    const result = await failBakesWatching(world, 'web-5xx-rate', 'Threshold Crossed: 3 datapoints > 5%');
    expect(result.failed).toHaveLength(1);
    await drive(world, execution);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    expect(execution.cause).toContain('alarm web-5xx-rate went to ALARM during the bake');
    await expectAtRest(world, 'web', V1);
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'alarm', alarmName: 'web-5xx-rate' } },
    });
    // The rollback began without any simulated time passing: no polling, no wait.
    const rollBack = execution.history.find(
      (e) =>
        e.type === 'TaskStateEntered' && (e.stateEnteredEventDetails as { name: string }).name === 'RollBack',
    )!;
    expect(rollBack.timestamp).toBe(before);
    expect(failures(execution, 'TaskFailed')).toEqual(['AlarmFired']);
    expect(statesEntered(execution)).not.toContain('Promote');
  });

  it('an alarm already firing when the bake starts fails that bake at once (no lost race)', async () => {
    const { world, rule, blue } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution, () => world.router.weightOf(rule, blue) === 90);
    world.alarms.inAlarm.add('web-p99-latency');
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: { kind: 'alarm', alarmName: 'web-p99-latency' },
    });
    await expectAtRest(world, 'web', V1);
  });

  it('alarm already firing: refuses before any traffic moves, and records Aborted', async () => {
    const { world } = setUp();
    world.alarms.inAlarm.add('web-5xx-rate');
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(execution.cause).toContain('web-5xx-rate is already in ALARM');
    expect(statesEntered(execution)).toEqual([
      'ValidateInput',
      'AcquireLock',
      'CheckAlarms',
      'RollBack',
      'VerifyRollback?',
      'ReleaseLockAfterRollBack',
      'RolledBack',
    ]);
    expect(failures(execution, 'LambdaFunctionFailed')).toEqual(['AlarmAlreadyFiring']);
    expect(ledgerTypes(world, 'web')).toEqual(['ReleaseStarted', 'Aborted']);
    await expectAtRest(world, 'web', V1);
  });

  it('unhealthy task set: crashing tasks trip the circuit breaker and nothing is shifted', async () => {
    const { world } = setUp();
    world.ecs.profiles.set(V2, 'crashing');
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'web').detail).toMatchObject({ reason: { kind: 'health' } });
    expect(failures(execution, 'LambdaFunctionFailed')).toEqual(['TaskSetUnhealthy']);
    expect(statesEntered(execution)).not.toContain('ShiftTraffic');
    await expectAtRest(world, 'web', V1);
  });

  it('unhealthy task set: one that never becomes steady fails after its bounded waits, 600 s in all', async () => {
    const { world } = setUp();
    world.ecs.profiles.set(V2, 'unhealthy');
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    // The waits back off: 10, 20, then 40 s each, the last cut short to end at 600 s.
    const waits = waitedSeconds(execution, 'WaitForTasks');
    expect(waits).toEqual([10, 20, ...Array(14).fill(40), 10]);
    expect(waits.reduce((sum, w) => sum + w, 0)).toBe(600);
    expect(statesEntered(execution).filter((s) => s === 'CheckTaskSet')).toHaveLength(17);
    expect(execution.cause).toContain('not healthy after 600 s');
    await expectAtRest(world, 'web', V1);
  });

  it('the bound is on the clock, not a count of looks: looks every 10 s still get 600 s', async () => {
    const { world } = setUp();
    world.ecs.profiles.set(V2, 'unhealthy');
    // As an execution started before the backoff runs: its Wait is a fixed 10 s.
    const execution = start(world, 'canary', { service: 'web', image: V2 }, undefined, {
      wrap: (fn, handler) =>
        fn === 'check-task-set'
          ? async (event, context) => ({ ...((await handler(event, context)) as object), waitSeconds: 10 })
          : handler,
    });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(waitedSeconds(execution, 'WaitForTasks')).toEqual(Array(60).fill(10));
    expect(execution.cause).toContain('not healthy after 600 s');
  });

  it('a task set that takes a minute to start: looked at after 10, 20 and 40 s, three rounds', async () => {
    const world = createWorld();
    world.ecs.checksUntilSteady = 3;
    seedService(world, 'web');
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    expect(waitedSeconds(execution, 'WaitForTasks')).toEqual([10, 20, 40]);
    expect(statesEntered(execution).filter((s) => s === 'TaskSetHealthy?')).toHaveLength(3);
  });

  it('hook failure: BeforeAllowTraffic fails, and the reason names the hook', async () => {
    const { world } = setUp();
    world.hooks.results.set('web-smoke-test', { status: 'Failed', message: 'GET /health answered 500' });
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: {
        kind: 'hook',
        hook: 'BeforeAllowTraffic',
        message: expect.stringContaining('GET /health answered 500'),
      },
    });
    // run-hook failed the hook's token: the Task failed as a wait fails, not as its Lambda.
    expect(failures(execution, 'TaskFailed')).toEqual(['HookFailed']);
    expect(failures(execution, 'LambdaFunctionFailed')).toEqual([]);
    await expectAtRest(world, 'web', V1);
  });

  it('hook timeout: a hook that never answers times out and rolls back', async () => {
    const { world } = setUp();
    world.hooks.results.set('web-smoke-test', 'hang');
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(failures(execution, 'TaskTimedOut')).toEqual(['States.Timeout']);
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: { kind: 'hook', hook: 'BeforeAllowTraffic' },
    });
    await expectAtRest(world, 'web', V1);
  });

  it('transient error retried: throttled weight changes are retried and the deployment succeeds', async () => {
    const { world } = setUp();
    failNext(world.router, 'setWeights', 2);
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    expect(failures(execution, 'LambdaFunctionFailed')).toEqual(['TransientError', 'TransientError']);
    // Retried in place: ShiftTraffic scheduled three times for its first entry.
    const first = execution.history.findIndex(
      (e) =>
        e.type === 'TaskStateEntered' &&
        (e.stateEnteredEventDetails as { name: string }).name === 'ShiftTraffic',
    );
    const scheduled = execution.history.slice(first).findIndex((e) => e.type === 'TaskStateExited');
    expect(
      eventsOfType(
        { ...execution, history: execution.history.slice(first, first + scheduled) },
        'LambdaFunctionScheduled',
      ),
    ).toHaveLength(3);
    await expectAtRest(world, 'web', V2);
    // Nothing recorded twice.
    expect(ledgerTypes(world, 'web').filter((t) => t === 'TrafficShifted')).toHaveLength(10);
  });

  it('ledger race lost: an append that loses to other writers 8 times is retried, and written once', async () => {
    const { world } = setUp();
    // The first step's ledger append (ReleaseStarted) loses every race it tries: appendOnce
    // gives up with TransientError, which AcquireLock's Retry names.
    const put = world.ledger.put.bind(world.ledger);
    let losses = 8;
    world.ledger.put = (record) => (losses-- > 0 ? Promise.resolve(false) : put(record));
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    expect(failures(execution, 'LambdaFunctionFailed')).toEqual(['TransientError']);
    expect(statesEntered(execution).slice(0, 3)).toEqual(['ValidateInput', 'AcquireLock', 'CheckAlarms']);
    expect(ledgerTypes(world, 'web').filter((t) => t === 'ReleaseStarted')).toHaveLength(1);
    await expectAtRest(world, 'web', V2);
  });

  it('lock contention: a second deployment of a busy service fails fast and changes nothing', async () => {
    const { world } = setUp();
    await world.locks.acquire('web', 'web-other', world.clock.now() + 3_600_000, world.clock.now());
    const execution = start(world, 'canary', { service: 'web', image: V2, trigger: 'api' });
    await drive(world, execution);

    expect(execution.error).toBe('DeploymentInProgress');
    expect(execution.cause).toContain('being deployed by web-other');
    expect(statesEntered(execution)).toEqual(['ValidateInput', 'AcquireLock', 'Busy']);
    expect(world.ledger.records('web')).toEqual([]);
    expect(await world.locks.holder('web')).toMatchObject({ deploymentId: 'web-other' });
    expect(world.ecs.setsOf({ cluster: 'prod', service: 'web' })).toHaveLength(1);
  });

  it('lock contention: a push to a busy service waits, the newest push wins, and it starts when the lock frees', async () => {
    const { world } = setUp();
    const first = start(world, 'canary', { service: 'web', image: V2, trigger: 'push', actor: 'ecr-push' });
    await drive(world, first, () => world.router.changes.length > 0);
    const newer = `${REGISTRY}/web@${DIGEST(4)}`;
    const older = `${REGISTRY}/web@${DIGEST(3)}`;
    for (const [image, pushedAt] of [
      [newer, '2026-01-01T00:10:00Z'],
      [older, '2026-01-01T00:05:00Z'],
    ] as const) {
      const queued = start(world, 'canary', {
        service: 'web',
        image,
        trigger: 'push',
        actor: 'ecr-push',
        pushedAt,
      });
      await drive(world, queued);
      expect(queued.status).toBe('SUCCEEDED');
      expect(statesEntered(queued).at(-1)).toBe('Queued');
    }
    await drive(world, first);
    expect(first.status).toBe('SUCCEEDED');
    expect(world.executions.started).toEqual([
      {
        machine: 'canary',
        name: expect.stringMatching(/^web-040404040404-q\d+$/),
        input: expect.objectContaining({ image: newer }),
      },
    ]);
    expect(world.locks.waiting.size).toBe(0);
  });

  it('out-of-order pushes: an older push never replaces a newer one, deploying or live', async () => {
    const { world } = setUp();
    const push = (image: string, pushedAt: string) =>
      start(world, 'canary', { service: 'web', image, trigger: 'push', actor: 'ecr-push', pushedAt });
    const newer = push(V2, '2026-01-01T00:10:00Z');
    await drive(world, newer, () => world.router.changes.length > 0);
    const olderWhileBusy = push(`${REGISTRY}/web@${DIGEST(3)}`, '2026-01-01T00:05:00Z');
    await drive(world, olderWhileBusy);
    expect(statesEntered(olderWhileBusy).at(-1)).toBe('StalePushIgnored');
    expect(world.locks.waiting.size).toBe(0);
    await drive(world, newer);
    const olderAfterwards = push(`${REGISTRY}/web@${DIGEST(4)}`, '2026-01-01T00:06:00Z');
    await drive(world, olderAfterwards);
    expect(statesEntered(olderAfterwards).at(-1)).toBe('StalePushIgnored');
    await expectAtRest(world, 'web', V2);
    expect(ledgerTypes(world, 'web').filter((t) => t === 'ReleaseStarted')).toHaveLength(1);
  });

  it('one build under two tags: the second push of the image being deployed is dropped, not queued', async () => {
    const { world } = setUp();
    const push = (tag: string) =>
      start(world, 'canary', {
        service: 'web',
        image: V2.replace('@', `:${tag}@`),
        trigger: 'push',
        actor: 'ecr-push',
        pushedAt: '2026-01-01T00:10:00Z',
      });
    const first = push('v2');
    await drive(world, first, () => world.router.changes.length > 0);
    const second = push('v2.0');
    await drive(world, second);
    expect(statesEntered(second).at(-1)).toBe('StalePushIgnored');
    expect(world.locks.waiting.size).toBe(0);
    await drive(world, first);
    expect(world.executions.started).toEqual([]);
    expect(ledgerTypes(world, 'web').filter((t) => t === 'ReleaseStarted')).toHaveLength(1);
  });

  it('rollback that itself meets a transient error is retried and completes', async () => {
    const { world } = setUp();
    world.hooks.results.set('web-smoke-test', { status: 'Failed', message: 'smoke test failed' });
    failNext(world.ecs, 'remove', 2);
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(statesEntered(execution).filter((s) => s === 'RollBack')).toHaveLength(1);
    expect(failures(execution, 'TaskFailed')).toEqual(['HookFailed']);
    expect(failures(execution, 'LambdaFunctionFailed')).toEqual(['TransientError', 'TransientError']);
    await expectAtRest(world, 'web', V1);
    expect(ledgerTypes(world, 'web')).toEqual(['ReleaseStarted', 'Aborted']);
  });

  it('operator abort during a bake rolls back with the operator as the reason', async () => {
    const { world, rule, blue } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(
      world,
      execution,
      () => world.watchers.watching.length > 0 && world.router.weightOf(rule, blue) === 50,
    );
    const token = (await world.deployments.get(execution.name))!.bake!.token;
    expect(await world.tokens.fail(token, 'DeploymentAborted', 'aborted by operator:ana: error budget')).toBe(
      'delivered',
    );
    await drive(world, execution);

    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web').detail).toMatchObject({ reason: { kind: 'operator' } });
    await expectAtRest(world, 'web', V1);
  });

  it('bad console input fails in the first state with a readable cause, and changes nothing', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: 'web:v2' });
    await drive(world, execution);

    expect(execution.error).toBe('DeploymentRequestInvalid');
    expect(execution.cause).toContain('mutable tag');
    expect(statesEntered(execution)).toEqual(['ValidateInput', 'InputInvalid']);
    expect(world.ledger.records('web')).toEqual([]);
  });

  it('refuses a strategy that belongs to another state machine', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2, strategy: 'blue-green' });
    await drive(world, execution);
    expect(execution.error).toBe('DeploymentRequestInvalid');
    expect(execution.cause).toContain('runs on the blue-green state machine');
  });
});
