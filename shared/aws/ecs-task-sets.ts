// TaskSets on Amazon ECS, for services with the EXTERNAL deployment controller: each release runs
// as its own task set, which Cutover creates, scales, promotes to primary and deletes. ECS is
// reached by signed JSON 1.1 requests (json-requests.ts), not the SDK's ECS client.

import { createHash } from 'node:crypto';
import type { CreateTaskSetCommandInput, TaskSet as SdkTaskSet } from '@aws-sdk/client-ecs';
import type {
  CreateTaskSetInput,
  EcsService,
  TaskSet,
  TaskSetCapacity,
  TaskSetHealth,
  TaskSetStatus,
  TaskSets,
} from '../ports/ecs.js';
import { errorName, ResourceNotFound, translateTransient } from './errors.js';
import { ECS, jsonCalls, type JsonCalls } from './json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';

/** DescribeTasks takes at most 100 tasks per call. */
const DESCRIBE_TASKS_LIMIT = 100;

/** Stop codes of a task that never served: it could not start, or its essential container died. */
const FAILED_STOP_CODES = new Set(['TaskFailedToStart', 'EssentialContainerExited']);

/** ECS's stopped reason for a task replaced after failing ELB or container health checks. */
const FAILED_HEALTH_CHECK = /failed\b.*\bhealth ?checks?/i;

/** SDK errors that mean the cluster, service or task set is not there. */
const NOT_FOUND_NAMES = new Set([
  'ClusterNotFoundException',
  'ServiceNotFoundException',
  'ServiceNotActiveException',
  'TaskSetNotFoundException',
]);

/** A task set as ECS's JSON answers it: its times are epoch seconds (none is read here). */
type EcsTaskSet = Omit<SdkTaskSet, 'createdAt' | 'updatedAt' | 'stabilityStatusAt'> & {
  createdAt?: number;
  updatedAt?: number;
  stabilityStatusAt?: number;
};

/** The fields of a stopped task read here, as ECS's JSON answers them. */
interface Task {
  startedBy?: string;
  stopCode?: string;
  stoppedReason?: string;
  /** Epoch seconds (the SDK would make it a Date). */
  stoppedAt?: number;
}

export class EcsTaskSets implements TaskSets {
  private readonly ecs: JsonCalls;

  /** ECS's requests (clients.ts's ecsRequests), or an SDK client to reach ECS as it would. */
  constructor(ecs: JsonCalls | SdkClientLike) {
    this.ecs = jsonCalls(ECS, ecs, 'ECS');
  }

  async list(service: EcsService): Promise<TaskSet[]> {
    return (await this.taskSetsOf(service)).map(toTaskSet);
  }

  async create(service: EcsService, input: CreateTaskSetInput): Promise<TaskSet> {
    const existing = await this.taskSetsOf(service);
    const same = existing.find((taskSet) => taskSet.externalId === input.externalId);
    // A retried step finds the task set its first attempt created, instead of a second one.
    if (same !== undefined) return toTaskSet(same);
    const primary = existing.find((taskSet) => taskSet.status === 'PRIMARY');
    const request = creationRequest(service, input, primary);
    try {
      const output = await this.ecs.call<{ taskSet?: EcsTaskSet }>('CreateTaskSet', request);
      if (output.taskSet === undefined) throw new Error('CreateTaskSet returned no task set');
      return toTaskSet(output.taskSet);
    } catch (error) {
      return this.rethrow(`CreateTaskSet on ${describeService(service)}`, error, service);
    }
  }

  async scale(service: EcsService, taskSetId: string, percent: number): Promise<void> {
    try {
      await this.ecs.call('UpdateTaskSet', {
        ...serviceRef(service),
        taskSet: taskSetId,
        scale: { value: percent, unit: 'PERCENT' },
      });
    } catch (error) {
      return this.rethrow(`UpdateTaskSet ${taskSetId} to ${percent}%`, error, service, taskSetId);
    }
  }

  async makePrimary(service: EcsService, taskSetId: string): Promise<void> {
    try {
      await this.ecs.call('UpdateServicePrimaryTaskSet', {
        ...serviceRef(service),
        primaryTaskSet: taskSetId,
      });
    } catch (error) {
      return this.rethrow(`UpdateServicePrimaryTaskSet ${taskSetId}`, error, service, taskSetId);
    }
  }

  async remove(service: EcsService, taskSetId: string): Promise<void> {
    const current = await this.describeTaskSet(service, taskSetId);
    // Already deleted (gone, or draining after an earlier DeleteTaskSet): a retry is done.
    if (current === undefined || current.status === 'DRAINING') return;
    try {
      await this.ecs.call('DeleteTaskSet', { ...serviceRef(service), taskSet: taskSetId });
    } catch (error) {
      // Deleted by someone else between the describe and the delete.
      if (errorName(error) === 'TaskSetNotFoundException') return;
      return this.rethrow(`DeleteTaskSet ${taskSetId}`, error, service, taskSetId);
    }
  }

