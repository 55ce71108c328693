// The header-routed step (catalog `headerStep`) through the real linear ASL and handlers over
// fakes: before any weighted traffic, a listener rule of Cutover's own sends only matching
// requests to the new task set for the step's time; that step is judged on its own; the first
// weighted shift deletes the rule, and so does a rollback, an abort or orphan recovery.

import { describe, expect, it } from 'vitest';
import { abort } from '../../shared/engine/operator.js';
import { recoverOrphans } from '../../shared/engine/recover.js';
import { expectAtRest, expectSlowCanaryRolledBack } from '../support/at-rest.js';
import {
  depsOf,
  drive,
  judgedWebWorld,
  start,
  startRecoverable,
  webImage,
  type World,
} from '../../harness/engine.js';

const STABLE = webImage(1);
const NEW = webImage(2);
const STEP = { header: 'X-Canary', values: ['always'], seconds: 240, rulePriority: 5 };

/** web with a header-routed step (`step`), both groups serving healthy minutes. */
function setUp(step: Record<string, unknown> = STEP) {
  const web = judgedWebWorld({ headerStep: step });
  for (const group of [web.blue, web.green]) web.world.metrics.serve(group);
  return web;
}

const record = (world: World, id: string) => world.deployments.items.get(id)!;
const candidateWeights = (world: World, green: string) =>
  world.router.changes.map((c) => c.weights.find((w) => w.targetGroupArn === green)?.weight ?? 0);

describe('a header-routed step', () => {
  it('sends only matching requests to the new task set before any weighted traffic, is judged, and goes at the first shift', async () => {
    const { world, green, listener } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution, () => record(world, execution.name)?.phase === 'bake');

    // The step's rule: the production rule's conditions and the header's, to the new task set.
    expect(world.routes.all()).toEqual([
      {
        ruleArn: expect.stringContaining(':listener-rule/'),
        priority: 5,
        conditions: [
          { Field: 'path-pattern', PathPatternConfig: { Values: ['/app/*'] } },
          { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['always'] } },
        ],
        forwardsTo: [{ targetGroupArn: green, weight: 1 }],
      },
    ]);
    const during = record(world, execution.name);
    expect(during).toMatchObject({
      weights: { stable: 100, candidate: 0 },
      headerRoute: { listenerArn: listener, priority: 5 },
      trafficStartedAt: expect.any(Number),
    });
    expect(candidateWeights(world, green).every((w) => w === 0)).toBe(true);

    await drive(world, execution, () => (record(world, execution.name)?.weights.candidate ?? 0) >= 10);
    expect(world.routes.all()).toEqual([]);
    expect(record(world, execution.name).headerRoute!.removedAt).toBeGreaterThan(0);

    await drive(world, execution);
    expect(execution.cause ?? '').toBe('');
    expect(execution.status).toBe('SUCCEEDED');
    // Its own look: the first judgement is of step 0, the header-routed step, from its start.
    const deployment = record(world, execution.name);
    expect(deployment.analyses![0]).toMatchObject({ step: 0, method: 'sequential' });
    const minute = 60_000;
    expect(deployment.analyses![0]!.window!.canary.start).toBe(
      Math.floor(during.trafficStartedAt! / minute) * minute,
    );
    expect(world.routes.changes.map((c) => c.op)).toEqual(['create', 'remove']);
    await expectAtRest(world, 'web', NEW);
  });

  it('a regression shown in the matching requests alone rolls back before any weighted traffic', async () => {
    const { world, blue, green, rule } = setUp();
    // Requests reached the new task set, so it ends RolledBack, not Aborted.
    const execution = await expectSlowCanaryRolledBack(world, green, NEW);
    expect(candidateWeights(world, green).every((w) => w === 0)).toBe(true);
    expect(world.routes.all()).toEqual([]);
    expect(record(world, execution.name).failedStep).toMatchObject({ candidate: 0, headerRoute: true });
    expect(world.router.rules.get(rule)).toEqual([
      { targetGroupArn: blue, weight: 100 },
      { targetGroupArn: green, weight: 0 },
    ]);
    await expectAtRest(world, 'web', STABLE);
  });

  it('an abort during the step deletes its rule', async () => {
    const { world } = setUp({
      cookie: 'canary',
      value: 'always',
      seconds: 600,
      rulePriority: 7,
    });
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution, () => record(world, execution.name)?.phase === 'bake');
    // A cookie is matched in the Cookie header, wherever it sits among the others.
    expect(world.routes.all()[0]!.conditions[1]).toEqual({
      Field: 'http-header',
      HttpHeaderConfig: {
        HttpHeaderName: 'Cookie',
        Values: ['canary=always', 'canary=always;*', '*; canary=always', '*; canary=always;*'],
      },
    });
    await abort(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'wrong build' });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(world.routes.all()).toEqual([]);
    await expectAtRest(world, 'web', STABLE);
  });

  it('refuses a priority another rule holds, naming it, and leaves that rule alone', async () => {
    const { world, blue, listener } = setUp();
    const theirs = await world.routes.create(listener, 5, [], [{ targetGroupArn: blue, weight: 1 }]);
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution);
    expect(execution.error).toBe('Aborted');
    expect(record(world, execution.name).reason!.message).toContain(
      `priority 5 of listener ${listener} is taken by rule ${theirs}`,
    );
    expect(world.routes.all().map((r) => r.ruleArn)).toEqual([theirs]);
    await expectAtRest(world, 'web', STABLE);
  });

  it('refuses a priority after the production rule, which no request would ever meet', async () => {
    const { world } = setUp();
    world.routes.productionPriority = 3;
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution);
    expect(execution.error).toBe('Aborted');
    expect(record(world, execution.name).reason!.message).toContain(
      "headerStep.rulePriority 5 comes after the production rule's priority 3",
    );
    expect(world.routes.all()).toEqual([]);
  });

  it('orphan recovery deletes a rule whose creation was never recorded', async () => {
    const { world } = setUp();
    const execution = startRecoverable(world, { service: 'web', image: NEW });
    await drive(world, execution, () => record(world, 'web-run')?.phase === 'bake');
    world.executions.summaries.set('web-run', { status: 'ABORTED', startDate: 0 });
    // As if the step had died between CreateRule and its record's write.
    await world.deployments.update('web-run', { headerRoute: undefined });

    expect(await recoverOrphans(depsOf(world), world.catalog)).toEqual([
      expect.objectContaining({ deploymentId: 'web-run', action: 'rolled-back' }),
    ]);
    expect(world.routes.all()).toEqual([]);
    await expectAtRest(world, 'web', STABLE);
  });
});
