// Drift: what runs compared with what the ledger says, after real deployments
// through the ASL files, then changes made behind Cutover's back.

import { describe, expect, it } from 'vitest';
import { detectDrift } from '../../shared/engine/drift.js';
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

async function deployed(): Promise<World> {
  const world = createWorld();
  // All at once, for a short run: web's analysis is a gate all-at-once cannot keep, so it is off here.
  const web = world.catalog.services.web!;
  world.catalog.services.web = { ...web, analysis: { ...web.analysis, enabled: false } };
  seedService(world, 'web');
  const execution = start(world, 'canary', {
    service: 'web',
    image: `${REGISTRY}/web@${DIGEST(2)}`,
    preset: 'AllAtOnce',
  });
  await drive(world, execution);
  expect(execution.status).toBe('SUCCEEDED');
  return world;
}

const check = (world: World) => detectDrift(depsOf(world), 'web', world.catalog.services.web!);

describe('drift', () => {
  it('finds none right after a deployment', async () => {
    const world = await deployed();
    const report = await check(world);
    expect(report).toMatchObject({
      drift: false,
      findings: [],
      deploymentInProgress: null,
      live: { release: 1 },
    });
  });

  it('finds production weights changed behind Cutover’s back', async () => {
    const world = await deployed();
    const entry = world.catalog.services.web!;
    const [blue, green] = entry.traffic.targetGroups;
    await world.router.setWeights(entry.traffic.productionListenerRule, [
      { targetGroupArn: blue, weight: 20 },
      { targetGroupArn: green, weight: 80 },
    ]);
    const report = await check(world);
    expect(report.findings).toEqual([
      { kind: 'weights', message: expect.stringContaining('web-blue=20, web-green=80') },
    ]);
  });

  it('finds a task definition registered outside Cutover, and a task set left running', async () => {
    const world = await deployed();
    world.ecs.addDefinition('web', { app: `${REGISTRY}/web@${DIGEST(9)}` }, { app: 8080 });
    world.ecs.setsOf({ cluster: 'prod', service: 'web' }).push({
      ...world.ecs.setsOf({ cluster: 'prod', service: 'web' })[0]!,
      id: 'ecs-svc/manual',
      status: 'ACTIVE',
      externalId: 'manual',
    });
    const kinds = (await check(world)).findings.map((f) => f.kind).sort();
    expect(kinds).toEqual(['extra-task-sets', 'outside-task-definition']);
  });

  it('finds a primary that runs something other than the live release', async () => {
    const world = await deployed();
    const [primary] = world.ecs.setsOf({ cluster: 'prod', service: 'web' });
    primary!.taskDefinitionArn = world.ecs.addDefinition(
      'web',
      { app: `${REGISTRY}/web@${DIGEST(7)}` },
      { app: 8080 },
      { 'cutover:deployment': 'x' },
    ).arn;
    const kinds = (await check(world)).findings.map((f) => f.kind).sort();
    expect(kinds).toEqual(['image', 'task-definition']);
  });

  it('while a deployment runs, judges only what must hold mid-deployment', async () => {
    const world = await deployed();
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(3)}` });
    await drive(world, execution, () => world.watchers.watching.length > 0);
    const report = await check(world);
    expect(report).toMatchObject({ drift: false, deploymentInProgress: execution.name });
    execution.stop();
  });
});
