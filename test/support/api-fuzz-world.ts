// A world for fuzzing the API (test/api/fuzz.test.ts and the reliability suite): something
// to act on in every service, and a snapshot of every store the API can write to.

import { expect } from 'vitest';
import type { ApiDeps } from '../../shared/api/deps.js';
import type { ApiResponse } from '../../shared/api/request.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';

export const PROMOTED = 'web-promoted';
export const BAKING = 'web-baking';
export const AWAITING_APPROVAL = 'api-awaiting-approval';
export const SERVICES = ['web', 'api', 'worker'];

/**
 * A world with something to act on: web has a promoted release and a second deployment
 * baking; api (blue-green) waits for approval; worker is idle.
 */
export async function populatedWorld(): Promise<World> {
  const world = createWorld();
  for (const service of SERVICES) seedService(world, service);
  // One 10% step and the final bake: the shortest schedule that keeps web's analysis.
  const promoted = start(
    world,
    'canary',
    { ...deployInput('web', 2), preset: 'Canary10Percent5Minutes' },
    PROMOTED,
  );
  await drive(world, promoted);
  expect(promoted.status).toBe('SUCCEEDED');
  const baking = start(world, 'canary', deployInput('web', 3), BAKING);
  await drive(world, baking, () => world.deployments.items.get(BAKING)?.phase === 'bake');
  const approval = start(world, 'blue-green', deployInput('api', 2), AWAITING_APPROVAL);
  await drive(world, approval, () => world.deployments.items.get(AWAITING_APPROVAL)?.approval !== undefined);
  expect(world.deployments.items.get(BAKING)?.bake).toBeDefined();
  expect(world.deployments.items.get(AWAITING_APPROVAL)?.approval).toBeDefined();
  return world;
}

function deployInput(service: string, n: number) {
  return { service, image: `${REGISTRY}/${service}@${DIGEST(n)}`, trigger: 'api', actor: 'operator:seed' };
}

export const apiDeps = (world: World): ApiDeps => ({ ...depsOf(world), catalog: world.catalog });

/** Every store the API can write to, directly or through a task token it answers. */
export function stores(world: World): string {
  const tokens = [...world.deployments.items.values()].flatMap((d) =>
    [d.bake?.token, d.approval?.token].filter((t): t is string => t !== undefined),
  );
  return JSON.stringify({
    ledger: [...world.ledger.chains],
    locks: [...world.locks.locks],
    queued: [...world.locks.waiting],
    deployments: [...world.deployments.items],
    serviceStates: [...world.serviceStates.states],
    executions: world.executions.started,
    watchers: world.watchers.watching,
    tokensWaiting: tokens.map((t) => [t, world.tokens.isWaiting(t)]),
    taskSets: [...world.ecs.services],
    taskDefinitions: [...world.ecs.definitions.keys()],
    weights: world.router.changes,
    events: world.events.published,
    clock: world.clock.now(),
  });
}

export function expectJsonError(response: ApiResponse): void {
  const body = response.body as { error?: { code?: unknown; message?: unknown; problems?: unknown } };
  expect(JSON.parse(JSON.stringify(body))).toEqual(body);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error?.code).toEqual(expect.stringMatching(/^[A-Z][A-Za-z]+$/));
  expect(body.error?.message).toEqual(expect.stringMatching(/\S/));
  if (response.status === 405) expect(response.headers?.allow).toMatch(/^(GET|POST)(, (GET|POST))*$/);
}
