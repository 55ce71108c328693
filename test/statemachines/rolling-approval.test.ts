// rolling.asl.json waits for approval as the plan says: after the new task set is created
// with no tasks, before the BeforeAllowTraffic hook and the first batch. With four eyes on,
// the person who started the deployment cannot be the one who lets it go on.

import { describe, expect, it } from 'vitest';
import { planDeployment } from '../../shared/domain/plan.js';
import { SelfApprovalRefused } from '../../shared/engine/errors.js';
import { abort, approve, promote } from '../../shared/engine/operator.js';
import { expectAtRest, lastRecord, ledgerTypes } from '../support/at-rest.js';
import {
  createWorld,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  statesEntered,
} from '../../harness/engine.js';

const V1 = `${REGISTRY}/platform/worker@${DIGEST(1)}`;
const V2 = `${REGISTRY}/platform/worker@${DIGEST(2)}`;
const service = { cluster: 'prod', service: 'worker' };

/** worker (rolling) with approval required, a BeforeAllowTraffic hook, and four eyes if asked. */
function setUp(separateApprover = false, trigger = 'api') {
  const world = createWorld();
  const worker = world.catalog.services.worker!;
  world.catalog.services.worker = {
    ...worker,
    approval: { required: true, timeoutSeconds: 600, separateApprover },
    hooks: { BeforeAllowTraffic: 'worker-smoke' },
  };
  seedService(world, 'worker');
  // As the API starts it: the actor is the caller's (a console start's would be claimed).
  const input = { service: 'worker', image: V2, trigger, actor: 'operator:ana' };
  const execution = start(world, 'rolling', input);
  return { world, execution };
}

type Setup = ReturnType<typeof setUp>;

async function untilWaiting({ world, execution }: Setup): Promise<void> {
  await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
}

/** What the new task set's and the old one's scale are. */
function scales(world: Setup['world']): Record<string, number> {
  return Object.fromEntries(
    world.ecs.setsOf(service).map((set) => [set.status === 'PRIMARY' ? 'old' : 'new', set.scalePercent]),
  );
}

describe('rolling: approval', () => {
  it('waits with the new task set at zero tasks until someone approves, then runs the hook and the batches', async () => {
    const setup = setUp();
    const { world, execution } = setup;
    await untilWaiting(setup);
    // A long wait changes nothing: no batch starts, production stays on the old tasks.
    world.clock.advanceBy(500_000);
    await drive(world, execution, () => true);
    expect(execution.status).toBe('RUNNING');
    expect(scales(world)).toEqual({ old: 100, new: 0 });
    expect(world.hooks.calls).toEqual([]);
    expect(ledgerTypes(world, 'worker')).toEqual(['ReleaseStarted']);

    await approve(world, execution.name, { actor: 'operator:ben', reason: 'change 42 reviewed' });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    const entered = statesEntered(execution);
    expect(entered.indexOf('WaitForApproval')).toBeGreaterThan(entered.indexOf('CreateTaskSet'));
    expect(entered.indexOf('WaitForApproval')).toBeLessThan(entered.indexOf('BeforeAllowTraffic'));
    expect(entered.indexOf('BeforeAllowTraffic')).toBeLessThan(entered.indexOf('ScaleBatch'));
    expect(ledgerTypes(world, 'worker').slice(0, 3)).toEqual([
      'ReleaseStarted',
      'OperatorAction',
      'TrafficShifted',
    ]);
    await expectAtRest(world, 'worker', V2);
  });

  it('the state machine and the plan agree on where rolling waits for approval', async () => {
    const setup = setUp();
    await untilWaiting(setup);
    const entry = setup.world.catalog.services.worker!;
    const planned = planDeployment('worker', entry).steps.map((s) => s.kind);
    const approvalAt = planned.indexOf('approval');
    expect(planned.slice(approvalAt - 1, approvalAt + 3)).toEqual([
      'create-task-set',
      'approval',
      'hook',
      'scale-batch',
    ]);
    expect(statesEntered(setup.execution).slice(-3)).toEqual([
      'CreateTaskSet',
      'FirstGate?',
      'WaitForApproval',
    ]);
  });

  it('without approval required, it goes straight to the hook: no wait, no state for it', async () => {
    const world = createWorld();
    const worker = world.catalog.services.worker!;
    world.catalog.services.worker = { ...worker, hooks: { BeforeAllowTraffic: 'worker-smoke' } };
    seedService(world, 'worker');
    const execution = start(world, 'rolling', { service: 'worker', image: V2 });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    const entered = statesEntered(execution);
    expect(entered.slice(entered.indexOf('CreateTaskSet'), entered.indexOf('ScaleBatch'))).toEqual([
      'CreateTaskSet',
      'FirstGate?',
      'BeforeAllowTraffic',
    ]);
  });

  it('abort while waiting: Aborted, no production traffic moved, the new task set deleted', async () => {
    const setup = setUp();
    const { world, execution } = setup;
    await untilWaiting(setup);
    await abort(world, execution.name, { actor: 'operator:ben', reason: 'wrong build' });
    await drive(world, execution);
    expect(execution.error).toBe('Aborted');
    expect(world.hooks.calls).toEqual([]);
    await expectAtRest(world, 'worker', V1);
  });

  it('nobody approves within approval.timeoutSeconds: it rolls back', async () => {
    const setup = setUp();
    const { world, execution } = setup;
    await drive(world, execution);
    expect(execution.error).toBe('Aborted');
    expect(statesEntered(execution)).not.toContain('ScaleBatch');
    expect(lastRecord(world, 'worker').type).toBe('Aborted');
    await expectAtRest(world, 'worker', V1);
  });
});

describe('rolling: four eyes (approval.separateApprover)', () => {
  it('the starter can neither approve nor promote past the approval; nothing is recorded; another person can', async () => {
    const setup = setUp(true);
    const { world, execution } = setup;
    await untilWaiting(setup);
    const before = ledgerTypes(world, 'worker');

    await expect(approve(world, execution.name, { actor: 'operator:ana' })).rejects.toThrow(
      SelfApprovalRefused,
    );
    await expect(promote(world, execution.name, { actor: 'operator:ana', full: true })).rejects.toThrow(
      /operator:ana started .* requires a separate approver/,
    );
    expect(ledgerTypes(world, 'worker')).toEqual(before);
    expect(world.deployments.items.get(execution.name)?.approval).toBeDefined();
    expect(world.deployments.items.get(execution.name)?.promoteFull).toBeUndefined();

    await approve(world, execution.name, { actor: 'operator:ben' });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.ledger.records('worker').find((r) => r.type === 'OperatorAction')).toMatchObject({
      actor: 'operator:ben',
      detail: { action: 'approve' },
    });
  });

  it('a console start claiming operator:ana may not be approved by operator:ana', async () => {
    const setup = setUp(true, 'console');
    await untilWaiting(setup);
    expect(setup.world.deployments.items.get(setup.execution.name)?.actor).toBe('console:operator:ana');
    await expect(approve(setup.world, setup.execution.name, { actor: 'operator:ana' })).rejects.toThrow(
      SelfApprovalRefused,
    );
    await approve(setup.world, setup.execution.name, { actor: 'operator:ben' });
    await drive(setup.world, setup.execution);
    expect(setup.execution.status).toBe('SUCCEEDED');
  });

  it('without four eyes, the starter may approve their own deployment', async () => {
    const setup = setUp(false);
    await untilWaiting(setup);
    await approve(setup.world, setup.execution.name, { actor: 'operator:ana' });
    await drive(setup.world, setup.execution);
    expect(setup.execution.status).toBe('SUCCEEDED');
  });
});
