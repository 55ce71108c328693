// A crash at any point of promote → termination wait → clean-up, then orphan recovery. The
// execution stops for good between two writes (as when the local cloud is killed, or the
// execution is stopped), at every write in turn; then recovery runs. Each time the service
// must end on one PRIMARY task set carrying all production traffic, with no lock held, and
// the ledger saying what recovery did. Each point is run twice: once with ECS and the load
// balancer as the crash left them, once with them back as they were before promote (the
// local cloud restarts ECS from a snapshot that can be older than DynamoDB's records).

import { describe, expect, it } from 'vitest';
import type { LocalFunction } from '../../local/stepfunctions/run.js';
import { recoverOrphans } from '../../shared/engine/recover.js';
import { expectAtRest, lastRecord } from '../support/at-rest.js';
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

const STABLE = `${REGISTRY}/web@${DIGEST(1)}`;
const NEW = `${REGISTRY}/web@${DIGEST(2)}`;

/** Calls that change something, per port of the world; reads pass through. */
const WRITES: Partial<Record<keyof World, readonly string[]>> = {
  ecs: ['create', 'scale', 'makePrimary', 'remove', 'registerRelease'],
  router: ['setWeights'],
  ledger: ['put'],
  deployments: ['create', 'update', 'put'],
  serviceStates: ['setStable', 'advanceLedgerHead'],
  locks: ['acquire', 'renew', 'release', 'dequeue', 'enqueue'],
  watchers: ['watch', 'unwatch'],
  events: ['publish'],
  executions: ['start'],
};

/** Makes the world's ports stop for good (never answer) at the `at`-th write once armed. */
function crashSwitch(world: World, at: number) {
  const state = { armed: false, writes: 0, crashed: false, where: '' };
  for (const [port, methods] of Object.entries(WRITES) as [keyof World, readonly string[]][]) {
    const target = world[port] as object;
    const proxy = new Proxy(target, {
      get(object, property, receiver) {
        const value: unknown = Reflect.get(object, property, receiver);
        if (typeof value !== 'function') return value;
        const call = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(object, args);
        if (!methods.includes(String(property))) return call;
        return (...args: unknown[]) => {
          if (state.crashed) return new Promise(() => undefined);
          if (state.armed && state.writes++ === at) {
            state.crashed = true;
            state.where = `${port}.${String(property)}`;
            return new Promise(() => undefined);
          }
          return call(...args);
        };
      },
    });
    (world as Record<string, unknown>)[port] = proxy;
  }
  return state;
}

interface Snapshot {
  ecs: string;
  rules: string;
}

async function crashAt(at: number, lostEcs: boolean) {
  const world = createWorld();
  seedService(world, 'web');
  const crash = crashSwitch(world, at);
  let before: Snapshot | undefined;
  const wrap = (fn: string, handler: LocalFunction): LocalFunction =>
    fn !== 'promote'
      ? handler
      : (input, context) => {
          // Armed from the first call to promote on: every write from here on is a crash point.
          if (!crash.armed) {
            before = {
              ecs: JSON.stringify([...world.ecs.services]),
              rules: JSON.stringify([...world.router.rules]),
            };
            crash.armed = true;
          }
          return handler(input, context);
        };
  const execution = start(world, 'canary', { service: 'web', image: NEW }, 'web-run', { wrap });
  world.executions.summaries.set('web-run', { status: 'RUNNING', startDate: 0 });
  await drive(world, execution, () => crash.crashed);
  if (!crash.crashed) return { world, crash, ended: true };
  world.executions.summaries.set('web-run', { status: 'ABORTED', startDate: 0 });
  crash.crashed = false;
  crash.armed = false;
  if (lostEcs && before !== undefined) {
    restore(world.ecs.services, JSON.parse(before.ecs) as [string, never][]);
    restore(world.router.rules, JSON.parse(before.rules) as [string, never][]);
  }
  const recoveries = await recoverOrphans(depsOf(world), world.catalog);
  return { world, crash, ended: false, recoveries };
}

function restore<V>(map: Map<string, V>, entries: [string, V][]): void {
  map.clear();
  for (const [key, value] of entries) map.set(key, value);
}

describe('a crash at any point of the termination wait', () => {
  for (const lostEcs of [false, true]) {
    it(`recovers to one primary task set with all traffic${lostEcs ? ', when ECS lost what was done' : ''}`, async () => {
      const points: string[] = [];
      for (let at = 0; at < 100; at += 1) {
        const { world, crash, ended, recoveries } = await crashAt(at, lostEcs);
        if (ended) break;
        points.push(crash.where);
        const promoted = world.ledger.records('web').some((r) => r.type === 'Promoted');
        const context = `crash at write ${at} (${crash.where})`;
        expect(recoveries, context).toEqual([
          expect.objectContaining({ service: 'web', action: promoted ? 'cleaned-up' : 'rolled-back' }),
        ]);
        // One PRIMARY task set, all production traffic on it, no lock, and the chain verifies.
        await expectAtRest(world, 'web', promoted ? NEW : STABLE);
        // The ledger says what recovery did: the promotion it finished, or the rollback it made.
        const last = lastRecord(world, 'web');
        if (promoted) expect(last, context).toMatchObject({ type: 'Promoted', deploymentId: 'web-run' });
        else
          expect(last, context).toMatchObject({
            type: 'RolledBack',
            detail: { reason: { kind: 'recovered' } },
          });
        // The service's stable release (none recorded before Cutover's first) matches what runs.
        expect((await world.serviceStates.get('web')).stable?.image ?? STABLE, context).toBe(
          promoted ? NEW : STABLE,
        );
        // Once ECS showed the new task set as PRIMARY, the promotion is finished, never undone.
        if (
          !lostEcs &&
          points.indexOf('ecs.makePrimary') < points.length - 1 &&
          points.includes('ecs.makePrimary')
        )
          expect(promoted, context).toBe(true);
      }
      console.log(
        `reliability orphans${lostEcs ? ' (ECS lost)' : ''}: ${JSON.stringify({ crashPoints: points.length })}`,
      );
      // Every write of promote, clean-up and release-lock was a crash point.
      expect(points).toEqual(
        expect.arrayContaining(['ecs.makePrimary', 'ecs.scale', 'ecs.remove', 'locks.release']),
      );
    });
  }
});
