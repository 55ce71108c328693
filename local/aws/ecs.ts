// A local Amazon ECS (AWS JSON 1.1, target prefix AmazonEC2ContainerServiceV20141113):
// the operations Cutover uses, plus what the local cloud needs to set a service up.
// Tasks start, pass or fail health checks and stop in ecs-simulation.ts.

import { taskSetDigits } from './ecs-ids.js';
import {
  emptyEcsState,
  reviveDates,
  type EcsState,
  type LocalService,
  type LocalTaskDefinition,
  type LocalTaskSet,
} from './ecs-model.js';
import {
  optionalList,
  optionalNumber,
  optionalString,
  requireString,
  type Caller,
  type LocalService as Service,
} from './service.js';
import * as definitions from './ecs-task-definitions.js';
import { describeTasks, listTasks } from './ecs-tasks.js';
import { listTags, tagResource } from './ecs-tags.js';
import { checkScale, describeTaskSets, newTaskSet, unsettle } from './ecs-task-sets.js';
import { clusterView, serviceView, taskDefinitionView, taskSetView } from './ecs-views.js';
import { AwsError } from '../errors.js';

export interface EcsOptions {
  region: string;
  account: string;
  now: () => number;
  /** The principal ARN of whoever signs with an access key (ECS records it as registeredBy, createdBy). */
  callerArn?: (accessKeyId: string | undefined) => string;
  /**
   * The load balancer that forwards to a target group, if any (the local ELB's). Given, a task
   * set behind a target group no load balancer forwards to is refused, as ECS refuses it.
   */
  loadBalancerOfTargetGroup?: (targetGroupArn: string) => string | undefined;
}

const notFound = (code: string, message: string) => new AwsError(code, message);
const invalid = (message: string) => new AwsError('InvalidParameterException', message);

export class LocalEcs {
  readonly service: Service;
  state: EcsState = emptyEcsState();

  constructor(private readonly options: EcsOptions) {
    this.service = {
      name: 'ecs',
      operations: {
        CreateCluster: (i) => ({
          cluster: clusterView(this.createCluster(optionalString(i, 'clusterName') ?? 'default'), this.state),
        }),
        DescribeClusters: (i) => this.describeClusters(optionalList<string>(i, 'clusters')),
        RegisterTaskDefinition: (i, caller) => this.registerTaskDefinition(i, caller),
        DescribeTaskDefinition: (i) => this.describeTaskDefinition(requireString(i, 'taskDefinition'), i),
        ListTaskDefinitions: (i) => definitions.list(this.state.definitions, i),
        CreateService: (i, caller) => ({ service: this.serviceView(this.createService(i, caller)) }),
        DescribeServices: (i) => this.describeServices(i),
        UpdateService: (i) => ({ service: this.serviceView(this.updateService(i)) }),
        CreateTaskSet: (i) => ({ taskSet: taskSetView(this.createTaskSet(i)) }),
        UpdateTaskSet: (i) => ({ taskSet: taskSetView(this.updateTaskSet(i)) }),
        DescribeTaskSets: (i) => this.describeTaskSets(i),
        DeleteTaskSet: (i) => ({ taskSet: taskSetView(this.deleteTaskSet(i)) }),
        UpdateServicePrimaryTaskSet: (i) => ({ taskSet: taskSetView(this.updatePrimary(i)) }),
        ListTasks: (i) =>
          listTasks(this.state.tasks, this.cluster(optionalString(i, 'cluster')).clusterArn, i),
        DescribeTasks: (i) =>
          describeTasks(
            this.state.tasks,
            this.state.definitions,
            this.cluster(optionalString(i, 'cluster')).clusterArn,
            i,
          ),
        TagResource: (i) => tagResource(this.state, i),
        ListTagsForResource: (i) => listTags(this.state, i),
      },
    };
  }

  snapshot(): EcsState {
    return structuredClone(this.state);
  }

  /** JSON.stringify(snapshot()), without the copy. */
  snapshotText(): string {
    return JSON.stringify(this.state);
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
    return { clusters: clusters.map((c) => clusterView(c, this.state)), failures };
  }

  private cluster(nameOrArn: string | undefined) {
    const name = nameOf(nameOrArn ?? 'default');
    const cluster = this.state.clusters.find((c) => c.clusterName === name);
    if (cluster === undefined)
      throw notFound('ClusterNotFoundException', `Cluster not found: ${nameOrArn ?? 'default'}`);
    return cluster;
  }

  // --- task definitions ---

