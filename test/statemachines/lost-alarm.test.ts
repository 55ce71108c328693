// An alarm whose state-change event never arrives (EventBridge lost it, or on-alarm failed
// for good): the bake ends by its timeout, and the next shift, or the promotion, finds the
// alarm in ALARM and rolls back instead of going on.

import { describe, expect, it } from 'vitest';
import { expectAtRest, lastRecord } from '../support/at-rest.js';
import { createWorld, DIGEST, drive, REGISTRY, seedService, start } from '../../harness/engine.js';

describe('an alarm event that is lost', () => {
  it('is caught before the next shift of a linear rollout', async () => {
    const world = createWorld();
    const entry = seedService(world, 'web');
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(
      world,
      execution,
      () => world.deployments.items.get(execution.name)?.weights.candidate === 20,
    );
    // The alarm fires, and nobody tells the bake.
    world.alarms.inAlarm.add(entry.alarms[0]!.name);
    await drive(world, execution);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'alarm', alarmName: entry.alarms[0]!.name } },
    });
    // Traffic never went past the step it was on when the alarm fired.
    const newGroup = entry.traffic.targetGroups[1];
    const candidateWeights = world.router.changes.map(
      (c) => c.weights.find((w) => w.targetGroupArn === newGroup)?.weight ?? 0,
    );
    expect(Math.max(...candidateWeights)).toBe(20);
    world.alarms.inAlarm.clear();
    await expectAtRest(world, 'web', `${REGISTRY}/web@${DIGEST(1)}`);
  });

  it('is caught before a blue-green promotion', async () => {
    const world = createWorld();
    const entry = seedService(world, 'api');
    const execution = start(world, 'blue-green', { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
    await world.tokens.succeed(world.deployments.items.get(execution.name)!.approval!.token, {});
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.phase === 'final bake');
    world.alarms.inAlarm.add(entry.alarms[0]!.name);
    await drive(world, execution);

    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'api')).toMatchObject({ detail: { reason: { kind: 'alarm' } } });
    expect(world.ledger.records('api').some((r) => r.type === 'Promoted')).toBe(false);
  });
});
