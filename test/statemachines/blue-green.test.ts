// blue-green.asl.json: test traffic and its hooks, approval, one shift, final bake.

import { describe, expect, it } from 'vitest';
import { failBakesWatching } from '../../shared/engine/on-alarm.js';
import { expectAtRest, lastRecord, ledgerTypes } from '../support/at-rest.js';
import {
  createWorld,
  exampleCatalog,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  statesEntered,
  type World,
} from '../../harness/engine.js';

const V1 = `${REGISTRY}/api@${DIGEST(1)}`;
const V2 = `${REGISTRY}/api@${DIGEST(2)}`;
const HOOK = 'arn:aws:lambda:us-east-1:123456789012:function:api-contract-tests';

function setUp() {
  const world = createWorld();
  const entry = seedService(world, 'api');
  const [blue, green] = entry.traffic.targetGroups;
  return {
    world,
    entry,
    blue,
    green,
    test: entry.traffic.testListenerRule!,
    prod: entry.traffic.productionListenerRule,
  };
}

async function untilApprovalRequested(world: World, execution: ReturnType<typeof start>): Promise<string> {
  await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
  return world.deployments.items.get(execution.name)!.approval!.token;
}

describe('blue-green state machine', () => {
  it('success: test traffic, its hook, approval, then all production traffic at once', async () => {
    const { world, green, test, prod } = setUp();
    const execution = start(world, 'blue-green', { service: 'api', image: V2 });
    const token = await untilApprovalRequested(world, execution);

    // While waiting for approval: test traffic is on the new task set, production is not.
    expect(world.router.weightOf(test, green)).toBe(100);
    expect(world.router.weightOf(prod, green)).toBe(0);
    expect(world.hooks.calls.map((c) => [c.functionName, c.event.hook])).toEqual([
      [HOOK, 'AfterAllowTestTraffic'],
    ]);
    expect(await world.tokens.succeed(token, { approvedBy: 'operator:lee' })).toBe('delivered');
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).toEqual([
      'ValidateInput',
      'AcquireLock',
      'CheckAlarms',
      'CreateTaskSet',
      'WaitForTasks',
      'CheckTaskSet',
      'TaskSetHealthy?',
      'WaitForTasks',
      'CheckTaskSet',
      // Healthy: straight to the first gate that applies, here test traffic (api names no
      // BeforeAllowTestTraffic hook, so that state is not entered).
      'TaskSetHealthy?',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'Approval?',
      'WaitForApproval',
      'BeforeAllowTraffic?',
      'ShiftTraffic',
      'AfterAllowTraffic?',
      'FinalBake',
      // The example's api has no analysis: Analyze returns at once.
      'Analyze',
      'Promote',
      'TerminationWait',
      'CleanUp',
      // Freeing the lock ends the run.
      'ReleaseLock',
    ]);
    expect(ledgerTypes(world, 'api')).toEqual(['ReleaseStarted', 'TrafficShifted', 'Promoted']);
    await expectAtRest(world, 'api', V2);
  });

  it('with a BeforeAllowTestTraffic hook: it runs before test traffic moves, then the rest as before', async () => {
    const world = createWorld(
      exampleCatalog((services) => {
        services.api!.hooks.BeforeAllowTestTraffic = HOOK;
      }),
    );
    const entry = seedService(world, 'api');
    const execution = start(world, 'blue-green', { service: 'api', image: V2 });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);

    expect(statesEntered(execution).slice(-6)).toEqual([
      'TaskSetHealthy?',
      'BeforeAllowTestTraffic',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'Approval?',
      'WaitForApproval',
    ]);
    expect(world.hooks.calls.map((c) => [c.functionName, c.event.hook])).toEqual([
      [HOOK, 'BeforeAllowTestTraffic'],
      [HOOK, 'AfterAllowTestTraffic'],
    ]);
    expect(world.router.weightOf(entry.traffic.testListenerRule!, entry.traffic.targetGroups[1])).toBe(100);
  });

  it('rejected at approval: test traffic goes back, production never moved, recorded as Aborted', async () => {
    const { world, blue, test } = setUp();
    const execution = start(world, 'blue-green', { service: 'api', image: V2 });
    const token = await untilApprovalRequested(world, execution);
    await world.tokens.fail(
      token,
      'DeploymentAborted',
      'rejected by operator:lee: contract tests look flaky',
    );
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(world.router.weightOf(test, blue)).toBe(100);
    expect(lastRecord(world, 'api')).toMatchObject({
      type: 'Aborted',
      detail: { reason: { kind: 'operator' } },
    });
    await expectAtRest(world, 'api', V1);
  });

  it('approval timeout: nobody answers within a day, so it rolls back', async () => {
    const { world } = setUp();
    const execution = start(world, 'blue-green', { service: 'api', image: V2 });
    await untilApprovalRequested(world, execution);
    const asked = world.clock.now();
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'api').detail).toEqual({
      reason: { kind: 'approval-timeout', message: 'nobody approved in time' },
    });
    const rollBack = execution.history.find(
      (e) =>
        e.type === 'TaskStateEntered' && (e.stateEnteredEventDetails as { name: string }).name === 'RollBack',
    )!;
    expect(rollBack.timestamp - asked).toBe(86_400_000);
    await expectAtRest(world, 'api', V1);
  });

  it('hook failure on test traffic: rolls back before approval is even asked', async () => {
    const { world, blue, test } = setUp();
    world.hooks.results.set(HOOK, { status: 'Failed', message: '3 of 40 contract tests failed' });
    const execution = start(world, 'blue-green', { service: 'api', image: V2 });
    await drive(world, execution);

    expect(execution.error).toBe('Aborted');
    expect(statesEntered(execution)).not.toContain('WaitForApproval');
    expect(world.router.weightOf(test, blue)).toBe(100);
    expect(lastRecord(world, 'api').detail).toMatchObject({
      reason: { kind: 'hook', hook: 'AfterAllowTestTraffic' },
    });
    await expectAtRest(world, 'api', V1);
  });

  it('alarm during the final bake: all traffic flips back to the stable task set', async () => {
    const { world, green, prod } = setUp();
    const execution = start(world, 'blue-green', { service: 'api', image: V2 });
    await world.tokens.succeed(await untilApprovalRequested(world, execution), {});
    await drive(world, execution, () => world.watchers.watching.length > 0);
    expect(world.router.weightOf(prod, green)).toBe(100);
    await failBakesWatching(world, 'api-5xx-rate');
    await drive(world, execution);

    expect(execution.error).toBe('RolledBack');
    expect(ledgerTypes(world, 'api')).toEqual(['ReleaseStarted', 'TrafficShifted', 'RolledBack']);
    await expectAtRest(world, 'api', V1);
  });
});
