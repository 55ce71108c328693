// What the local ECS answers for a service, task set, task or task definition: the fields ECS
// returns, in its shapes (botocore's models list them), with values drawn from the simulated
// world. A service with the EXTERNAL deployment controller has task sets and no deployments;
// the fields of its primary task set (task definition, load balancers, network, launch type)
// are the service's, as ECS describes them.

import { ec2Id, uuidFrom } from './ecs-ids.js';
import {
  publicView,
  type EcsState,
  type LocalService,
  type LocalTask,
  type LocalTaskDefinition,
  type LocalTaskSet,
} from './ecs-model.js';
import { optionalNumber, optionalString } from './service.js';

/** Fargate's platform: what a task set asks for by default, and what its tasks run on. */
const FARGATE_PLATFORM = { requested: 'LATEST', resolved: '1.4.0', family: 'Linux' };

/** The default ephemeral storage of a Fargate task, in GiB. */
const FARGATE_STORAGE_GIB = 20;

/** A cluster with the counts ECS keeps of it, from the tasks and services it holds. */
export function clusterView(cluster: EcsState['clusters'][number], state: EcsState) {
  const tasks = state.tasks.filter((t) => t.clusterArn === cluster.clusterArn && t.lastStatus !== 'STOPPED');
  return {
    ...cluster,
    registeredContainerInstancesCount: 0,
    runningTasksCount: tasks.filter((t) => t.lastStatus === 'RUNNING').length,
    pendingTasksCount: tasks.filter((t) => t.lastStatus !== 'RUNNING').length,
    activeServicesCount: state.services.filter(
      (s) => s.clusterArn === cluster.clusterArn && s.status === 'ACTIVE',
    ).length,
    statistics: [],
    tags: [],
    settings: [{ name: 'containerInsights', value: 'disabled' }],
    capacityProviders: [],
    defaultCapacityProviderStrategy: [],
  };
}

export function serviceView(service: LocalService, taskSets: LocalTaskSet[], fallbackCreator: string) {
  // Tags show only when asked for (`include: ['TAGS']`), as on ECS; ListTagsForResource reads them.
  const { _steady: _, events, createdBy, tags: _tags, ...stored } = publicView(service);
  const primary = taskSets.find((t) => t.status === 'PRIMARY');
  const launchType = primary?.launchType ?? service.launchType;
  const sum = (field: 'runningCount' | 'pendingCount') => taskSets.reduce((n, t) => n + t[field], 0);
  return {
    ...stored,
    runningCount: sum('runningCount'),
    pendingCount: sum('pendingCount'),
    ...(launchType === undefined ? {} : { launchType }),
    ...(launchType === 'FARGATE'
      ? { platformVersion: primary?.platformVersion ?? FARGATE_PLATFORM.requested, platformFamily: 'Linux' }
      : {}),
    ...(primary === undefined ? {} : { taskDefinition: primary.taskDefinition }),
    loadBalancers: primary?.loadBalancers ?? [],
    ...(primary?.networkConfiguration === undefined
      ? {}
      : { networkConfiguration: primary.networkConfiguration }),
    serviceRegistries: [],
    taskSets: taskSets.map(taskSetView),
    deployments: [],
    events: events ?? [],
    createdBy: createdBy ?? fallbackCreator,
    placementConstraints: [],
    placementStrategy: [],
    schedulingStrategy: 'REPLICA',
    enableECSManagedTags: false,
    propagateTags: 'NONE',
    enableExecuteCommand: false,
  };
}

export function taskSetView(taskSet: LocalTaskSet) {
  return {
    ...publicView(taskSet),
    ...(taskSet.launchType === 'FARGATE'
      ? { platformVersion: taskSet.platformVersion ?? FARGATE_PLATFORM.requested }
      : {}),
    serviceRegistries: [],
    tags: taskSet.tags ?? [],
  };
}

export function taskDefinitionView(definition: LocalTaskDefinition, fallbackRegistrar: string) {
  const { tags: _, ...stored } = definition;
  return {
    volumes: [],
    placementConstraints: [],
    ...stored,
    requiresAttributes: requiresAttributes(definition),
    compatibilities: compatibilities(definition),
    registeredBy: definition.registeredBy ?? fallbackRegistrar,
  };
}

/**
 * Where a task definition can run, as ECS works it out: on EC2 always; on Fargate when its
 * network mode is awsvpc and it sets task-level CPU and memory.
 */
export function compatibilities(definition: LocalTaskDefinition): string[] {
  const fargate =
    definition.networkMode === 'awsvpc' && definition.cpu !== undefined && definition.memory !== undefined;
  return fargate ? ['EC2', 'FARGATE'] : ['EC2'];
}

