// CreateTaskSet's use case, which registers the release's task definition and then runs it as a
// task set: retried after it died between any two of its writes, or after all of them, it ends
// with one revision and one task set, and the deployment record names both.

import { describe, expect, it } from 'vitest';
import { beginDeployment } from '../../shared/engine/begin.js';
import { startCandidate } from '../../shared/engine/task-set.js';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { createWorld, depsOf, DIGEST, REGISTRY, seedService } from '../../harness/engine.js';
import { failNthWrite } from '../support/write-faults.js';

async function begun() {
  const world = createWorld();
  const entry = seedService(world, 'web');
  const spec = validateDeploymentRequest(
    { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` },
    world.catalog,
    'web-2',
  );
  await beginDeployment(depsOf(world), spec);
  const { cluster, service } = entry.ecs;
  const revisions = () =>
    [...world.ecs.definitions.values()].filter((d) => d.images[entry.ecs.container]?.endsWith(DIGEST(2)));
  const taskSets = () => world.ecs.setsOf({ cluster, service }).filter((s) => s.externalId === 'web-2');
  return { world, spec, revisions, taskSets };
}

describe('CreateTaskSet (register, then create)', () => {
  it('registers one revision pinned by digest and runs it as one task set', async () => {
    const { world, spec, revisions, taskSets } = await begun();
    const { taskDefinitionArn, taskSetId } = await startCandidate(depsOf(world), spec);
    expect(revisions().map((d) => d.arn)).toEqual([taskDefinitionArn]);
    expect(taskSets().map((s) => [s.id, s.taskDefinitionArn])).toEqual([[taskSetId, taskDefinitionArn]]);
    const record = world.deployments.items.get('web-2')!;
    expect(record.candidate).toMatchObject({ taskDefinitionArn, taskSetId });
    expect(record.phase).toBe('wait-healthy');
    // The record keeps the plan it started with (status renders it, steps-view.ts).
    expect(record.plan).toEqual(spec.plan.steps);
  });

  it('retried after dying at any of its writes, or after all of them, ends with one revision and one task set', async () => {
    let writesInOneRun: string[] = [];
    for (let failAt = 0; ; failAt += 1) {
      const { world, spec, revisions, taskSets } = await begun();
      const faults = failNthWrite(depsOf(world), failAt);
      const first = await startCandidate(faults.deps, spec).then(
        () => 'finished',
        (error: Error) => error.name,
      );
      if (first === 'finished') writesInOneRun = faults.writes;
      else expect(first).toBe('Lambda.Unknown');
      const { taskDefinitionArn, taskSetId } = await startCandidate(depsOf(world), spec);
      expect(
        revisions().map((d) => d.arn),
        `died at write ${failAt}`,
      ).toEqual([taskDefinitionArn]);
      expect(
        taskSets().map((s) => s.id),
        `died at write ${failAt}`,
      ).toEqual([taskSetId]);
      expect(world.deployments.items.get('web-2')!.candidate).toMatchObject({ taskDefinitionArn, taskSetId });
      if (first === 'finished') break;
    }
    // A crash before each of these was tried (each phase is a lease renewal and a record update).
    expect(writesInOneRun).toEqual([
      'taskDefinitions.registerRelease',
      'locks.renew',
      'deployments.update',
      'taskSets.create',
      'locks.renew',
      'deployments.update',
    ]);
  });
});
