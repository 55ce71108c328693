// Operator actions are recorded by the deployment's own steps, as they act on them, so the
// ledger holds an action exactly when it took effect, even when the API process stops between
// delivering it and answering it. Through the real ASL and handlers, over in-memory fakes.

import { describe, expect, it } from 'vitest';
import { rollback } from '../../shared/api/services.js';
import { abort, promote } from '../../shared/engine/operator.js';
import { appendOnce } from '../../shared/engine/ledger-append.js';
import { tokenOutput } from '../../shared/engine/operator-record.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  recordPromoted,
  REGISTRY,
  seedService,
  start,
  statesEntered,
} from '../../harness/engine.js';
import type { World } from '../../harness/engine.js';

const operatorActions = (world: World, service: string) =>
  world.ledger.records(service).filter((r) => r.type === 'OperatorAction');

async function waitingForApproval() {
  const world = createWorld();
  seedService(world, 'api');
  const execution = start(world, 'blue-green', { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` });
  await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
  return { world, execution };
}

describe('an API that stops after delivering an action', () => {
  it('an approval delivered but never answered is still recorded, once, by the next step', async () => {
    const { world, execution } = await waitingForApproval();
    const { token } = world.deployments.items.get(execution.name)!.approval!;
    // What approve() does up to the token, and then the process stops: no answer, no clean-up.
    const request = { id: 'req-1', action: 'approve' as const, actor: 'operator:ben', reason: 'go' };
    expect(await world.tokens.succeed(token, tokenOutput(request))).toBe('delivered');
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(operatorActions(world, 'api')).toMatchObject([
      { actor: 'operator:ben', detail: { action: 'approve', reason: 'go', id: 'req-1' } },
    ]);
    // Recorded before the traffic it let through, though every later step saw it too.
    const types = world.ledger.records('api').map((r) => r.type);
    expect(types.indexOf('OperatorAction')).toBeLessThan(types.indexOf('TrafficShifted'));
  });

  it('every promote of a canary is recorded once, though the steps after it run many times', async () => {
    const world = createWorld();
    const entry = seedService(world, 'web');
    const [rule, blue] = [entry.traffic.productionListenerRule, entry.traffic.targetGroups[0]];
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.bake !== undefined);
    await promote(world, execution.name, { actor: 'operator:ben', full: false, reason: 'first' });
    await drive(
      world,
      execution,
      () => world.router.weightOf(rule, blue) < 90 && !!world.deployments.items.get(execution.name)?.bake,
    );
    await promote(world, execution.name, { actor: 'operator:cy', full: false, reason: 'second' });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(operatorActions(world, 'web').map((r) => [r.actor, r.detail.reason])).toEqual([
      ['operator:ben', 'first'],
      ['operator:cy', 'second'],
    ]);
  });
});

describe('aborts racing with no wait to interrupt', () => {
  it('two aborts at the same instant: exactly one is accepted and recorded', async () => {
    const world = createWorld();
    seedService(world, 'web');
    world.ecs.checksUntilSteady = 5;
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution, () => statesEntered(execution).includes('CheckTaskSet'));
    const results = await Promise.allSettled([
      abort(world, execution.name, { actor: 'operator:lee', reason: 'one' }),
      abort(world, execution.name, { actor: 'operator:mo', reason: 'two' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const winner = results[0].status === 'fulfilled' ? 'operator:lee' : 'operator:mo';
    await drive(world, execution);
    expect(execution.status).toBe('FAILED');
    expect(operatorActions(world, 'web').map((r) => r.actor)).toEqual([winner]);
  });
});

describe('an abort that arrives as the wait ends', () => {
  it('is withdrawn when no step took it: 409, no record, the deployment goes on', async () => {
    const { world, execution } = await waitingForApproval();
    const { token } = world.deployments.items.get(execution.name)!.approval!;
    // The approval is answered by someone else an instant before the abort fails the token.
    await world.tokens.succeed(token, tokenOutput({ id: 'req-2', action: 'approve', actor: 'operator:ben' }));
    await expect(abort(world, execution.name, { actor: 'operator:cy' })).rejects.toThrow(
      /ended before this abort/,
    );
    expect(world.deployments.items.get(execution.name)!.abortRequested).toBeUndefined();
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(operatorActions(world, 'api').map((r) => r.detail.action)).toEqual(['approve']);
  });
});

describe('a rollback whose execution never starts', () => {
  it('is refused, frees the service, and leaves nothing in the ledger', async () => {
    const world = createWorld();
    seedService(world, 'api');
    for (const [release, digest] of [
      [1, DIGEST(1)],
      [2, DIGEST(3)],
    ] as const) {
      const image = `${REGISTRY}/api@${digest}`;
      await appendOnce(world, {
        service: 'api',
        type: 'ReleaseStarted',
        deploymentId: `earlier-api-${release}`,
        release,
        actor: 'operator:ana',
        detail: { image, strategy: 'blue-green', trigger: 'api' },
      });
      await recordPromoted(world, 'api', image, release);
    }
    await world.serviceStates.setStable('api', {
      ...(await world.serviceStates.get('api')).stable!,
      release: 2,
    });
    const before = world.ledger.records('api').length;
    world.executions.start = () => Promise.reject(new Error('StartExecution: ServiceUnavailable'));
    const deps = { ...depsOf(world), catalog: world.catalog };
    const request = {
      method: 'POST',
      path: '/services/api/rollback',
      body: '{}',
      actor: 'operator:ana',
      headers: {},
    };
    await expect(rollback(deps as never, request as never, 'api')).rejects.toThrow(/ServiceUnavailable/);
    expect(world.ledger.records('api')).toHaveLength(before);
    expect(await world.locks.holder('api')).toBeNull();
  });
});
