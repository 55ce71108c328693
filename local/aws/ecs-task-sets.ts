// Task sets of a service with the EXTERNAL deployment controller, as CreateTaskSet makes them and
// refuses them: scale, load balancers, network, launch type and platform, each checked as ECS
// checks it. The simulation (../world/ecs-simulation.ts) starts and stops their tasks.

import { checkFargateTaskSet } from './ecs-fargate.js';
import type { LocalService, LocalTaskDefinition, LocalTaskSet } from './ecs-model.js';
import { compatibilities, taskSetView } from './ecs-views.js';
import { optionalList, optionalString } from './service.js';
import { AwsError } from '../errors.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export interface Creation {
  /** `ecs-svc/<19 digits>`. */
  id: string;
  arnOf: (path: string) => string;
  now: Date;
  /** The service's first task set is its primary. */
  primary: boolean;
}

export function newTaskSet(
  service: LocalService,
  definition: LocalTaskDefinition,
  input: Record<string, unknown>,
  creation: Creation,
): LocalTaskSet {
  if (service.deploymentController.type !== 'EXTERNAL') {
    throw invalid('Task sets can only be created for services with the EXTERNAL deployment controller');
  }
  const asked = input.scale as { value?: number } | undefined;
  const scale = asked === undefined ? 100 : asked.value;
  checkScale(scale);
  const loadBalancers = optionalList<LocalTaskSet['loadBalancers'][number]>(input, 'loadBalancers');
  for (const lb of loadBalancers) {
    if (!definition.containerDefinitions.some((c) => c.name === lb.containerName))
      throw invalid(`The container ${String(lb.containerName)} does not exist in the task definition.`);
  }
  const network = checkNetwork(definition, input.networkConfiguration);
  const named = optionalString(input, 'launchType') ?? service.launchType;
  if (named === 'FARGATE') checkFargateTaskSet(compatibilities(definition));
  // Neither names one: the cluster's default capacity provider strategy, and without one (as
  // local clusters are), the EC2 launch type.
  const launchType = named ?? 'EC2';
  const externalId = optionalString(input, 'externalId');
  const cluster = service.clusterArn.split('/').at(-1)!;
  const { now } = creation;
  return {
    id: creation.id,
    taskSetArn: creation.arnOf(`${cluster}/${service.serviceName}/${creation.id}`),
    serviceArn: service.serviceArn,
    clusterArn: service.clusterArn,
    ...(externalId ? { externalId } : {}),
    status: creation.primary ? 'PRIMARY' : 'ACTIVE',
    taskDefinition: definition.taskDefinitionArn,
    computedDesiredCount: Math.ceil((service.desiredCount * scale) / 100),
    pendingCount: 0,
    runningCount: 0,
    createdAt: now,
    updatedAt: now,
    launchType,
    ...(launchType === 'FARGATE'
      ? { platformVersion: optionalString(input, 'platformVersion') ?? 'LATEST' }
      : {}),
    loadBalancers,
    scale: { value: scale, unit: 'PERCENT' },
    stabilityStatus: 'STABILIZING',
    stabilityStatusAt: now,
    ...(network === undefined ? {} : { networkConfiguration: network }),
    tags: optionalList(input, 'tags'),
  };
}

/** A service's task sets, or those named (by id or ARN); the names not found are failures. */
export function describeTaskSets(all: LocalTaskSet[], wanted: string[]) {
  const named = (t: LocalTaskSet) => wanted.includes(t.id) || wanted.includes(t.taskSetArn);
  const taskSets = wanted.length === 0 ? all : all.filter(named);
  const failures = wanted
    .filter((w) => !all.some((t) => t.id === w || t.taskSetArn === w))
    .map((arn) => ({ arn, reason: 'MISSING' }));
  return { taskSets: taskSets.map(taskSetView), failures };
}

/** A change ECS must carry out: the service logs a steady state again once it has. */
export function unsettle(service: LocalService): void {
  service._steady = false;
}

export function checkScale(value: number | undefined): asserts value is number {
  if (value === undefined || !Number.isFinite(value) || value < 0 || value > 100) {
    throw invalid('scale.value must be a number from 0 to 100');
  }
}

/**
 * The task set's network configuration: ECS refuses a task set without subnets when its task
 * definition uses the awsvpc network mode (as Fargate's must).
 */
function checkNetwork(
  definition: LocalTaskDefinition,
  network: unknown,
): LocalTaskSet['networkConfiguration'] {
  const subnets = (network as LocalTaskSet['networkConfiguration'])?.awsvpcConfiguration?.subnets;
  if (definition.networkMode === 'awsvpc' && (!Array.isArray(subnets) || subnets.length === 0)) {
    throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
  }
  return network as LocalTaskSet['networkConfiguration'];
}
