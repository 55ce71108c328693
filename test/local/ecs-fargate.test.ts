// The local ECS refuses what Fargate refuses: a task definition that requires Fargate without
// the awsvpc network mode, task-level CPU and memory, or with a size Fargate does not offer;
// and a task set on Fargate for a task definition it cannot run. Nothing is registered or
// created when it refuses.

import { describe, expect, it } from 'vitest';
import { LocalEcs } from '../../local/aws/ecs.js';
import { LOCAL_NETWORK_CONFIGURATION } from '../../local/world/network.js';

const IMAGE = `000000000000.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'1'.repeat(64)}`;
const fargate = {
  family: 'web',
  containerDefinitions: [{ name: 'app', image: IMAGE }],
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
};

function newEcs() {
  const ecs = new LocalEcs({ region: 'us-east-1', account: '000000000000', now: () => 0 });
  ecs.createCluster('prod');
  return ecs;
}

const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return { code: (error as { code: string }).code, message: (error as Error).message };
  }
  return undefined;
};

describe('Fargate’s rules in the local ECS', () => {
  it.each([
    [{ networkMode: 'bridge' }, "Fargate only supports network mode 'awsvpc'."],
    [{ cpu: undefined }, "Fargate requires that 'cpu' be defined at the task level."],
    [{ memory: undefined }, "Fargate requires that 'memory' be defined at the task level."],
    [
      { cpu: '256', memory: '4096' },
      'No Fargate configuration exists for given values: 256 CPU, 4096 memory. See the Amazon ECS documentation for the valid values.',
    ],
    [
      { cpu: '300', memory: '512' },
      'No Fargate configuration exists for given values: 300 CPU, 512 memory. See the Amazon ECS documentation for the valid values.',
    ],
  ])('refuses a Fargate task definition with %j', (change, message) => {
    const ecs = newEcs();
    expect(refusal(() => ecs.registerTaskDefinition({ ...fargate, ...change }))).toEqual({
      code: 'ClientException',
      message,
    });
    expect(ecs.state.definitions).toEqual([]);
  });

  it.each([
    [{ cpu: '256', memory: '2048' }],
    [{ cpu: '0.5 vCPU', memory: '1 GB' }],
    [{ cpu: '4096', memory: '30720' }],
    [{ cpu: '16384', memory: '122880' }],
  ])('registers one with a size Fargate offers: %j', (size) => {
    const ecs = newEcs();
    const { taskDefinition } = ecs.registerTaskDefinition({ ...fargate, ...size });
    expect(taskDefinition.compatibilities).toEqual(['EC2', 'FARGATE']);
  });

  it('refuses a task set on Fargate for a task definition only EC2 can run, and creates none', async () => {
    const ecs = newEcs();
    const { taskDefinition } = ecs.registerTaskDefinition({
      family: 'web',
      containerDefinitions: [{ name: 'app', image: IMAGE }],
    });
    expect(taskDefinition.compatibilities).toEqual(['EC2']);
    ecs.createService({
      cluster: 'prod',
      serviceName: 'web',
      launchType: 'FARGATE',
      deploymentController: { type: 'EXTERNAL' },
    });
    const create = ecs.service.operations.CreateTaskSet!;
    await expect(
      Promise.resolve().then(() =>
        create({
          cluster: 'prod',
          service: 'web',
          taskDefinition: 'web:1',
          networkConfiguration: LOCAL_NETWORK_CONFIGURATION,
        }),
      ),
    ).rejects.toMatchObject({
      code: 'InvalidParameterException',
      message: 'Task definition does not support launch_type FARGATE.',
    });
    expect(ecs.state.taskSets).toEqual([]);
  });
});
