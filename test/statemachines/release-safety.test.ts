// Release safety over fakes, through the real ASL and handlers: release numbers are never
// reused, and alarms never block a rollback. A rollback (an image the ledger shows was
// promoted) goes on while alarms fire, records them, and is not gated by them; a new image
// needs an override with a reason; every other watched alarm still rolls a deployment back.

import { describe, expect, it } from 'vitest';
import { appendOnce } from '../../shared/engine/ledger-append.js';
import { expectAtRest, ledgerTypes } from '../support/at-rest.js';
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

async function deploy(world: World, input: Record<string, unknown>) {
  const execution = start(world, 'canary', { service: 'web', ...input });
  await drive(world, execution);
  return execution;
}

const records = (world: World, type: string) => world.ledger.records('web').filter((r) => r.type === type);

describe('release numbers', () => {
  it('are never reused: a start after an older release is the ledger head still gets a new number', async () => {
    const world = setUp();
    expect((await deploy(world, { image: image(2) })).status).toBe('SUCCEEDED');
    world.alarms.inAlarm.add('web-5xx-rate');
    expect((await deploy(world, { image: image(3) })).error).toBe('Aborted');
    world.alarms.inAlarm.clear();
    // The ledger's newest record now names release 1 (as an operator's request about the live
    // release does): the number of the next deployment must not be derived from it.
    await appendOnce(world, {
      service: 'web',
      type: 'OperatorAction',
      deploymentId: 'asked-for-later',
      release: 1,
      actor: 'operator:ana',
      detail: { action: 'rollback', target: 1 },
    });
    expect((await deploy(world, { image: image(4) })).status).toBe('SUCCEEDED');
    expect(records(world, 'ReleaseStarted').map((r) => r.release)).toEqual([1, 2, 3]);
    expect((await world.serviceStates.get('web')).stable?.release).toBe(3);
  });
});

describe('alarms and rollbacks', () => {
  async function twoPromoted(world: World): Promise<void> {
    expect((await deploy(world, { image: image(2) })).status).toBe('SUCCEEDED');
    expect((await deploy(world, { image: image(3) })).status).toBe('SUCCEEDED');
  }

  it('a rollback runs while the alarm it cures fires, records it, and is not rolled back by it', async () => {
    const world = setUp();
    await twoPromoted(world);
    world.alarms.inAlarm.add('web-5xx-rate');
    const execution = await deploy(world, { image: image(2), trigger: 'rollback', rollbackOf: 1 });

    expect(execution.status).toBe('SUCCEEDED');
    expect(records(world, 'AlarmsOverridden').map((r) => ({ release: r.release, detail: r.detail }))).toEqual(
      [{ release: 3, detail: { alarms: ['web-5xx-rate'], because: 'rollback', promotedAs: 1 } }],
    );
    expect((await world.serviceStates.get('web')).stable).toMatchObject({ release: 3, image: image(2) });
    await expectAtRest(world, 'web', image(2));
  });

  it('a redeploy of a promoted image through the API trigger is a rollback too', async () => {
    const world = setUp();
    await twoPromoted(world);
    world.alarms.inAlarm.add('web-5xx-rate');
    const execution = await deploy(world, { image: image(2), trigger: 'api', strategy: 'canary' });
    expect(execution.status).toBe('SUCCEEDED');
    expect(records(world, 'AlarmsOverridden').at(-1)?.detail).toMatchObject({ because: 'rollback' });
  });

  it('another watched alarm that fires during a rollback still rolls it back', async () => {
    const world = setUp();
    await twoPromoted(world);
    world.alarms.inAlarm.add('web-5xx-rate');
    const execution = start(world, 'canary', {
      service: 'web',
      image: image(2),
      trigger: 'rollback',
      rollbackOf: 1,
    });
    await drive(world, execution, () => world.watchers.watching.length > 0);
    // Only the alarm that was not firing at the start is watched.
    expect(world.watchers.watching.map((w) => w.alarmName)).toEqual(['web-p99-latency']);
    world.alarms.inAlarm.add('web-p99-latency');
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    await expectAtRest(world, 'web', image(3));
  });

  it('a new image while an alarm fires is refused without an override, and nothing is recorded as overridden', async () => {
    const world = setUp();
    await twoPromoted(world);
    world.alarms.inAlarm.add('web-5xx-rate');
    const execution = await deploy(world, { image: image(4) });
    expect(execution.error).toBe('Aborted');
    expect(execution.cause).toContain('web-5xx-rate is already in ALARM');
    expect(execution.cause).toContain('--override-alarms');
    expect(records(world, 'AlarmsOverridden')).toEqual([]);
  });

  it('a fix-forward with an override runs while the alarm fires, and the ledger keeps who and why', async () => {
    const world = setUp();
    await twoPromoted(world);
    world.alarms.inAlarm.add('web-5xx-rate');
    const execution = await deploy(world, {
      image: image(4),
      // As the API starts it: the actor is the caller's (a console start's would be claimed).
      trigger: 'api',
      actor: 'operator:ana',
      overrideAlarms: { reason: 'v4 fixes the 5xx' },
    });
    expect(execution.status).toBe('SUCCEEDED');
    const [overridden] = records(world, 'AlarmsOverridden');
    expect(overridden).toMatchObject({
      release: 3,
      actor: 'operator:ana',
      detail: { alarms: ['web-5xx-rate'], because: 'override', reason: 'v4 fixes the 5xx' },
    });
    expect(ledgerTypes(world, 'web')).toContain('AlarmsOverridden');
    await expectAtRest(world, 'web', image(4));
  });
});