/** The container-agent capabilities the definition needs, as ECS lists them. */
function requiresAttributes(definition: LocalTaskDefinition): { name: string }[] {
  const names = ['com.amazonaws.ecs.capability.docker-remote-api.1.18'];
  if (definition.containerDefinitions.some((c) => /\.dkr\.ecr\./.test(c.image)))
    names.push('com.amazonaws.ecs.capability.ecr-auth');
  if (definition.taskRoleArn !== undefined) names.push('com.amazonaws.ecs.capability.task-iam-role');
  if (definition.executionRoleArn !== undefined) names.push('ecs.capability.execution-role-ecr-pull');
  if (definition.networkMode === 'awsvpc') names.push('ecs.capability.task-eni');
  return names.map((name) => ({ name }));
}

export function taskView(task: LocalTask, definition: LocalTaskDefinition | undefined) {
  const { attachments, containers, ...stored } = publicView(task);
  const id = task.taskArn.split('/').at(-1)!;
  const cluster = task.taskArn.split('/').at(-2)!;
  const containerArn = (name: string) =>
    `${task.taskArn.split(':task/')[0]}:container/${cluster}/${id}/${uuidFrom(`${task.taskArn}/${name}`)}`;
  const eni = attachments.find((a) => a.type === 'ElasticNetworkInterface');
  const attachmentId = uuidFrom(`${task.taskArn}/eni`);
  const ip = eni?.details.find((d) => d.name === 'privateIPv4Address')?.value;
  const fargate = task.launchType === 'FARGATE';
  return {
    ...stored,
    attachments: attachments.map((a) => ({ id: attachmentId, ...a })),
    attributes: [{ name: 'ecs.cpu-architecture', value: 'x86_64' }],
    availabilityZone: task.availabilityZone ?? `${task.taskArn.split(':')[3]}a`,
    connectivity: task.connectivityAt === undefined ? 'DISCONNECTED' : 'CONNECTED',
    containers: containers.map((c) => ({
      containerArn: containerArn(c.name),
      taskArn: task.taskArn,
      name: c.name,
      image: c.image,
      ...(c.image.includes('@sha256:') && task.pullStoppedAt !== undefined
        ? { imageDigest: c.image.slice(c.image.indexOf('@') + 1) }
        : {}),
      ...(task.startedAt === undefined ? {} : { runtimeId: `${id}-${uuidFrom(c.name).slice(0, 10)}` }),
      lastStatus: c.lastStatus,
      ...(c.exitCode === undefined ? {} : { exitCode: c.exitCode }),
      networkBindings: [],
      networkInterfaces: ip === undefined ? [] : [{ attachmentId, privateIpv4Address: ip }],
      healthStatus: 'UNKNOWN',
      cpu: '0',
    })),
    ...(typeof definition?.cpu === 'string' ? { cpu: definition.cpu } : {}),
    ...(typeof definition?.memory === 'string' ? { memory: definition.memory } : {}),
    enableExecuteCommand: false,
    overrides: {
      containerOverrides: containers.map((c) => ({ name: c.name })),
      inferenceAcceleratorOverrides: [],
    },
    ...(fargate
      ? {
          platformVersion: FARGATE_PLATFORM.resolved,
          platformFamily: FARGATE_PLATFORM.family,
          ephemeralStorage: { sizeInGiB: FARGATE_STORAGE_GIB },
        }
      : {}),
    tags: [],
    version: task.version ?? 1,
  };
}

/** The ENI attachment of a task in awsvpc mode, in the subnet it was placed in. */
export function eniAttachment(seed: string, subnet: string, ip: string, region: string) {
  return {
    type: 'ElasticNetworkInterface',
    status: 'ATTACHED',
    details: [
      { name: 'subnetId', value: subnet },
      { name: 'networkInterfaceId', value: ec2Id('eni', seed) },
      { name: 'macAddress', value: macAddress(seed) },
      { name: 'privateDnsName', value: `ip-${ip.replaceAll('.', '-')}.${dnsSuffix(region)}` },
      { name: 'privateIPv4Address', value: ip },
    ],
  };
}

function macAddress(seed: string): string {
  const h = uuidFrom(`mac:${seed}`).replaceAll('-', '');
  return `0e:${h.slice(0, 10).match(/../g)!.join(':')}`;
}

function dnsSuffix(region: string): string {
  return region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal`;
}

/** One page of a List* answer: `maxResults` items from `nextToken` on (an offset, locally). */
export function page(items: string[], input: Record<string, unknown>, key: string) {
  const max = optionalNumber(input, 'maxResults') ?? 100;
  const start = Number(optionalString(input, 'nextToken') ?? '0');
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: slice, ...(next === undefined ? {} : { nextToken: next }) };
}