  async health(service: EcsService, taskSetId: string): Promise<TaskSetHealth> {
    const taskSet = await this.existingTaskSet(service, taskSetId);
    const failed = await this.failedTasks(service, taskSet.id ?? taskSetId, familyOf(taskSet.taskDefinition));
    return {
      ...capacityOf(taskSet),
      failed: failed.length,
      failureReasons: [...new Set(failed.map((task) => task.stoppedReason ?? task.stopCode ?? 'unknown'))],
    };
  }

  async capacity(service: EcsService, taskSetId: string): Promise<TaskSetCapacity> {
    return capacityOf(await this.existingTaskSet(service, taskSetId));
  }

  async capacities(
    service: EcsService,
    taskSetIds: readonly string[],
  ): Promise<Map<string, TaskSetCapacity>> {
    const found = new Map<string, TaskSetCapacity>();
    if (taskSetIds.length === 0) return found;
    try {
      const output = await this.ecs.call<{ taskSets?: EcsTaskSet[] }>('DescribeTaskSets', {
        ...serviceRef(service),
        taskSets: [...taskSetIds],
      });
      for (const taskSet of output.taskSets ?? [])
        if (taskSet.id !== undefined) found.set(taskSet.id, capacityOf(taskSet));
      return found;
    } catch (error) {
      return this.rethrow(`DescribeTaskSets ${taskSetIds.join(', ')}`, error, service);
    }
  }

  private async existingTaskSet(service: EcsService, taskSetId: string): Promise<EcsTaskSet> {
    const taskSet = await this.describeTaskSet(service, taskSetId);
    if (taskSet === undefined) {
      throw new ResourceNotFound(`Task set ${taskSetId} does not exist in ${describeService(service)}`);
    }
    return taskSet;
  }

  private async taskSetsOf(service: EcsService): Promise<EcsTaskSet[]> {
    try {
      const output = await this.ecs.call<{ services?: { status?: string; taskSets?: EcsTaskSet[] }[] }>(
        'DescribeServices',
        { cluster: service.cluster, services: [service.service] },
      );
      const found = output.services?.find((candidate) => candidate.status !== 'INACTIVE');
      if (found === undefined) throw serviceNotFound(service);
      return found.taskSets ?? [];
    } catch (error) {
      return this.rethrow(`DescribeServices ${describeService(service)}`, error, service);
    }
  }

  /** The task set, or undefined if ECS does not know it (any more). */
  private async describeTaskSet(service: EcsService, taskSetId: string): Promise<EcsTaskSet | undefined> {
    try {
      const output = await this.ecs.call<{ taskSets?: EcsTaskSet[] }>('DescribeTaskSets', {
        ...serviceRef(service),
        taskSets: [taskSetId],
      });
      return output.taskSets?.[0];
    } catch (error) {
      if (errorName(error) === 'TaskSetNotFoundException') return undefined;
      return this.rethrow(`DescribeTaskSets ${taskSetId}`, error, service);
    }
  }

  /** Stopped tasks of the task set that failed to start, crashed, or failed health checks. */
  private async failedTasks(
    service: EcsService,
    taskSetId: string,
    family: string | undefined,
  ): Promise<Task[]> {
    const arns = await this.stoppedTaskArns(service, family);
    const failed: Task[] = [];
    for (let start = 0; start < arns.length; start += DESCRIBE_TASKS_LIMIT) {
      const tasks = await this.describeTasks(service, arns.slice(start, start + DESCRIBE_TASKS_LIMIT));
      failed.push(...tasks.filter((task) => task.startedBy === taskSetId && stoppedUnexpectedly(task)));
    }
    return failed.sort((a, b) => (a.stoppedAt ?? 0) - (b.stoppedAt ?? 0));
  }

