// A real baseline (analysis.baseline) through the real linear ASL and handlers over fakes: a fresh
// task set of the stable revision starts with the canary, behind its own target group, takes the
// canary's share of production, is what the canary is judged against, and is gone on every way
// out: promotion, rollback, abort, and orphan recovery of a run cut short.

import { describe, expect, it } from 'vitest';
import { baselineExternalId } from '../../shared/domain/baseline.js';
import { abort } from '../../shared/engine/operator.js';
import { recoverOrphans } from '../../shared/engine/recover.js';
import { expectAtRest, expectSlowCanaryRolledBack } from '../support/at-rest.js';
import {
  BASELINE_GROUP,
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

/** web with a baseline, judged by `method`; each group serving healthy minutes. */
function setUp(method: 'sequential' | 'mann-whitney' = 'sequential') {
  const web = judgedWebWorld({ method, baseline: true });
  for (const group of [web.blue, web.green, BASELINE_GROUP]) web.world.metrics.serve(group);
  return web;
}

const sets = (world: World) => world.ecs.setsOf({ cluster: 'prod', service: 'web' });
const groupsOf = (world: World, rule: string) =>
  (world.router.rules.get(rule) ?? []).map((w) => w.targetGroupArn);
const record = (world: World, id: string) => world.deployments.items.get(id)!;

describe('a real baseline', () => {
  it('runs beside the canary at its weight, judges against it rather than the stable task set, and goes at promotion', async () => {
    const { world, blue, green, rule } = setUp();
    // The canary and the baseline both serve 40% of requests slower than the stable p99 (the
    // hour's traffic is slower, not the release): against the stable group that is a
    // regression, against the baseline, like with like, it is none.
    world.metrics.serve(green, { slower: 40 });
    world.metrics.serve(BASELINE_GROUP, { slower: 40 });
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution, () => (record(world, execution.name)?.weights.candidate ?? 0) >= 20);

    // Three task sets while it runs: the stable one, the canary, and the baseline of the stable revision.
    const running = sets(world);
    expect(running).toHaveLength(3);
    const baselineSet = running.find((s) => s.externalId === baselineExternalId(execution.name))!;
    expect(baselineSet).toMatchObject({
      status: 'ACTIVE',
      image: STABLE,
      targetGroupArn: BASELINE_GROUP,
      scalePercent: 100,
    });
    expect(record(world, execution.name)).toMatchObject({
      weights: { stable: 60, candidate: 20, baseline: 20 },
      baseline: { targetGroupArn: BASELINE_GROUP, taskSetId: baselineSet.id },
    });
    expect(world.router.rules.get(rule)).toEqual([
      { targetGroupArn: blue, weight: 60 },
      { targetGroupArn: green, weight: 20 },
      { targetGroupArn: BASELINE_GROUP, weight: 20 },
    ]);

    await drive(world, execution);
    expect(execution.cause ?? '').toBe('');
    expect(execution.status).toBe('SUCCEEDED');
    // The judge read the canary against the baseline's group, never the stable one's minutes.
    const minuteReads = world.metrics.reads.filter((r) => r.names.includes('error-rate--events'));
    expect(new Set(minuteReads.map((r) => r.targetGroupArn))).toEqual(new Set([green, BASELINE_GROUP]));
    // Past 50% the baseline takes what the stable task set has left; the last shift takes it out.
    const shares = world.ledger
      .records('web')
      .filter((r) => r.type === 'TrafficShifted')
      .map((r) => (r.detail as { weights: Record<string, number> }).weights);
    expect(shares.slice(4, 7)).toEqual([
      { stable: 0, candidate: 50, baseline: 50 },
      { stable: 0, candidate: 60, baseline: 40 },
      { stable: 0, candidate: 70, baseline: 30 },
    ]);
    expect(shares.at(-1)).toEqual({ stable: 0, candidate: 100 });
    expect(groupsOf(world, rule)).not.toContain(BASELINE_GROUP);
    expect(record(world, execution.name).baseline!.removedAt).toBeGreaterThan(0);
    await expectAtRest(world, 'web', NEW);
  });

  it('rolls back a canary that regresses against its baseline, and removes both', async () => {
    const { world, blue, green, rule } = setUp();
    const execution = await expectSlowCanaryRolledBack(world, green, NEW);
    expect(groupsOf(world, rule)).toEqual([blue, green]);
    expect(record(world, execution.name)).toMatchObject({
      weights: { stable: 100, candidate: 0 },
      baseline: { removedAt: expect.any(Number) },
    });
    await expectAtRest(world, 'web', STABLE);
  });

  it('an abort during a bake removes the baseline with the canary', async () => {
    const { world } = setUp('mann-whitney');
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution, () => (record(world, execution.name)?.weights.baseline ?? 0) === 10);
    expect(sets(world)).toHaveLength(3);
    await abort(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'wrong build' });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    await expectAtRest(world, 'web', STABLE);
  });

  it('a baseline that never becomes healthy stops the deployment before any traffic, naming it', async () => {
    const { world } = setUp();
    // Task sets of the stable revision fail from now on (its image was deleted, say).
    world.ecs.profiles.set(STABLE, 'crashing');
    const execution = start(world, 'canary', { service: 'web', image: NEW });
    await drive(world, execution);
    expect(execution.error).toBe('Aborted');
    expect(record(world, execution.name).reason!.message).toMatch(/tasks of the baseline task set failed/);
  });

  it('orphan recovery of a run cut short mid-rollout removes the baseline, and one whose creation was never recorded', async () => {
    const { world } = setUp();
    const execution = startRecoverable(world, { service: 'web', image: NEW });
    await drive(world, execution, () => (record(world, 'web-run')?.weights.candidate ?? 0) >= 20);
    world.executions.summaries.set('web-run', { status: 'ABORTED', startDate: 0 });
    // As if the record's write after CreateTaskSet had been lost: only the externalId finds it.
    await world.deployments.update('web-run', { baseline: undefined });

    const done = await recoverOrphans(depsOf(world), world.catalog);
    expect(done).toEqual([expect.objectContaining({ deploymentId: 'web-run', action: 'rolled-back' })]);
    await expectAtRest(world, 'web', STABLE);
  });

  it('clean-up removes a baseline a promotion cut short left running', async () => {
    const { world } = setUp();
    const execution = startRecoverable(world, { service: 'web', image: NEW });
    await drive(world, execution, () => record(world, 'web-run')?.status === 'promoted');
    // Promote was cut short after its Promoted record, before the baseline went.
    const removed = record(world, 'web-run').baseline!;
    world.ecs.setsOf({ cluster: 'prod', service: 'web' }).push({
      ...sets(world).find((s) => s.status === 'PRIMARY')!,
      id: removed.taskSetId,
      status: 'ACTIVE',
      image: STABLE,
      targetGroupArn: BASELINE_GROUP,
      externalId: baselineExternalId('web-run'),
    });
    await world.deployments.update('web-run', { baseline: { ...removed, removedAt: undefined } });
    world.executions.summaries.set('web-run', { status: 'FAILED', startDate: 0, error: 'States.Timeout' });

    expect(await recoverOrphans(depsOf(world), world.catalog)).toEqual([
      expect.objectContaining({ action: 'cleaned-up' }),
    ]);
    await expectAtRest(world, 'web', NEW);
  });
});
