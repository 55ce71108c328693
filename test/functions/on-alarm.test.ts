// on-alarm with a real "CloudWatch Alarm State Change" event (test/events/cloudwatch/),
// cloned and changed one field per case, against a deployment baking in the engine.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/on-alarm.js';
import { createWorld, DIGEST, drive, REGISTRY, seedService, start } from '../../harness/engine.js';

const fixture = JSON.parse(
  readFileSync(new URL('../events/cloudwatch/alarm-state-change.json', import.meta.url), 'utf8'),
) as { detail: { alarmName: string; state: { value: string } } };

function event(change: (e: typeof fixture) => void = () => undefined) {
  const copy = structuredClone(fixture);
  change(copy);
  return copy;
}

async function baking() {
  const world = createWorld();
  seedService(world, 'web');
  const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
  await drive(world, execution, () => world.watchers.watching.length > 0);
  return { world, execution, onAlarm: createHandler(world) };
}

describe('on-alarm', () => {
  it('fails the bake of the deployment watching the alarm, and it rolls back naming the alarm', async () => {
    const { world, execution, onAlarm } = await baking();
    const result = await onAlarm(event(), {});
    expect(result).toEqual({ alarmName: 'web-5xx-rate', failed: [execution.name], skipped: [] });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(execution.cause).toContain('alarm web-5xx-rate went to ALARM during the bake: Threshold Crossed');
  });

  it.each(['OK', 'INSUFFICIENT_DATA'])('ignores a change to %s', async (value) => {
    const { world, onAlarm } = await baking();
    const result = await onAlarm(
      event((e) => (e.detail.state.value = value)),
      {},
    );
    expect(result).toEqual({ alarmName: 'web-5xx-rate', ignored: value });
    expect(world.watchers.watching).toHaveLength(2);
  });

  it('does nothing for an alarm no deployment watches', async () => {
    const { onAlarm } = await baking();
    const result = await onAlarm(
      event((e) => (e.detail.alarmName = 'other-alarm')),
      {},
    );
    expect(result).toEqual({ alarmName: 'other-alarm', failed: [], skipped: [] });
  });

  it('is idempotent: the same event delivered twice fails the token once', async () => {
    const { world, execution, onAlarm } = await baking();
    await onAlarm(event(), {});
    const again = await onAlarm(event(), {});
    expect(again).toMatchObject({ failed: [] });
    await drive(world, execution);
    expect(execution.history.filter((e) => e.type === 'TaskFailed')).toHaveLength(1);
  });

  it('refuses an event that is not an alarm state change', async () => {
    const { onAlarm } = await baking();
    await expect(
      onAlarm({ source: 'aws.ecr', 'detail-type': 'ECR Image Action', detail: {} }, {}),
    ).rejects.toThrow();
  });
});
