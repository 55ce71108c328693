// A local Amazon ECS (AWS JSON 1.1, target prefix AmazonEC2ContainerServiceV20141113):
// the operations Cutover uses, plus what the local cloud needs to set a service up.
// Tasks start, pass or fail health checks and stop in ecs-simulation.ts.

import { createHash } from 'node:crypto';
import {
  emptyEcsState,
  publicView,
  reviveDates,
  type EcsState,
  type LocalService,
  type LocalTaskDefinition,
  type LocalTaskSet,
} from './ecs-model.js';
import {
  AwsError,
  optionalList,
  optionalNumber,
  optionalString,
  requireString,
  type LocalService as Service,
} from './service.js';

const notFound = (code: string, message: string) => new AwsError(code, message);
const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export class LocalEcs {
  readonly service: Service;
  state: EcsState = emptyEcsState();

  constructor(private readonly options: { region: string; account: string; now: () => number }) {
    this.service = {
      name: 'ecs',
      operations: {
        CreateCluster: (i) => ({
          cluster: this.createCluster(optionalString(i, 'clusterName') ?? 'default'),
        }),
        DescribeClusters: (i) => this.describeClusters(optionalList<string>(i, 'clusters')),
        RegisterTaskDefinition: (i) => this.registerTaskDefinition(i),
        DescribeTaskDefinition: (i) => this.describeTaskDefinition(requireString(i, 'taskDefinition'), i),
        ListTaskDefinitions: (i) => this.listTaskDefinitions(i),
        CreateService: (i) => ({ service: publicView(this.createService(i)) }),
        DescribeServices: (i) => this.describeServices(i),
        UpdateService: (i) => ({ service: publicView(this.updateService(i)) }),
        CreateTaskSet: (i) => ({ taskSet: publicView(this.createTaskSet(i)) }),
        UpdateTaskSet: (i) => ({ taskSet: publicView(this.updateTaskSet(i)) }),
        DescribeTaskSets: (i) => this.describeTaskSets(i),
        DeleteTaskSet: (i) => ({ taskSet: publicView(this.deleteTaskSet(i)) }),
        UpdateServicePrimaryTaskSet: (i) => ({ taskSet: publicView(this.updatePrimary(i)) }),
        ListTasks: (i) => this.listTasks(i),
        DescribeTasks: (i) => this.describeTasks(i),
        TagResource: () => ({}),
        ListTagsForResource: (i) => this.listTags(requireString(i, 'resourceArn')),
      },
    };
  }

  snapshot(): EcsState {
    return structuredClone(this.state);
  }

  restore(state: EcsState): void {
    this.state = reviveDates(structuredClone(state));
  }

  // --- clusters ---

  createCluster(name: string) {
    let cluster = this.state.clusters.find((c) => c.clusterName === name);
    if (cluster === undefined) {
      cluster = { clusterArn: this.arn(`cluster/${name}`), clusterName: name, status: 'ACTIVE' };
      this.state.clusters.push(cluster);
    }
    return { ...cluster };
  }

  private describeClusters(names: string[]) {
    const wanted = names.length === 0 ? ['default'] : names;
    const clusters = wanted.flatMap((n) => this.state.clusters.filter((c) => c.clusterName === nameOf(n)));
    const failures = wanted
      .filter((n) => !clusters.some((c) => c.clusterName === nameOf(n)))
      .map((n) => ({ arn: n, reason: 'MISSING' }));
    return { clusters, failures };
  }

  private cluster(nameOrArn: string | undefined) {
    const name = nameOf(nameOrArn ?? 'default');
    const cluster = this.state.clusters.find((c) => c.clusterName === name);
    if (cluster === undefined)
      throw notFound('ClusterNotFoundException', `Cluster not found: ${nameOrArn ?? 'default'}`);
    return cluster;
  }

  // --- task definitions ---

  registerTaskDefinition(input: Record<string, unknown>) {
    const family = requireString(input, 'family');
    const containers = optionalList<LocalTaskDefinition['containerDefinitions'][number]>(
      input,
      'containerDefinitions',
    );
    if (containers.length === 0)
      throw new AwsError('ClientException', 'containerDefinitions must not be empty');
    for (const c of containers) {
      if (!c.name || !c.image)
        throw new AwsError('ClientException', 'every container needs a name and an image');
    }
    const revision = this.state.definitions.filter((d) => d.family === family).length + 1;
    const { tags, ...rest } = input as { tags?: LocalTaskDefinition['tags'] };
    const definition: LocalTaskDefinition = {
      ...rest,
      taskDefinitionArn: this.arn(`task-definition/${family}:${revision}`),
      family,
      revision,
      status: 'ACTIVE',
      containerDefinitions: containers,
      registeredAt: new Date(this.options.now()),
      tags: tags ?? [],
    };
    this.state.definitions.push(definition);
    return { taskDefinition: withoutTags(definition), tags: definition.tags };
  }

  taskDefinition(reference: string): LocalTaskDefinition {
    const ref = reference.includes('task-definition/') ? reference.split('task-definition/')[1]! : reference;
    const [family, revision] = ref.split(':');
    const matching = this.state.definitions.filter((d) => d.family === family && d.status === 'ACTIVE');
    const found =
      revision === undefined
        ? matching.at(-1)
        : this.state.definitions.find((d) => d.family === family && String(d.revision) === revision);
    if (found === undefined) throw new AwsError('ClientException', 'Unable to describe task definition.');
    return found;
  }

  private describeTaskDefinition(reference: string, input: Record<string, unknown>) {
    const definition = this.taskDefinition(reference);
    const withTags = optionalList<string>(input, 'include').includes('TAGS');
    return { taskDefinition: withoutTags(definition), ...(withTags ? { tags: definition.tags } : {}) };
  }

  private listTaskDefinitions(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'familyPrefix');
    const status = optionalString(input, 'status') ?? 'ACTIVE';
    const descending = optionalString(input, 'sort') === 'DESC';
    let arns = this.state.definitions
      .filter(
        (d) =>
          (prefix === undefined || d.family.startsWith(prefix)) && (status === 'ALL' || d.status === status),
      )
      .map((d) => d.taskDefinitionArn);
    if (descending) arns = arns.reverse();
    return page(arns, input, 'taskDefinitionArns');
  }

  // --- services ---

  createService(input: Record<string, unknown>): LocalService {
    const cluster = this.cluster(optionalString(input, 'cluster'));
    const name = requireString(input, 'serviceName');
    if (
      this.state.services.some(
        (s) => s.clusterArn === cluster.clusterArn && s.serviceName === name && s.status === 'ACTIVE',
      )
    ) {
      throw invalid(`Creation of service was not idempotent: ${name} exists`);
    }
    const controller = (input.deploymentController as { type?: string } | undefined)?.type ?? 'ECS';
    const service: LocalService = {
      serviceArn: this.arn(`service/${cluster.clusterName}/${name}`),
      serviceName: name,
      clusterArn: cluster.clusterArn,
      status: 'ACTIVE',
      desiredCount: optionalNumber(input, 'desiredCount') ?? 1,
      ...(optionalString(input, 'launchType') ? { launchType: optionalString(input, 'launchType') } : {}),
      deploymentController: { type: controller as LocalService['deploymentController']['type'] },
      createdAt: new Date(this.options.now()),
    };
    this.state.services.push(service);
    return service;
  }

  serviceOf(clusterRef: string | undefined, serviceRef: string): LocalService {
    const cluster = this.cluster(clusterRef);
    const name = serviceRef.split('/').at(-1)!;
    const service = this.state.services.find(
      (s) => s.clusterArn === cluster.clusterArn && s.serviceName === name && s.status === 'ACTIVE',
    );
    if (service === undefined) throw notFound('ServiceNotFoundException', `Service not found: ${serviceRef}`);
    return service;
  }

  private describeServices(input: Record<string, unknown>) {
    const cluster = this.cluster(optionalString(input, 'cluster'));
    const wanted = optionalList<string>(input, 'services');
    const services = [];
    const failures = [];
    for (const ref of wanted) {
      const name = ref.split('/').at(-1);
      const found = this.state.services.find(
        (s) => s.clusterArn === cluster.clusterArn && s.serviceName === name,
      );
      if (found === undefined) failures.push({ arn: ref, reason: 'MISSING' });
      else
        services.push({ ...publicView(found), taskSets: this.taskSetsOf(found).map((t) => publicView(t)) });
    }
    return { services, failures };
  }

  private updateService(input: Record<string, unknown>): LocalService {
    const service = this.serviceOf(optionalString(input, 'cluster'), requireString(input, 'service'));
    const desired = optionalNumber(input, 'desiredCount');
    if (desired !== undefined) service.desiredCount = desired;
    return service;
  }

  // --- task sets ---

  taskSetsOf(service: LocalService): LocalTaskSet[] {
    return this.state.taskSets.filter((t) => t.serviceArn === service.serviceArn);
  }

  private createTaskSet(input: Record<string, unknown>): LocalTaskSet {
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    if (service.deploymentController.type !== 'EXTERNAL') {
      throw invalid('Task sets can only be created for services with the EXTERNAL deployment controller');
    }
    const definition = this.taskDefinition(requireString(input, 'taskDefinition'));
    const scale = (input.scale as { value?: number; unit?: string } | undefined) ?? {
      value: 100,
      unit: 'PERCENT',
    };
    checkScale(scale.value);
    const loadBalancers = optionalList<LocalTaskSet['loadBalancers'][number]>(input, 'loadBalancers');
    for (const lb of loadBalancers) {
      const container = definition.containerDefinitions.find((c) => c.name === lb.containerName);
      if (container === undefined)
        throw invalid(`The container ${String(lb.containerName)} does not exist in the task definition.`);
    }
    const now = new Date(this.options.now());
    const id = `ecs-svc/${this.nextId()}`;
    const cluster = service.clusterArn.split('/').at(-1)!;
    const taskSet: LocalTaskSet = {
      id,
      taskSetArn: this.arn(`task-set/${cluster}/${service.serviceName}/${id}`),
      serviceArn: service.serviceArn,
      clusterArn: service.clusterArn,
      ...(optionalString(input, 'externalId') ? { externalId: optionalString(input, 'externalId') } : {}),
      status: this.taskSetsOf(service).length === 0 ? 'PRIMARY' : 'ACTIVE',
      taskDefinition: definition.taskDefinitionArn,
      computedDesiredCount: Math.ceil((service.desiredCount * (scale.value ?? 100)) / 100),
      pendingCount: 0,
      runningCount: 0,
      createdAt: now,
      updatedAt: now,
      launchType: optionalString(input, 'launchType') ?? service.launchType ?? 'FARGATE',
      loadBalancers,
      scale: { value: scale.value ?? 100, unit: 'PERCENT' },
      stabilityStatus: 'STABILIZING',
      stabilityStatusAt: now,
      ...(input.networkConfiguration ? { networkConfiguration: input.networkConfiguration } : {}),
    };
    this.state.taskSets.push(taskSet);
    return taskSet;
  }

  private taskSet(input: Record<string, unknown>, field = 'taskSet'): LocalTaskSet {
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    const ref = requireString(input, field);
    const found = this.taskSetsOf(service).find((t) => t.id === ref || t.taskSetArn === ref);
    if (found === undefined)
      throw notFound('TaskSetNotFoundException', `The specified task set does not exist: ${ref}`);
    return found;
  }

  private updateTaskSet(input: Record<string, unknown>): LocalTaskSet {
    const taskSet = this.taskSet(input);
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    const scale = input.scale as { value?: number } | undefined;
    checkScale(scale?.value);
    const now = new Date(this.options.now());
    taskSet.scale = { value: scale!.value!, unit: 'PERCENT' };
    taskSet.updatedAt = now;
    // The new desired count is known at once, and a task set that must now start or stop
    // tasks is no longer steady: a read right after the update never sees the old figures.
    taskSet.computedDesiredCount = Math.ceil((service.desiredCount * scale!.value!) / 100);
    if (taskSet.computedDesiredCount !== taskSet.runningCount && taskSet.stabilityStatus !== 'STABILIZING') {
      taskSet.stabilityStatus = 'STABILIZING';
      taskSet.stabilityStatusAt = now;
    }
    return taskSet;
  }

  private describeTaskSets(input: Record<string, unknown>) {
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    const wanted = optionalList<string>(input, 'taskSets');
    const all = this.taskSetsOf(service);
    const taskSets =
      wanted.length === 0 ? all : all.filter((t) => wanted.includes(t.id) || wanted.includes(t.taskSetArn));
    const failures = wanted
      .filter((w) => !all.some((t) => t.id === w || t.taskSetArn === w))
      .map((arn) => ({ arn, reason: 'MISSING' }));
    return { taskSets: taskSets.map((t) => publicView(t)), failures };
  }

  private deleteTaskSet(input: Record<string, unknown>): LocalTaskSet {
    const taskSet = this.taskSet(input);
    if (taskSet.status === 'PRIMARY') {
      throw invalid('The specified task set is the primary task set of the service and cannot be deleted.');
    }
    if (taskSet.scale.value > 0 && input.force !== true) {
      throw invalid(
        'The task set cannot be deleted while it is scaled above 0; scale it in first, or use force.',
      );
    }
    taskSet.status = 'DRAINING';
    taskSet.scale = { value: 0, unit: 'PERCENT' };
    this.state.taskSets = this.state.taskSets.filter((t) => t !== taskSet);
    for (const task of this.state.tasks) {
      if (task.startedBy === taskSet.id && task.desiredStatus === 'RUNNING') task.desiredStatus = 'STOPPED';
    }
    return taskSet;
  }

  private updatePrimary(input: Record<string, unknown>): LocalTaskSet {
    const taskSet = this.taskSet(input, 'primaryTaskSet');
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    for (const other of this.taskSetsOf(service)) if (other.status === 'PRIMARY') other.status = 'ACTIVE';
    taskSet.status = 'PRIMARY';
    taskSet.updatedAt = new Date(this.options.now());
    return taskSet;
  }

  // --- tasks ---

  private listTasks(input: Record<string, unknown>) {
    const cluster = this.cluster(optionalString(input, 'cluster'));
    const startedBy = optionalString(input, 'startedBy');
    const family = optionalString(input, 'family');
    const serviceName = optionalString(input, 'serviceName');
    const desired = optionalString(input, 'desiredStatus');
    if (
      startedBy !== undefined &&
      (family !== undefined || serviceName !== undefined || desired !== undefined)
    ) {
      throw invalid('When you specify startedBy as the filter, it must be the only filter that you use.');
    }
    const status = desired ?? 'RUNNING';
    const arns = this.state.tasks
      .filter((t) => t.clusterArn === cluster.clusterArn)
      .filter((t) => startedBy === undefined || t.startedBy === startedBy)
      .filter((t) => startedBy !== undefined || t.desiredStatus === status)
      .filter((t) => family === undefined || t.taskDefinitionArn.includes(`task-definition/${family}:`))
      .filter((t) => serviceName === undefined || t.group === `service:${serviceName}`)
      .map((t) => t.taskArn);
    return page(arns, input, 'taskArns');
  }

  private describeTasks(input: Record<string, unknown>) {
    const cluster = this.cluster(optionalString(input, 'cluster'));
    const wanted = optionalList<string>(input, 'tasks');
    if (wanted.length > 100) throw invalid('tasks can have at most 100 items');
    const tasks = this.state.tasks.filter(
      (t) =>
        t.clusterArn === cluster.clusterArn &&
        (wanted.includes(t.taskArn) || wanted.includes(t.taskArn.split('/').at(-1)!)),
    );
    const failures = wanted
      .filter((w) => !tasks.some((t) => t.taskArn === w || t.taskArn.endsWith(`/${w}`)))
      .map((arn) => ({ arn, reason: 'MISSING' }));
    return { tasks: tasks.map((t) => publicView(t)), failures };
  }

  private listTags(resourceArn: string) {
    const definition = this.state.definitions.find((d) => d.taskDefinitionArn === resourceArn);
    return { tags: definition?.tags ?? [] };
  }

  // --- helpers ---

  arn(resource: string): string {
    return `arn:aws:ecs:${this.options.region}:${this.options.account}:${resource}`;
  }

  nextId(): string {
    this.state.counter += 1;
    return createHash('sha256')
      .update(`cutover-local-${this.state.counter}`)
      .digest('hex')
      .slice(0, 19)
      .replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10));
  }
}

function nameOf(reference: string): string {
  return reference.split('/').at(-1)!;
}

function withoutTags(definition: LocalTaskDefinition) {
  const { tags: _tags, ...rest } = definition;
  return rest;
}

function checkScale(value: number | undefined): void {
  if (value === undefined || !Number.isFinite(value) || value < 0 || value > 100) {
    throw invalid('scale.value must be a number from 0 to 100');
  }
}

function page(items: string[], input: Record<string, unknown>, key: string) {
  const max = optionalNumber(input, 'maxResults') ?? 100;
  const start = Number(optionalString(input, 'nextToken') ?? '0');
  const slice = items.slice(start, start + max);
  const next = start + max < items.length ? String(start + max) : undefined;
  return { [key]: slice, ...(next === undefined ? {} : { nextToken: next }) };
}
