// What the local ECS answers, as the AWS CLI parses it: each operation's wire answer against
// botocore's output shape for it (the AWS CLI's own model), with the members AWS always returns,
// and the values true to the simulated world (counts follow the tasks it runs).

import type {
  CreateClusterResponse,
  CreateTaskSetResponse,
  DescribeClustersResponse,
  DescribeServicesResponse,
  DescribeTaskDefinitionResponse,
  DescribeTaskSetsResponse,
  DescribeTasksResponse,
  ListTasksResponse,
  RegisterTaskDefinitionResponse,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  callJson,
  hasBotocore,
  serviceModel,
  shapeProblems,
  type ServiceModel,
} from '../support/botocore-shapes.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

/** By botocore shape name: the members ECS returns in every such structure (from its API reference). */
const ALWAYS: Record<string, string[]> = {
  Service: [
    'serviceArn',
    'serviceName',
    'clusterArn',
    'status',
    'desiredCount',
    'runningCount',
    'pendingCount',
    'loadBalancers',
    'serviceRegistries',
    'deployments',
    'taskSets',
    'events',
    'createdAt',
    'createdBy',
    'placementConstraints',
    'placementStrategy',
    'schedulingStrategy',
    'deploymentController',
    'enableECSManagedTags',
    'propagateTags',
    'enableExecuteCommand',
  ],
  TaskSet: [
    'id',
    'taskSetArn',
    'serviceArn',
    'clusterArn',
    'status',
    'taskDefinition',
    'computedDesiredCount',
    'pendingCount',
    'runningCount',
    'createdAt',
    'updatedAt',
    'launchType',
    'loadBalancers',
    'serviceRegistries',
    'scale',
    'stabilityStatus',
    'stabilityStatusAt',
    'tags',
  ],
  TaskDefinition: [
    'taskDefinitionArn',
    'containerDefinitions',
    'family',
    'revision',
    'volumes',
    'status',
    'requiresAttributes',
    'placementConstraints',
    'compatibilities',
    'registeredAt',
    'registeredBy',
  ],
  Task: [
    'attachments',
    'attributes',
    'availabilityZone',
    'clusterArn',
    'connectivity',
    'containers',
    'cpu',
    'memory',
    'createdAt',
    'desiredStatus',
    'enableExecuteCommand',
    'group',
    'healthStatus',
    'lastStatus',
    'launchType',
    'overrides',
    'platformVersion',
    'platformFamily',
    'startedBy',
    'tags',
    'taskArn',
    'taskDefinitionArn',
    'version',
  ],
  Container: ['containerArn', 'taskArn', 'name', 'image', 'lastStatus', 'networkInterfaces', 'healthStatus'],
  ServiceEvent: ['id', 'createdAt', 'message'],
  Cluster: [
    'clusterArn',
    'clusterName',
    'status',
    'registeredContainerInstancesCount',
    'runningTasksCount',
    'pendingTasksCount',
    'activeServicesCount',
  ],
};

let handle: CloudHandle;
let model: ServiceModel;
const ACCOUNT = '000000000000';
const ADMINISTRATOR = `arn:aws:iam::${ACCOUNT}:user/local-administrator`;
const seeded = { cluster: 'scenarios', service: 'linear' };

/** One ECS operation over the wire, as the AWS CLI sends it. */
const post = (operation: string, input: Record<string, unknown>) =>
  callJson(handle.cloud.endpoint, 'ecs', operation, input);

/** An operation that must succeed: its answer. */
async function ecs<T = Record<string, unknown>>(
  operation: string,
  input: Record<string, unknown>,
): Promise<T> {
  const { status, body } = await post(operation, input);
  expect(status, `${operation}: ${JSON.stringify(body)}`).toBe(200);
  return body as T;
}

/** Calls `operation` and checks its answer against botocore's shape; returns the answer. */
async function checked<T = Record<string, unknown>>(
  operation: string,
  input: Record<string, unknown>,
): Promise<T> {
  const body = await ecs<T>(operation, input);
  expect(shapeProblems(model, operation, body, ALWAYS)).toEqual([]);
  return body;
}

const describeSeeded = async () =>
  (
    await checked<DescribeServicesResponse>('DescribeServices', {
      cluster: seeded.cluster,
      services: [seeded.service],
    })
  ).services![0]!;