  registerTaskDefinition(input: Record<string, unknown>, caller: Caller = {}) {
    const definition = definitions.register(this.state.definitions, input, {
      arnOf: (familyRevision) => this.arn(`task-definition/${familyRevision}`),
      registeredAt: new Date(this.options.now()),
      registeredBy: this.callerArn(caller),
    });
    return { taskDefinition: this.definitionView(definition), tags: definition.tags };
  }

  taskDefinition(reference: string): LocalTaskDefinition {
    return definitions.find(this.state.definitions, reference);
  }

  private describeTaskDefinition(reference: string, input: Record<string, unknown>) {
    const definition = this.taskDefinition(reference);
    const withTags = optionalList<string>(input, 'include').includes('TAGS');
    return {
      taskDefinition: this.definitionView(definition),
      ...(withTags ? { tags: definition.tags } : {}),
    };
  }

  // --- services ---

  createService(input: Record<string, unknown>, caller: Caller = {}): LocalService {
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
      createdBy: this.callerArn(caller),
      events: [],
      tags: optionalList(input, 'tags'),
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
      else services.push(this.serviceView(found));
    }
    return { services, failures };
  }

  private updateService(input: Record<string, unknown>): LocalService {
    const service = this.serviceOf(optionalString(input, 'cluster'), requireString(input, 'service'));
    const desired = optionalNumber(input, 'desiredCount');
    if (desired !== undefined && desired !== service.desiredCount) {
      service.desiredCount = desired;
      unsettle(service);
    }
    return service;
  }

  // --- task sets ---

  taskSetsOf(service: LocalService): LocalTaskSet[] {
    return this.state.taskSets.filter((t) => t.serviceArn === service.serviceArn);
  }

  private checkLoadBalanced(input: Record<string, unknown>): void {
    const { loadBalancerOfTargetGroup } = this.options;
    if (loadBalancerOfTargetGroup === undefined) return;
    for (const lb of optionalList<{ targetGroupArn?: string }>(input, 'loadBalancers')) {
      const group = lb.targetGroupArn;
      if (group !== undefined && loadBalancerOfTargetGroup(group) === undefined)
        throw invalid(
          `The target group with targetGroupArn ${group} does not have an associated load balancer.`,
        );
    }
  }

  private createTaskSet(input: Record<string, unknown>): LocalTaskSet {
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    const definition = this.taskDefinition(requireString(input, 'taskDefinition'));
    this.checkLoadBalanced(input);
    const taskSet = newTaskSet(service, definition, input, {
      id: `ecs-svc/${this.nextId()}`,
      arnOf: (path) => this.arn(`task-set/${path}`),
      now: new Date(this.options.now()),
      primary: this.taskSetsOf(service).length === 0,
    });
    this.state.taskSets.push(taskSet);
    unsettle(service);
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
    taskSet.scale = { value: scale.value, unit: 'PERCENT' };
    taskSet.updatedAt = now;
    // The new desired count is known at once, and a task set that must now start or stop
    // tasks is no longer steady: a read right after the update never sees the old figures.
    taskSet.computedDesiredCount = Math.ceil((service.desiredCount * scale.value) / 100);
    if (taskSet.computedDesiredCount !== taskSet.runningCount && taskSet.stabilityStatus !== 'STABILIZING') {
      taskSet.stabilityStatus = 'STABILIZING';
      taskSet.stabilityStatusAt = now;
      unsettle(service);
    }
    return taskSet;
  }

  private describeTaskSets(input: Record<string, unknown>) {
    const service = this.serviceOf(requireString(input, 'cluster'), requireString(input, 'service'));
    return describeTaskSets(this.taskSetsOf(service), optionalList<string>(input, 'taskSets'));
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
    const service = this.state.services.find((s) => s.serviceArn === taskSet.serviceArn);
    if (service !== undefined) unsettle(service);
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

  // --- helpers ---

  arn(resource: string): string {
    return `arn:aws:ecs:${this.options.region}:${this.options.account}:${resource}`;
  }

  nextId(): string {
    this.state.counter += 1;
    return taskSetDigits(String(this.state.counter));
  }

  /** Whom ECS records as having made a change: the caller, or the account's root for in-process set-up. */
  private callerArn(caller: Caller): string {
    return this.options.callerArn?.(caller.accessKeyId) ?? `arn:aws:iam::${this.options.account}:root`;
  }

  private serviceView(service: LocalService) {
    return serviceView(service, this.taskSetsOf(service), this.callerArn({}));
  }

  private definitionView(definition: LocalTaskDefinition) {
    return taskDefinitionView(definition, this.callerArn({}));
  }
}

function nameOf(reference: string): string {
  return reference.split('/').at(-1)!;
}
