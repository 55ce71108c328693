// The header-routed step (catalog `headerStep`) through the real linear ASL and handlers over
// fakes: before any weighted traffic, a listener rule of Cutover's own sends only matching
// requests to the new task set for the step's time; that step is judged on its own; the first
// weighted shift deletes the rule, and so does a rollback, an abort or orphan recovery.

import { describe, expect, it } from 'vitest';
import { abort } from '../../shared/engine/operator.js';
import { recoverOrphans } from '../../shared/engine/recover.js';
import { expectAtRest, lastRecord } from '../support/at-rest.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  exampleCatalog,
  REGISTRY,
  seedService,
  start,
  startRecoverable,
  type World,
} from '../../harness/engine.js';

const STABLE = `${REGISTRY}/web@${DIGEST(1)}`;
const NEW = `${REGISTRY}/web@${DIGEST(2)}`;
const STEP = { header: 'X-Canary', values: ['always'], seconds: 240, rulePriority: 5 };

function setUp(step: Record<string, unknown> = STEP) {
  const world = createWorld(
    exampleCatalog((services) => {
      services.web!.analysis.method = 'sequential';
      services.web!.headerStep = step;
    }),
  );
  world.metrics.clipToWindow = true;
  const entry = seedService(world, 'web');
  const [blue, green] = entry.traffic.targetGroups;
  const listener = entry.traffic.productionListenerRule
    .replace(':listener-rule/', ':listener/')
    .replace(/\/[^/]+$/, '');
  return { world, blue: blue, green: green, listener, rule: entry.traffic.productionListenerRule };
}

const record = (world: World, id: string) => world.deployments.items.get(id)!;
const candidateWeights = (world: World, green: string) =>
  world.router.changes.map((c) => c.weights.find((w) => w.targetGroupArn === green)?.weight ?? 0);

describe('a header-routed step', () => {
  it('sends only matching requests to the new task set before any weighted traffic, is judged, and goes at the first shift', async () => {
    const { world, blue, green, listener } = setUp();
    world.metrics.serve(blue);
    world.metrics.serve(green);
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
    world.metrics.serve(blue);
    world.metrics.serve(green, { slower: 40 });
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution);

    // Requests reached the new task set, so this is a rollback, not an abort.
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'analysis', failedMetrics: ['latency-p99'] } },
    });
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
    const { world, blue, green } = setUp({
      cookie: 'canary',
      value: 'always',
      seconds: 600,
      rulePriority: 7,
    });
    world.metrics.serve(blue);
    world.metrics.serve(green);
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
    const { world, blue, green, listener } = setUp();
    world.metrics.serve(blue);
    world.metrics.serve(green);
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
    const { world, blue, green } = setUp();
    world.metrics.serve(blue);
    world.metrics.serve(green);
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
    const { world, blue, green } = setUp();
    world.metrics.serve(blue);
    world.metrics.serve(green);
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
