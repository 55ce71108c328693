// A rollback asked for during a promoted deployment's termination wait takes the wait over:
// the old release's task set still runs, so the rollback adopts it and moves production back
// at once, and the promoted deployment's clean-up removes nothing. Past the wait, or for
// rolling, the route answers 409 and says why. Through the real ASL and handlers, over fakes.

import { describe, expect, it } from 'vitest';
import type { LocalExecution, LocalFunction } from '../../local/stepfunctions/run.js';
import { ApiError } from '../../shared/api/errors.js';
import { rollback } from '../../shared/api/services.js';
import { appendOnce } from '../../shared/engine/ledger-append.js';
import { expectAtRest, ledgerTypes } from '../support/at-rest.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  recordPromoted,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';

const REPOSITORY: Record<string, string> = { web: 'web', api: 'api', worker: 'platform/worker' };
const image = (service: string, n: number) => `${REGISTRY}/${REPOSITORY[service]}@${DIGEST(n)}`;

/**
 * Release 1 (the seeded task set) is on record as promoted and live; then deployment D of
 * release 2 runs. `wrap` lets a test act inside a step of D.
 */
async function promotedOnce(
  service: string,
  wrap?: (world: World) => (fn: string, h: LocalFunction) => LocalFunction,
) {
  const world = createWorld();
  const entry = seedService(world, service);
  const { cluster, service: ecsName } = entry.ecs;
  const seeded = world.ecs.setsOf({ cluster, service: ecsName })[0]!;
  await appendOnce(world, {
    service,
    type: 'ReleaseStarted',
    deploymentId: `earlier-${service}-1`,
    release: 1,
    actor: 'operator:ana',
    detail: { image: image(service, 1), strategy: entry.strategy, trigger: 'api' },
  });
  await recordPromoted(world, service, image(service, 1), 1);
  await world.serviceStates.setStable(service, {
    release: 1,
    image: image(service, 1),
    taskSetId: seeded.id,
    taskDefinitionArn: seeded.taskDefinitionArn,
    targetGroupArn: seeded.targetGroupArn!,
  });
  const machine =
    entry.strategy === 'rolling' ? 'rolling' : entry.strategy === 'blue-green' ? 'blue-green' : 'canary';
  const d = start(world, machine, { service, image: image(service, 2) }, `d-${service}`, {
    ...(wrap ? { wrap: wrap(world) } : {}),
  });
  return { world, entry, d, oldSet: seeded.id, ecs: { cluster, service: ecsName } };
}

const inTerminationWait = (world: World, id: string) => {
  const d = world.deployments.items.get(id);
  return d?.status === 'promoted' && d.phase === 'promoted';
};

/** Runs D until it is promoted and in its termination wait, approving it if it asks. */
async function toTerminationWait(world: World, d: LocalExecution): Promise<void> {
  const approval = () => world.deployments.items.get(d.name)?.approval;
  await drive(world, d, () => inTerminationWait(world, d.name) || approval() !== undefined);
  const asked = approval();
  if (asked !== undefined) {
    expect(await world.tokens.succeed(asked.token, { approvedBy: 'operator:lee' })).toBe('delivered');
    await drive(world, d, () => inTerminationWait(world, d.name));
  }
  expect(inTerminationWait(world, d.name)).toBe(true);
}

