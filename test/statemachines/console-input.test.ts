// Executions started by hand (the console, `aws stepfunctions start-execution`) through the
// real ASL and handlers: a `rollback` trigger brings back only an image the ledger shows was
// promoted (it skips approval and analysis), and a console actor is kept as a claim, whatever
// trigger the input claims: only an execution one of Cutover's starters vouched for keeps its actor.

import { describe, expect, it } from 'vitest';
import { expectAtRest } from '../support/at-rest.js';
import {
  createWorld,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';

const image = (n: number) => `${REGISTRY}/web@${DIGEST(n)}`;

function setUp(): World {
  const world = createWorld();
  seedService(world, 'web');
  return world;
}

async function run(world: World, input: Record<string, unknown>, name?: string, vouched = false) {
  const execution = start(world, 'canary', { service: 'web', ...input }, name, { vouched });
  await drive(world, execution);
  return execution;
}

const started = (world: World) => world.ledger.records('web').filter((r) => r.type === 'ReleaseStarted');

describe('a rollback trigger in an execution started by hand', () => {
  it('is refused for an image the ledger never shows promoted, with the reason and nothing deployed', async () => {
    const world = setUp();
    expect((await run(world, { image: image(2) })).status).toBe('SUCCEEDED');
    const before = { ledger: world.ledger.records('web').length, definitions: world.ecs.definitions.size };

    const execution = await run(world, { image: image(9), trigger: 'rollback', actor: 'operator:mallory' });

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('DeploymentRequestInvalid');
    expect(execution.cause).toMatch(/shows no promotion of .*sha256:09.*nothing was deployed/);
    expect(world.ledger.records('web')).toHaveLength(before.ledger);
    expect(world.ecs.definitions.size).toBe(before.definitions);
    expect(world.deployments.items.has(execution.name)).toBe(false);
    await expectAtRest(world, 'web', image(2));
  });

  it('is refused for an image that was started but rolled back, never promoted', async () => {
    const world = setUp();
    world.alarms.inAlarm.add('web-5xx-rate');
    expect((await run(world, { image: image(3) })).status).not.toBe('SUCCEEDED');
    world.alarms.inAlarm.clear();
    expect(started(world).map((r) => r.detail.image)).toEqual([image(3)]);

    const execution = await run(world, { image: image(3), trigger: 'rollback' });

    expect(execution.error).toBe('DeploymentRequestInvalid');
    expect(started(world)).toHaveLength(1);
  });

  it('brings back an image that was promoted, at once', async () => {
    const world = setUp();
    expect((await run(world, { image: image(2) })).status).toBe('SUCCEEDED');
    expect((await run(world, { image: image(3) })).status).toBe('SUCCEEDED');

    const execution = await run(world, { image: image(2), trigger: 'rollback' });

    expect(execution.status).toBe('SUCCEEDED');
    await expectAtRest(world, 'web', image(2));
    expect(started(world).at(-1)?.detail).toMatchObject({ image: image(2), trigger: 'rollback' });
  });
});

describe('the actor of a console execution', () => {
  it('is recorded as claimed: console:<claim>, in the ledger and the deployment record', async () => {
    const world = setUp();
    const execution = await run(world, { image: image(2), actor: 'operator:ana' });
    expect(execution.status).toBe('SUCCEEDED');
    const actors = world.ledger
      .records('web')
      .filter((r) => r.deploymentId === execution.name && r.type === 'ReleaseStarted')
      .map((r) => r.actor);
    expect(actors).toEqual(['console:operator:ana']);
    expect(world.deployments.items.get(execution.name)?.actor).toBe('console:operator:ana');
  });

  it('is plain console when the input names none', async () => {
    const world = setUp();
    await run(world, { image: image(2) });
    expect(started(world).map((r) => r.actor)).toEqual(['console']);
  });

  it('is kept as given for the API and push triggers when their starter vouched for it', async () => {
    const world = setUp();
    await run(world, { image: image(2), trigger: 'api', actor: 'operator:ana' }, undefined, true);
    expect(started(world).map((r) => r.actor)).toEqual(['operator:ana']);
  });

  it.each([
    ['api', 'operator:boss'],
    ['push', 'ecr-push'],
    ['rollback', 'operator:boss'],
  ])('is a claim when started by hand with trigger %s: nobody vouched for it', async (trigger, actor) => {
    const world = setUp();
    expect((await run(world, { image: image(2) })).status).toBe('SUCCEEDED');
    const execution = await run(world, { image: image(trigger === 'rollback' ? 2 : 3), trigger, actor });
    expect(execution.status).toBe('SUCCEEDED');
    const mine = world.ledger.records('web').filter((r) => r.deploymentId === execution.name);
    expect(mine.find((r) => r.type === 'ReleaseStarted')).toMatchObject({
      actor: `console:${actor}`,
      detail: { trigger },
    });
    expect(world.deployments.items.get(execution.name)?.actor).toBe(`console:${actor}`);
  });

  it('is a claim when the voucher names another actor than the input', async () => {
    const world = setUp();
    const execution = start(
      world,
      'canary',
      { service: 'web', image: image(2), trigger: 'api', actor: 'operator:boss' },
      'run-x',
      { vouched: false },
    );
    world.vouchers.vouchers.set('run-x', { trigger: 'api', actor: 'operator:ana' });
    await drive(world, execution);
    expect(started(world).map((r) => r.actor)).toEqual(['console:operator:boss']);
  });
});
