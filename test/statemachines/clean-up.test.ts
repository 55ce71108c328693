// Clean-up after the termination wait (shared/engine/promote.ts) never scales in or deletes
// the task set ECS calls PRIMARY, nor one behind a target group production traffic is on,
// whatever the deployment record says is old. Here the record and ECS disagree, as after a
// restart from an older snapshot or a change by hand.

import { describe, expect, it } from 'vitest';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { cleanUp } from '../../shared/engine/promote.js';
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

const NEW = `${REGISTRY}/web@${DIGEST(2)}`;
const WEB = { cluster: 'prod', service: 'web' };

/** A linear deployment of web, run until it is promoted and in its termination wait. */
async function promotedWeb(): Promise<World> {
  const world = createWorld();
  seedService(world, 'web');
  const execution = start(world, 'canary', { service: 'web', image: NEW }, 'web-run');
  await drive(world, execution, () => world.deployments.items.get('web-run')?.status === 'promoted');
  return world;
}

const recorded = (world: World) => world.deployments.items.get('web-run')!;

/** The clean-up step as the state machine runs it, with the spec the deployment ran with. */
function runCleanUp(world: World) {
  const deployment = recorded(world);
  const spec = validateDeploymentRequest(
    {
      service: 'web',
      image: NEW,
      strategy: deployment.strategy,
      trigger: deployment.trigger,
      actor: deployment.actor,
    },
    world.catalog,
    'web-run',
  );
  return cleanUp(depsOf(world), spec);
}

describe('clean-up', () => {
  it('removes the old task set once the new one is primary with all traffic', async () => {
    const world = await promotedWeb();
    const old = recorded(world).stable.taskSetId;
    await runCleanUp(world);
    expect(world.ecs.setsOf(WEB).map((s) => s.id)).not.toContain(old);
    expect(world.ecs.setsOf(WEB).map((s) => s.status)).toEqual(['PRIMARY']);
  });

  it('refuses to scale in or delete the task set ECS says is PRIMARY, though the record calls it old', async () => {
    const world = await promotedWeb();
    const old = recorded(world).stable.taskSetId;
    // ECS lost the promotion: the old task set is PRIMARY again.
    await world.ecs.makePrimary(WEB, old);
    await expect(runCleanUp(world)).rejects.toThrow(/refused to remove task set .*PRIMARY/);
    const kept = world.ecs.setsOf(WEB).find((s) => s.id === old);
    expect(kept).toMatchObject({ status: 'PRIMARY', scalePercent: 100 });
    expect(world.deployments.items.get('web-run')!.phase).not.toBe('done');
  });

  it('refuses to remove a task set behind the target group production traffic is on', async () => {
    const world = await promotedWeb();
    const { stable } = recorded(world);
    const rule = world.catalog.services.web!.traffic.productionListenerRule;
    // The load balancer lost the last shift: 10% still goes to the old task set's group.
    await world.router.setWeights(rule, [
      { targetGroupArn: stable.targetGroupArn, weight: 10 },
      { targetGroupArn: world.deployments.items.get('web-run')!.candidate.targetGroupArn, weight: 90 },
    ]);
    await expect(runCleanUp(world)).rejects.toThrow(/production traffic is on its target group/);
    expect(world.ecs.setsOf(WEB).find((s) => s.id === stable.taskSetId)).toMatchObject({ scalePercent: 100 });
  });
});