function callRollback(world: World, service: string, deps: object = depsOf(world)) {
  const request = {
    method: 'POST',
    path: `/services/${service}/rollback`,
    body: JSON.stringify({ reason: 'errors up since release 2' }),
    actor: 'operator:ana',
    headers: {},
  };
  return rollback({ ...deps, catalog: world.catalog } as never, request, service);
}

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe.each([
  ['web', 'a linear deployment (canary machine)'],
  ['api', 'a blue-green deployment'],
])('a rollback during the termination wait of %s, %s', (service) => {
  it('flips production back to the old task set, which clean-up left running; one task set at rest', async () => {
    const { world, entry, d, oldSet, ecs } = await promotedOnce(service);
    await toTerminationWait(world, d);
    const [blue] = entry.traffic.targetGroups;
    const rule = entry.traffic.productionListenerRule;
    expect(world.router.weightOf(rule, blue)).toBe(0);
    const before = ledgerTypes(world, service);

    // A push that arrived during the wait waits for the rollback, not for D.
    const push = {
      service,
      image: image(service, 4),
      pushedAt: 1,
      input: { service, image: image(service, 4) },
    };
    expect(await world.locks.queue(push)).toBe(true);
    const answer = await callRollback(world, service);
    expect(answer.status).toBe(202);
    const body = answer.body as { deploymentId: string; effect: string; action: string };
    expect(body.action).toBe('rollback');
    expect(body.effect).toMatch(/release 1's old task set still runs \(termination wait of release 2\)/);
    expect(await world.locks.holder(service)).toMatchObject({ deploymentId: body.deploymentId });
    expect(world.deployments.items.get(d.name)!.handedOverTo).toBe(body.deploymentId);

    // D's termination wait ends: its clean-up removes nothing, and it ends promoted.
    await drive(world, d);
    expect(d.status).toBe('SUCCEEDED');
    expect(world.ecs.setsOf(ecs).map((s) => s.id)).toContain(oldSet);
    expect(world.deployments.items.get(d.name)).toMatchObject({ status: 'promoted', phase: 'handed over' });
    expect(await world.locks.holder(service)).toMatchObject({ deploymentId: body.deploymentId });
    expect(ledgerTypes(world, service)).toEqual(before);
    expect(world.executions.started).toHaveLength(1);
    expect(await world.locks.queued(service)).toMatchObject({ pushedAt: 1 });

    // R adopts the old task set: no task set is created, and production moves to it at once.
    const [started] = world.executions.started;
    expect(started!.name).toBe(body.deploymentId);
    const r = start(world, started!.machine, started!.input, started!.name);
    const setsBefore = world.ecs.setsOf(ecs).length;
    await drive(world, r, () => world.deployments.items.get(r.name)?.weights.candidate === 100);
    expect(world.ecs.setsOf(ecs)).toHaveLength(setsBefore);
    expect(world.ecs.setsOf(ecs).some((s) => s.externalId === r.name)).toBe(false);
    expect(world.deployments.items.get(r.name)!.candidate).toMatchObject({
      taskSetId: oldSet,
      adopted: true,
    });
    expect(world.router.weightOf(rule, blue)).toBe(100);

    await drive(world, r);
    expect(r.status).toBe('SUCCEEDED');
    expect(world.deployments.items.get(r.name)).toMatchObject({ status: 'promoted', release: 3 });
    expect(world.executions.started.map((e) => e.input)).toEqual([started!.input, push.input]);
    await world.locks.dequeue(service, 1);
    await expectAtRest(world, service, image(service, 1));
    expect(world.ecs.setsOf(ecs)[0]!.id).toBe(oldSet);
    expect(ledgerTypes(world, service).slice(before.length)).toEqual([
      'OperatorAction',
      'ReleaseStarted',
      'TrafficShifted',
      'Promoted',
    ]);
    expect((await world.serviceStates.get(service)).stable).toMatchObject({ release: 3, taskSetId: oldSet });
  });
});

describe('a rollback that fails after it adopted the old task set', () => {
  it('leaves production on the promoted release and removes the adopted task set', async () => {
    const { world, entry, d, oldSet, ecs } = await promotedOnce('web');
    await toTerminationWait(world, d);
    const answer = await callRollback(world, 'web');
    const { deploymentId } = answer.body as { deploymentId: string };
    // The rollback's own BeforeAllowTraffic hook fails: it rolls back before any traffic moved.
    world.hooks.results.set('web-smoke-test', { status: 'Failed', message: 'smoke test failed' });
    const [started] = world.executions.started;
    const r = start(world, started!.machine, started!.input, deploymentId);
    await drive(world, r);
    await drive(world, d);
    expect(r.status).toBe('FAILED');
    expect(world.deployments.items.get(deploymentId)).toMatchObject({
      status: 'aborted',
      candidate: { taskSetId: oldSet, adopted: true },
    });
    expect(d.status).toBe('SUCCEEDED');
    const [, green] = entry.traffic.targetGroups;
    expect(world.router.weightOf(entry.traffic.productionListenerRule, green)).toBe(100);
    expect(world.ecs.setsOf(ecs).map((s) => s.id)).not.toContain(oldSet);
    await expectAtRest(world, 'web', image('web', 2));
  });
});

describe('a rollback that comes too late for the termination wait', () => {
  it('after clean-up began: 409 saying the old task set is being removed, nothing started or recorded', async () => {
    let answer: Promise<unknown> | undefined;
    const afterCleanUp =
      (world: World) =>
      (fn: string, handler: LocalFunction): LocalFunction =>
        fn !== 'clean-up'
          ? handler
          : async (input, context) => {
              const out = await handler(input, context);
              answer = callRollback(world, 'web');
              await answer.catch(() => undefined);
              return out;
            };
    const { world, d, oldSet, ecs } = await promotedOnce('web', afterCleanUp);
    await toTerminationWait(world, d);
    const before = ledgerTypes(world, 'web');
    await drive(world, d);
    const error = await rejection(answer!);
    expect(error).toMatchObject({ status: 409, code: 'DeploymentInProgress' });
    expect(error.message).toMatch(/release 1's old task set of web is being removed right now/);
    expect(error.message).toMatch(/roll back again in a few seconds/);
    expect(world.executions.started).toEqual([]);
    expect(ledgerTypes(world, 'web')).toEqual(before);
    expect(world.ecs.setsOf(ecs).map((s) => s.id)).not.toContain(oldSet);
    await expectAtRest(world, 'web', image('web', 2));
  });

  it('clean-up winning the conditional write after the route saw the wait: 409, nothing taken over', async () => {
    let answer: Promise<unknown> | undefined;
    const seen: { waiting?: unknown } = {};
    const racing =
      (world: World) =>
      (fn: string, handler: LocalFunction): LocalFunction =>
        fn !== 'clean-up'
          ? handler
          : async (input, context) => {
              const out = await handler(input, context);
              // The route read D's record just before clean-up's write: it still saw the wait.
              let stale = true;
              const deployments = new Proxy(world.deployments, {
                get(target, property, receiver) {
                  if (property === 'get')
                    return (id: string) => {
                      const first = stale && id === d.name;
                      if (first) stale = false;
                      return first ? Promise.resolve(structuredClone(seen.waiting)) : target.get(id);
                    };
                  const value: unknown = Reflect.get(target, property, receiver);
                  return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
                },
              });
              answer = callRollback(world, 'web', { ...depsOf(world), deployments });
              await answer.catch(() => undefined);
              return out;
            };
    const { world, d, oldSet, ecs } = await promotedOnce('web', racing);
    await toTerminationWait(world, d);
    seen.waiting = world.deployments.items.get(d.name);
    const before = ledgerTypes(world, 'web');
    await drive(world, d);
    const error = await rejection(answer!);
    expect(error).toMatchObject({ status: 409 });
    expect(error.message).toMatch(/being removed right now/);
    expect(world.deployments.items.get(d.name)!.handedOverTo).toBeUndefined();
    expect(world.executions.started).toEqual([]);
    expect(ledgerTypes(world, 'web')).toEqual(before);
    expect(world.ecs.setsOf(ecs).map((s) => s.id)).not.toContain(oldSet);
    await expectAtRest(world, 'web', image('web', 2));
  });

  it('rolling: 409 saying no old task set is left to move production back to', async () => {
    let answer: Promise<unknown> | undefined;
    const beforeCleanUp =
      (world: World) =>
      (fn: string, handler: LocalFunction): LocalFunction =>
        fn !== 'clean-up'
          ? handler
          : async (input, context) => {
              answer = callRollback(world, 'worker');
              await answer.catch(() => undefined);
              return handler(input, context);
            };
    const { world, d } = await promotedOnce('worker', beforeCleanUp);
    await drive(world, d);
    expect(d.status).toBe('SUCCEEDED');
    const error = await rejection(answer!);
    expect(error).toMatchObject({ status: 409, code: 'DeploymentInProgress' });
    expect(error.message).toMatch(/rolling deployment scaled release 1's tasks in batch by batch/);
    expect(world.executions.started).toEqual([]);
    await expectAtRest(world, 'worker', image('worker', 2));
  });
});
