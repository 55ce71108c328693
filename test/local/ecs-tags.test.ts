// Tags on the local ECS's resources: TagResource adds or replaces them by key on a task
// definition, a service or a task set, ListTagsForResource reads them back, and an ARN that
// names no such resource is refused with ECS's ResourceNotFoundException, changing nothing.

import { describe, expect, it } from 'vitest';
import { LocalEcs } from '../../local/aws/ecs.js';

const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'1'.repeat(64)}`;

async function world() {
  const ecs = new LocalEcs({ region: 'us-east-1', account: '000000000000', now: () => 0 });
  const call = async <T = { tags: { key: string; value: string }[] }>(
    operation: string,
    input: Record<string, unknown>,
  ) => (await ecs.service.operations[operation]!(input)) as T;
  ecs.createCluster('prod');
  const { taskDefinition } = await call<{ taskDefinition: { taskDefinitionArn: string } }>(
    'RegisterTaskDefinition',
    {
      family: 'web',
      containerDefinitions: [{ name: 'app', image: IMAGE }],
      tags: [{ key: 'team', value: 'platform' }],
    },
  );
  const { service } = await call<{ service: { serviceArn: string } }>('CreateService', {
    cluster: 'prod',
    serviceName: 'web',
    deploymentController: { type: 'EXTERNAL' },
    tags: [{ key: 'tier', value: 'web' }],
  });
  const { taskSet } = await call<{ taskSet: { taskSetArn: string } }>('CreateTaskSet', {
    cluster: 'prod',
    service: 'web',
    taskDefinition: 'web:1',
  });
  return {
    call,
    arns: [taskDefinition.taskDefinitionArn, service.serviceArn, taskSet.taskSetArn] as string[],
  };
}

describe('tags in the local ECS', () => {
  it('adds and replaces tags by key on task definitions, services and task sets', async () => {
    const { call, arns } = await world();
    const before = await Promise.all(arns.map((resourceArn) => call('ListTagsForResource', { resourceArn })));
    expect(before.map((b) => b.tags)).toEqual([
      [{ key: 'team', value: 'platform' }],
      [{ key: 'tier', value: 'web' }],
      [],
    ]);
    for (const resourceArn of arns)
      await call('TagResource', {
        resourceArn,
        tags: [
          { key: 'team', value: 'payments' },
          { key: 'cost', value: '42' },
        ],
      });
    const after = await Promise.all(arns.map((resourceArn) => call('ListTagsForResource', { resourceArn })));
    expect(after[0]!.tags).toEqual([
      { key: 'team', value: 'payments' },
      { key: 'cost', value: '42' },
    ]);
    expect(after[1]!.tags).toEqual([
      { key: 'tier', value: 'web' },
      { key: 'team', value: 'payments' },
      { key: 'cost', value: '42' },
    ]);
    expect(after[2]!.tags).toHaveLength(2);
    // DescribeServices shows tags only when asked for, as ECS does.
    const { services } = await call<{ services: { tags?: unknown }[] }>('DescribeServices', {
      cluster: 'prod',
      services: ['web'],
    });
    expect(services[0]!.tags).toBeUndefined();
  });

  it('refuses an ARN that names no resource, and a tag without a key, changing nothing', async () => {
    const { call, arns } = await world();
    const missing = 'arn:aws:ecs:us-east-1:000000000000:task-definition/none:1';
    await expect(
      call('TagResource', { resourceArn: missing, tags: [{ key: 'a', value: 'b' }] }),
    ).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(call('ListTagsForResource', { resourceArn: missing })).rejects.toMatchObject({
      code: 'ResourceNotFoundException',
    });
    await expect(
      call('TagResource', { resourceArn: arns[0], tags: [{ key: 'ok', value: '1' }, { value: 'no key' }] }),
    ).rejects.toMatchObject({ code: 'InvalidParameterException' });
    const tooMany = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: 'v' }));
    await expect(call('TagResource', { resourceArn: arns[0], tags: tooMany })).rejects.toMatchObject({
      code: 'InvalidParameterException',
      message: 'A resource can have at most 50 tags.',
    });
    expect((await call('ListTagsForResource', { resourceArn: arns[0] })).tags).toEqual([
      { key: 'team', value: 'platform' },
    ]);
  });
});
