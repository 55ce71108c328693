// Orphan recovery (shared/engine/recover.ts) over the engine's fakes: an execution that ended
// while holding its service's lock is finished from the records it left, and a live one is
// left alone. Executions here run the real ASL files; their end is told to the fake
// Step Functions port, which is what recovery reads.

import { describe, expect, it } from 'vitest';
import { recoverOrphans } from '../../shared/engine/recover.js';
import { expectAtRest, lastRecord, ledgerTypes } from '../support/at-rest.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  startRecoverable,
  type World,
} from '../../harness/engine.js';

const STABLE = `${REGISTRY}/web@${DIGEST(1)}`;
const NEW = `${REGISTRY}/web@${DIGEST(2)}`;

function linear(world: World, until: () => boolean) {
  seedService(world, 'web');
  const execution = startRecoverable(world, { service: 'web', image: NEW });
  return drive(world, execution, until).then(() => execution);
}

const recover = (world: World) => recoverOrphans(depsOf(world), world.catalog);
const record = (world: World) => world.deployments.items.get('web-run')!;

describe('orphan recovery', () => {
  it('rolls back a deployment whose execution was aborted mid-rollout, and says so in the ledger', async () => {
    const world = createWorld();
    await linear(world, () => (world.deployments.items.get('web-run')?.weights.candidate ?? 0) >= 30);
    world.executions.summaries.set('web-run', { status: 'ABORTED', startDate: 0 });

    const done = await recover(world);
    expect(done).toEqual([
      expect.objectContaining({ service: 'web', deploymentId: 'web-run', action: 'rolled-back' }),
    ]);
    await expectAtRest(world, 'web', STABLE);
    expect(record(world)).toMatchObject({ status: 'rolled-back', weights: { stable: 100, candidate: 0 } });
    const last = lastRecord(world, 'web');
    expect(last).toMatchObject({ type: 'RolledBack', detail: { reason: { kind: 'recovered' } } });
    expect((last.detail as { reason: { message: string } }).reason.message).toMatch(
      /execution ended ABORTED while it held the lock .*put production back on the task set that ran before Cutover$/,
    );
    expect(world.events.types()).toContain('Deployment Rolled Back');
    // Once is enough: a second sweep finds nothing to do and writes nothing.
    const records = world.ledger.records('web').length;
    expect(await recover(world)).toEqual([]);
    expect(world.ledger.records('web')).toHaveLength(records);
  });

  it('finishes a promoted deployment cut short in its termination wait: the old task set goes', async () => {
    const world = createWorld();
    await linear(world, () => world.deployments.items.get('web-run')?.status === 'promoted');
    world.executions.summaries.set('web-run', { status: 'FAILED', startDate: 0, error: 'States.Timeout' });
    expect(await recover(world)).toEqual([expect.objectContaining({ action: 'cleaned-up' })]);
    await expectAtRest(world, 'web', NEW);
    expect(record(world)).toMatchObject({ status: 'promoted', phase: 'done' });
    expect(ledgerTypes(world, 'web').at(-1)).toBe('Promoted');
  });

  it('leaves a running execution that holds a live lease alone', async () => {
    const world = createWorld();
    const execution = await linear(
      world,
      () => (world.deployments.items.get('web-run')?.weights.candidate ?? 0) >= 20,
    );
    const before = structuredClone(record(world));
    expect(await recover(world)).toEqual([]);
    expect(record(world)).toEqual(before);
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    await expectAtRest(world, 'web', NEW);
  });

  it('leaves a running execution alone even past its lease; once it has ended, recovers it', async () => {
    const world = createWorld();
    const execution = await linear(world, () => world.deployments.items.get('web-run')?.bake !== undefined);
    world.locks.locks.set('web', { deploymentId: 'web-run', leaseUntil: world.clock.now() - 1 });
    const before = structuredClone(record(world));
    expect(await recover(world)).toEqual([]);
    expect(record(world)).toEqual(before);
    // It goes on and finishes by itself.
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    await expectAtRest(world, 'web', NEW);
  });

  it('recovers each service on its own: one that fails is reported, and the next is still recovered', async () => {
    const world = createWorld();
    await linear(world, () => (world.deployments.items.get('web-run')?.weights.candidate ?? 0) >= 30);
    seedService(world, 'worker');
    const workerImage = `${REGISTRY}/platform/worker@${DIGEST(3)}`;
    const worker = start(world, 'rolling', { service: 'worker', image: workerImage }, 'worker-run');
    await drive(
      world,
      worker,
      () => (world.deployments.items.get('worker-run')?.weights.candidate ?? 0) >= 25,
    );
    world.executions.summaries.set('web-run', { status: 'ABORTED', startDate: 0 });
    world.executions.summaries.set('worker-run', { status: 'ABORTED', startDate: 0 });
    // ECS fails every request about web (the first service of the catalog), and only about web.
    const deps = depsOf(world);
    const ecsDown = new Error('ECS is unavailable for prod/web');
    const taskSets = new Proxy(world.ecs, {
      get(ecs, property) {
        if (property === 'list')
          return (service: { cluster: string; service: string }) =>
            service.service === 'web' ? Promise.reject(ecsDown) : ecs.list(service);
        const value: unknown = Reflect.get(ecs, property);
        return typeof value === 'function' ? (value as () => unknown).bind(ecs) : value;
      },
    });

    const done = await recoverOrphans({ ...deps, taskSets }, world.catalog);
    expect(done).toEqual([
      expect.objectContaining({
        service: 'web',
        deploymentId: 'web-run',
        action: 'failed',
        message: expect.stringMatching(/recovery of web failed \(Error: ECS is unavailable for prod\/web\)/),
      }),
      expect.objectContaining({ service: 'worker', deploymentId: 'worker-run', action: 'rolled-back' }),
    ]);
    expect(await world.locks.holder('worker')).toBeNull();
    // web keeps its lock, and the next sweep, with ECS back, recovers it.
    expect(await world.locks.holder('web')).toMatchObject({ deploymentId: 'web-run' });
    expect(await recover(world)).toEqual([
      expect.objectContaining({ service: 'web', action: 'rolled-back' }),
    ]);
    await expectAtRest(world, 'web', STABLE);
  });

  it('frees a lock whose lease ran out before any record was written', async () => {
    const world = createWorld();
    seedService(world, 'web');
    world.locks.locks.set('web', { deploymentId: 'web-ghost', leaseUntil: world.clock.now() - 1 });
    expect(await recover(world)).toEqual([
      expect.objectContaining({ action: 'released', deploymentId: 'web-ghost' }),
    ]);
    expect(await world.locks.holder('web')).toBeNull();
    // Within its lease it is left alone: acquire-lock may be about to write the record.
    world.locks.locks.set('web', { deploymentId: 'web-ghost', leaseUntil: world.clock.now() + 60_000 });
    expect(await recover(world)).toEqual([]);
  });
});