const seededTaskArns = async () =>
  (await checked<ListTasksResponse>('ListTasks', { cluster: seeded.cluster, serviceName: seeded.service }))
    .taskArns!;

beforeAll(async () => {
  model = serviceModel('ecs');
  handle = await startCloud({ port: await freePort(), speed: 300 });
  await until(async () => {
    const { taskSets } = await ecs<DescribeTaskSetsResponse>('DescribeTaskSets', seeded);
    return taskSets!.every((t) => t.stabilityStatus === 'STEADY_STATE');
  }, 'the seeded service to reach a steady state');
}, 60_000);

afterAll(async () => {
  await handle?.stop();
});

describe.skipIf(!hasBotocore)('the local ECS answers in botocore’s shapes', () => {
  it('describes a seeded EXTERNAL service as ECS does: counts, events, load balancers, network', async () => {
    const service = await describeSeeded();
    const { tasks } = await checked<DescribeTasksResponse>('DescribeTasks', {
      cluster: seeded.cluster,
      tasks: await seededTaskArns(),
    });
    const running = tasks!.filter((t) => t.lastStatus === 'RUNNING').length;
    expect(service.runningCount).toBe(running);
    expect(service.runningCount).toBe(service.desiredCount);
    expect(service.pendingCount).toBe(0);
    // An EXTERNAL service has task sets, not deployments; the primary's fields are the service's.
    expect(service.deployments).toEqual([]);
    const primary = service.taskSets!.find((t) => t.status === 'PRIMARY')!;
    expect(service.taskDefinition).toBe(primary.taskDefinition);
    expect(service.loadBalancers).toEqual(primary.loadBalancers);
    expect(service.networkConfiguration).toEqual(primary.networkConfiguration);
    expect(service.networkConfiguration!.awsvpcConfiguration!.subnets!.length).toBeGreaterThan(0);
    expect(service.schedulingStrategy).toBe('REPLICA');
    expect(service.deploymentController).toEqual({ type: 'EXTERNAL' });
    expect(service.createdBy).toBe(ADMINISTRATOR);
    const messages = service.events!.map((e) => e.message);
    expect(messages[0]).toBe(`(service ${seeded.service}) has reached a steady state.`);
    expect(messages).toContain(
      `(service linear, taskSet ${primary.id}) registered 1 targets in (target-group ${primary.loadBalancers![0]!.targetGroupArn})`,
    );
    expect(messages).toContainEqual(
      expect.stringMatching(new RegExp(`^\\(service linear, taskSet ${primary.id}\\) has started 2 tasks: `)),
    );
  });

  it('counts a cluster’s services and tasks from the world it runs', async () => {
    const { clusters } = await checked<DescribeClustersResponse>('DescribeClusters', {
      clusters: [seeded.cluster],
    });
    const { taskArns } = await checked<ListTasksResponse>('ListTasks', { cluster: seeded.cluster });
    expect(clusters![0]).toMatchObject({
      activeServicesCount: Object.keys(handle.catalog.services).length,
      runningTasksCount: taskArns!.length,
      pendingTasksCount: 0,
    });
  });

  it('gives tasks ARNs in the long format, and refers to them the same way everywhere', async () => {
    const taskArns = await seededTaskArns();
    expect(taskArns.length).toBeGreaterThan(0);
    for (const arn of taskArns)
      expect(arn).toMatch(new RegExp(`^arn:aws:ecs:us-east-1:${ACCOUNT}:task/scenarios/[0-9a-f]{32}$`));
    const ids = taskArns.map((arn) => arn.split('/').at(-1));
    const { tasks } = await checked<DescribeTasksResponse>('DescribeTasks', {
      cluster: seeded.cluster,
      tasks: ids,
    });
    expect(tasks!.map((t) => t.taskArn).sort()).toEqual([...taskArns].sort());
    for (const task of tasks!) {
      const id = task.taskArn!.split('/').at(-1)!;
      expect(task.containers![0]!.taskArn).toBe(task.taskArn);
      expect(task.containers![0]!.containerArn).toMatch(
        new RegExp(`^arn:aws:ecs:us-east-1:${ACCOUNT}:container/scenarios/${id}/`),
      );
    }
    const started = (await describeSeeded()).events!.find((e) => e.message!.includes('has started'))!;
    const named = started.message!.match(/\(task [^)]+\)/g) ?? [];
    expect(named.length).toBeGreaterThan(0);
    for (const task of named) expect(task).toMatch(/^\(task [0-9a-f]{32}\)$/);
  });

  it('describes task definitions with compatibilities, and who registered them', async () => {
    const { taskDefinition, tags } = await checked<DescribeTaskDefinitionResponse>('DescribeTaskDefinition', {
      taskDefinition: seeded.service,
      include: ['TAGS'],
    });
    expect(tags).toEqual([]);
    expect(taskDefinition!.compatibilities).toEqual(['EC2', 'FARGATE']);
    expect(taskDefinition!.requiresCompatibilities).toEqual(['FARGATE']);
    expect(taskDefinition!.registeredBy).toBe(ADMINISTRATOR);
    expect(taskDefinition).toMatchObject({
      networkMode: 'awsvpc',
      cpu: '256',
      memory: '512',
      status: 'ACTIVE',
    });
    await checked('ListTaskDefinitions', { familyPrefix: seeded.service });
  });

  it('answers every other operation the local ECS serves in its botocore shape', async () => {
    const base = (
      await ecs<DescribeTaskDefinitionResponse>('DescribeTaskDefinition', { taskDefinition: seeded.service })
    ).taskDefinition!;
    const { cluster } = await checked<CreateClusterResponse>('CreateCluster', { clusterName: 'shapes' });
    await checked('DescribeClusters', { clusters: [cluster!.clusterArn, 'missing'] });
    const { taskDefinition } = await checked<RegisterTaskDefinitionResponse>('RegisterTaskDefinition', {
      family: 'shapes',
      containerDefinitions: base.containerDefinitions,
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      cpu: '512',
      memory: '1024',
      tags: [{ key: 'team', value: 'platform' }],
    });
    const arn = taskDefinition!.taskDefinitionArn!;
    await checked('ListTagsForResource', { resourceArn: arn });
    await checked('TagResource', { resourceArn: arn, tags: [{ key: 'owner', value: 'shapes' }] });
    const service = { cluster: 'shapes', service: 'web' };
    await checked('CreateService', {
      cluster: 'shapes',
      serviceName: 'web',
      desiredCount: 2,
      deploymentController: { type: 'EXTERNAL' },
    });
    const network = {
      awsvpcConfiguration: {
        subnets: ['subnet-0123456789abcdef0'],
        securityGroups: ['sg-0123456789abcdef0'],
      },
    };
    const first = { ...service, taskDefinition: arn, launchType: 'FARGATE', networkConfiguration: network };
    const created = await checked<CreateTaskSetResponse>('CreateTaskSet', { ...first, externalId: 'first' });
    const id = created.taskSet!.id!;
    await checked('UpdateTaskSet', { ...service, taskSet: id, scale: { value: 50, unit: 'PERCENT' } });
    await checked('UpdateServicePrimaryTaskSet', { ...service, primaryTaskSet: id });
    await checked('UpdateService', { ...service, desiredCount: 4 });
    const second = await checked<CreateTaskSetResponse>('CreateTaskSet', {
      ...first,
      scale: { value: 0, unit: 'PERCENT' },
    });
    await checked('DescribeTaskSets', { ...service });
    await checked('DeleteTaskSet', { ...service, taskSet: second.taskSet!.id });
    const { services } = await checked<DescribeServicesResponse>('DescribeServices', {
      cluster: 'shapes',
      services: ['web', 'gone'],
    });
    expect(services![0]).toMatchObject({ launchType: 'FARGATE', platformVersion: 'LATEST', desiredCount: 4 });
  });

  it('refuses a task set without subnets for an awsvpc task definition, as ECS does', async () => {
    const refused = await post('CreateTaskSet', {
      ...seeded,
      taskDefinition: seeded.service,
      launchType: 'FARGATE',
    });
    expect(refused).toEqual({
      status: 400,
      body: {
        __type: 'InvalidParameterException',
        message: "Network Configuration must be provided when networkMode 'awsvpc' is specified.",
      },
    });
    const { taskSets } = await ecs<DescribeTaskSetsResponse>('DescribeTaskSets', seeded);
    expect(taskSets).toHaveLength(1);
  });
});
