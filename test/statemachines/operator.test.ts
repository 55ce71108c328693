// Operator actions on running deployments, through the real ASL and handlers:
// promote (end a bake), promote --full (skip everything left), abort with no wait
// to interrupt, and a rollback that skips approval.

import { describe, expect, it } from 'vitest';
import { abort, promote } from '../../shared/engine/operator.js';
import { expectAtRest, lastRecord, ledgerTypes } from '../support/at-rest.js';
import {
  createWorld,
  DIGEST,
  drive,
  recordPromoted,
  REGISTRY,
  seedService,
  start,
  statesEntered,
  webImage,
  webWorld,
} from '../../harness/engine.js';

const V2 = webImage(2);
const setUp = webWorld;

describe('operator actions', () => {
  it('promote ends the current bake at once: the next shift follows with no simulated time passing', async () => {
    const { world, rule, blue } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(
      world,
      execution,
      () => world.watchers.watching.length > 0 && world.router.weightOf(rule, blue) === 90,
    );
    const before = world.clock.now();
    await promote(world, execution.name, { actor: 'operator:ana', full: false, reason: 'looks good' });
    await drive(world, execution, () => world.router.weightOf(rule, blue) === 80);
    expect(world.clock.now()).toBe(before);
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'TrafficShifted',
      detail: { weights: { candidate: 20 } },
    });
    expect(world.ledger.records('web').at(-2)).toMatchObject({
      type: 'OperatorAction',
      actor: 'operator:ana',
      detail: { action: 'promote', reason: 'looks good' },
    });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('promote --full skips every remaining step and bake: straight to 100%, then promoted', async () => {
    const { world, rule, blue } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(
      world,
      execution,
      () => world.watchers.watching.length > 0 && world.router.weightOf(rule, blue) === 90,
    );
    const before = world.clock.now();
    await promote(world, execution.name, { actor: 'operator:ana', full: true });
    await drive(world, execution, () => statesEntered(execution).includes('Promote'));
    // No bake waited: no simulated time passed between the action and promotion.
    expect(world.clock.now()).toBe(before);
    const types = ledgerTypes(world, 'web');
    expect(types.slice(-3)).toEqual(['OperatorAction', 'TrafficShifted', 'Promoted']);
    expect(world.ledger.records('web').at(-2)).toMatchObject({ detail: { weights: { candidate: 100 } } });
    await drive(world, execution);
    await expectAtRest(world, 'web', V2);
  });

  it('abort while the new task set starts (no wait to interrupt) rolls back at the next step', async () => {
    const { world } = setUp();
    world.ecs.checksUntilSteady = 5;
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution, () => statesEntered(execution).includes('CheckTaskSet'));
    await abort(world, execution.name, { actor: 'operator:lee', reason: 'wrong image' });
    await drive(world, execution);
    expect(execution.error).toBe('Aborted');
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'Aborted',
      detail: { reason: { kind: 'operator', message: 'aborted by operator:lee: wrong image' } },
    });
    await expectAtRest(world, 'web', `${REGISTRY}/web@${DIGEST(1)}`);
  });

  it('a rollback of a blue-green service asks for no approval and shifts all at once', async () => {
    const world = createWorld();
    seedService(world, 'api');
    const image = `${REGISTRY}/api@${DIGEST(5)}`;
    await recordPromoted(world, 'api', image);
    const execution = start(world, 'canary', {
      service: 'api',
      image,
      trigger: 'rollback',
      rollbackOf: 1,
      actor: 'operator:ana',
    });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(statesEntered(execution)).not.toContain('WaitForApproval');
    expect(statesEntered(execution).filter((s) => s === 'ShiftTraffic')).toHaveLength(1);
    // The request is recorded by the rollback's own first step, just before its ReleaseStarted.
    expect(world.ledger.records('api').slice(1, 3)).toMatchObject([
      { type: 'OperatorAction', actor: 'operator:ana', detail: { action: 'rollback', target: 1 } },
      { type: 'ReleaseStarted', detail: { trigger: 'rollback', rollbackOf: 1, strategy: 'all-at-once' } },
    ]);
  });
});

describe("Cutover's own events", () => {
  it('a deployment publishes Started, each Traffic Shifted, its analysis, and Promoted, in order', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', {
      service: 'web',
      image: V2,
      preset: 'Canary10Percent5Minutes',
    });
    await drive(world, execution);
    expect(world.events.types()).toEqual([
      'Deployment Started',
      'Traffic Shifted',
      'Analysis Completed',
      'Traffic Shifted',
      'Deployment Promoted',
    ]);
    expect(world.events.published[0]).toMatchObject({
      detail: {
        deploymentId: execution.name,
        service: 'web',
        release: 1,
        image: V2,
        strategy: 'canary',
        stable: { release: 0 },
      },
    });
  });

  it('a rollback publishes Deployment Rolled Back with the reason; an approval wait publishes Approval Needed', async () => {
    const world = createWorld();
    seedService(world, 'api');
    world.hooks.results.set('arn:aws:lambda:us-east-1:123456789012:function:api-contract-tests', {
      status: 'Failed',
      message: 'contract tests failed',
    });
    const failed = start(world, 'blue-green', { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` });
    await drive(world, failed);
    expect(world.events.published.at(-1)).toMatchObject({
      detailType: 'Deployment Rolled Back',
      detail: { outcome: 'aborted', reason: { kind: 'hook', hook: 'AfterAllowTestTraffic' } },
    });
    world.hooks.results.clear();
    const waiting = start(world, 'blue-green', { service: 'api', image: `${REGISTRY}/api@${DIGEST(3)}` });
    await drive(world, waiting, () => world.events.types().includes('Approval Needed'));
    expect(world.events.published.at(-1)).toMatchObject({
      detailType: 'Approval Needed',
      detail: { release: 2 },
    });
    waiting.stop();
  });
});
