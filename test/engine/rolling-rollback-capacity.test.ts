// A rolling rollback deletes the new task set only once the stable task set, scaled back to
// full size, can carry production (shared/engine/restored-capacity.ts). Until then the step
// fails with TransientError, the state machine retries it, and the new task set keeps
// serving. Runs the real rolling ASL and handlers over the engine's in-memory fakes.

import { describe, expect, it } from 'vitest';
import { failBakesWatching } from '../../shared/engine/on-alarm.js';
import { carriesProduction, RESTORE_WAIT_SECONDS } from '../../shared/engine/restored-capacity.js';
import type { TaskSetCapacity } from '../../shared/ports/ecs.js';
import { expectAtRest } from '../support/at-rest.js';
import {
  createWorld,
  DIGEST,
  drive,
  eventsOfType,
  REGISTRY,
  seedService,
  start,
} from '../../harness/engine.js';

const V1 = `${REGISTRY}/platform/worker@${DIGEST(1)}`;
const V2 = `${REGISTRY}/platform/worker@${DIGEST(2)}`;
const service = { cluster: 'prod', service: 'worker' };
const STABLE = 'ecs-svc/stable-worker';

/**
 * The worker service in its final bake (the new task set at 100%, the old one at 0%), with a
 * stable task set whose restored tasks are not ready until the test says so. Records, for each
 * task set deleted, whether the stable set could carry production at that moment.
 */
async function inFinalBake() {
  const world = createWorld();
  seedService(world, 'worker');
  const gate = { stableReady: false };
  const capacity = world.ecs.capacity.bind(world.ecs);
  world.ecs.capacity = async (svc, id): Promise<TaskSetCapacity> => {
    const reported = await capacity(svc, id);
    if (id !== STABLE || gate.stableReady) return reported;
    return { ...reported, running: 0, pending: reported.desired, steady: false };
  };
  const removals: { id: string; stableCarried: boolean }[] = [];
  const remove = world.ecs.remove.bind(world.ecs);
  world.ecs.remove = (svc, id) => {
    removals.push({ id, stableCarried: gate.stableReady });
    return remove(svc, id);
  };
  const execution = start(world, 'rolling', { service: 'worker', image: V2 });
  await drive(world, execution, () => world.watchers.watching.length > 0);
  expect(world.ecs.setsOf(service).find((s) => s.id === STABLE)?.scalePercent).toBe(0);
  return { world, gate, removals, execution };
}

const transientFailures = (execution: Awaited<ReturnType<typeof inFinalBake>>['execution']) =>
  eventsOfType(execution, 'LambdaFunctionFailed').filter(
    (e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error === 'TransientError',
  );

describe('rolling rollback waits for the restored stable task set', () => {
  it('keeps the new task set while the stable one is not ready, and removes it once it is', async () => {
    const { world, gate, removals, execution } = await inFinalBake();
    await failBakesWatching(world, 'worker-errors');

    // Two tries of RollBack ran out of patience: the stable set is back at full size, the new one still runs.
    await drive(world, execution, () => transientFailures(execution).length >= 2);
    expect(execution.status).toBe('RUNNING');
    const sets = world.ecs.setsOf(service);
    expect(sets).toHaveLength(2);
    expect(sets.find((s) => s.id === STABLE)?.scalePercent).toBe(100);
    expect(removals).toEqual([]);
    const cause = (transientFailures(execution)[0]!.lambdaFunctionFailedEventDetails as { cause: string })
      .cause;
    expect(cause).toContain(`not ready to carry production after ${RESTORE_WAIT_SECONDS} s`);

    gate.stableReady = true;
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(removals).toHaveLength(1);
    expect(removals[0]!.stableCarried).toBe(true);
    await expectAtRest(world, 'worker', V1);
  });

  it('never removes the new task set if the stable one never becomes ready: the rollback fails instead', async () => {
    const { world, removals, execution } = await inFinalBake();
    await failBakesWatching(world, 'worker-errors');
    await drive(world, execution);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RollbackFailed');
    expect(execution.cause).toContain('not ready to carry production');
    expect(transientFailures(execution).length).toBeGreaterThan(2);
    expect(removals).toEqual([]);
    expect(world.ecs.setsOf(service)).toHaveLength(2);
  });

  it('judges a task set ready when ECS runs every task it wants and reports steady state', () => {
    const health = { desired: 4, running: 4, pending: 0, steady: true };
    expect(carriesProduction(health)).toBe(true);
    expect(carriesProduction({ ...health, steady: false })).toBe(false);
    expect(carriesProduction({ ...health, running: 3, pending: 1 })).toBe(false);
    expect(carriesProduction({ ...health, desired: 0, running: 0, steady: false })).toBe(true);
  });
});