  /**
   * Stopped tasks of the release's task definition family. ListTasks cannot filter by
   * `startedBy` together with `desiredStatus` ("when you specify startedBy as the filter,
   * it must be the only filter that you use"), so the task set is matched on the
   * described tasks' `startedBy` instead.
   */
  private async stoppedTaskArns(service: EcsService, family: string | undefined): Promise<string[]> {
    const arns: string[] = [];
    let nextToken: string | undefined;
    try {
      do {
        // ECS keeps stopped tasks listed for at least an hour, long enough for a bake to see them.
        const page = await this.ecs.call<{ taskArns?: string[]; nextToken?: string }>('ListTasks', {
          cluster: service.cluster,
          family,
          desiredStatus: 'STOPPED',
          nextToken,
        });
        arns.push(...(page.taskArns ?? []));
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
    } catch (error) {
      return this.rethrow(`ListTasks stopped in family ${family ?? '(any)'}`, error, service);
    }
    return arns;
  }

  private async describeTasks(service: EcsService, tasks: string[]): Promise<Task[]> {
    try {
      const output = await this.ecs.call<{ tasks?: Task[] }>('DescribeTasks', {
        cluster: service.cluster,
        tasks,
      });
      return output.tasks ?? [];
    } catch (error) {
      return this.rethrow(`DescribeTasks in cluster ${service.cluster}`, error, service);
    }
  }

  /** Not-found errors become ResourceNotFound; throttling and 5xx become TransientError. */
  private rethrow(operation: string, error: unknown, service: EcsService, taskSetId?: string): never {
    const name = errorName(error);
    if (name !== undefined && NOT_FOUND_NAMES.has(name)) {
      const what =
        name === 'TaskSetNotFoundException' && taskSetId !== undefined
          ? `task set ${taskSetId} in ${describeService(service)}`
          : describeService(service);
      throw new ResourceNotFound(`${operation} failed: ${what} does not exist (${name})`, { cause: error });
    }
    return translateTransient(operation, error);
  }
}

function creationRequest(
  service: EcsService,
  input: CreateTaskSetInput,
  primary: EcsTaskSet | undefined,
): CreateTaskSetCommandInput {
  const strategy = primary?.capacityProviderStrategy ?? [];
  return {
    ...serviceRef(service),
    taskDefinition: input.taskDefinitionArn,
    externalId: input.externalId,
    // Same token for the same deployment: ECS itself refuses to create the task set twice
    // when two attempts race past the externalId check above.
    clientToken: clientTokenFor(input.externalId),
    loadBalancers: [
      {
        targetGroupArn: input.targetGroupArn,
        containerName: input.container,
        containerPort: input.containerPort,
      },
    ],
    scale: { value: input.scalePercent, unit: 'PERCENT' },
    // Where and how the new tasks run comes from the primary task set: awsvpc tasks need its
    // network configuration, and launch type and capacity providers are mutually exclusive.
    ...(strategy.length > 0
      ? { capacityProviderStrategy: strategy }
      : primary?.launchType !== undefined
        ? { launchType: primary.launchType }
        : {}),
    ...(primary?.networkConfiguration !== undefined
      ? { networkConfiguration: primary.networkConfiguration }
      : {}),
    ...(primary?.platformVersion !== undefined ? { platformVersion: primary.platformVersion } : {}),
    ...(primary?.serviceRegistries !== undefined && primary.serviceRegistries.length > 0
      ? { serviceRegistries: primary.serviceRegistries }
      : {}),
  };
}

/** CreateTaskSet's clientToken allows up to 36 ASCII characters; a deployment id may be longer. */
function clientTokenFor(externalId: string): string {
  return createHash('sha256').update(externalId).digest('hex').slice(0, 32);
}

function toTaskSet(taskSet: EcsTaskSet): TaskSet {
  return {
    id: taskSet.id ?? '',
    arn: taskSet.taskSetArn ?? '',
    status: toStatus(taskSet.status),
    taskDefinitionArn: taskSet.taskDefinition ?? '',
    targetGroupArn: taskSet.loadBalancers?.[0]?.targetGroupArn,
    externalId: taskSet.externalId,
    scalePercent: taskSet.scale?.value ?? 0,
  };
}

function capacityOf(taskSet: EcsTaskSet): TaskSetCapacity {
  return {
    desired: taskSet.computedDesiredCount ?? 0,
    running: taskSet.runningCount ?? 0,
    pending: taskSet.pendingCount ?? 0,
    steady: taskSet.stabilityStatus === 'STEADY_STATE',
  };
}

function toStatus(status: string | undefined): TaskSetStatus {
  if (status === 'PRIMARY' || status === 'ACTIVE' || status === 'DRAINING') return status;
  throw new Error(`ECS reported task set status "${status ?? '(none)'}", which Cutover does not know`);
}

function stoppedUnexpectedly(task: Task): boolean {
  if (task.stopCode !== undefined && FAILED_STOP_CODES.has(task.stopCode)) return true;
  return FAILED_HEALTH_CHECK.test(task.stoppedReason ?? '');
}

/** `arn:aws:ecs:…:task-definition/web:7` → `web`. */
function familyOf(taskDefinitionArn: string | undefined): string | undefined {
  return taskDefinitionArn?.split('/').at(-1)?.split(':')[0];
}

function serviceRef(service: EcsService): { cluster: string; service: string } {
  return { cluster: service.cluster, service: service.service };
}

function describeService(service: EcsService): string {
  return `service ${service.service} in cluster ${service.cluster}`;
}

function serviceNotFound(service: EcsService): ResourceNotFound {
  return new ResourceNotFound(
    `${describeService(service)} does not exist or is inactive; check the catalog entry.`,
  );
}
