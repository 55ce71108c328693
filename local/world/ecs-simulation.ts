// Tasks that behave like ECS's: each task set is kept at its share of the service's
// desired count; a task takes time to provision and start, registers with its
// target group, and passes (or fails) the load balancer's health checks according
// to its image's profile. A task that fails is stopped and replaced, as ECS does. A task
// whose image the registry does not hold never starts: its pull fails, as on ECS.

import type { LocalEcs } from '../aws/ecs.js';
import { recordEvent, startedTasks, steadyState, stoppedTasks, targetsChanged } from '../aws/ecs-events.js';
import { taskId } from '../aws/ecs-ids.js';
import type { LocalService, LocalTask, LocalTaskSet, TaskStatus } from '../aws/ecs-model.js';
import { eniAttachment } from '../aws/ecs-views.js';
import { PROFILES, type ImageProfile } from './profiles.js';
import { TaskIndex } from './task-index.js';

/** The part of the local load balancer the tasks use: their targets and health. */
export interface TargetRegistry {
  registerTarget(targetGroupArn: string, id: string, port: number): void;
  deregisterTarget(targetGroupArn: string, id: string, port: number): void;
  setTargetHealth(targetGroupArn: string, id: string, port: number, state: string, reason?: string): void;
}

export interface TimingSeconds {
  provisioning: number;
  /** From PENDING to RUNNING, before the profile's own start-up time. */
  pulling: number;
  healthCheckInterval: number;
  healthyThreshold: number;
}

export const DEFAULT_TIMING: TimingSeconds = {
  provisioning: 2,
  pulling: 5,
  healthCheckInterval: 10,
  healthyThreshold: 2,
};

/**
 * ECS's stopped reason when the image cannot be pulled because the registry does not have it, in
 * the words Fargate's container runtime reports ("CannotPullContainerError: pull image manifest
 * has been retried 5 time(s): failed to resolve ref <image>: <image>: not found").
 */
export function cannotPullReason(image: string): string {
  return `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}: ${image}: not found`;
}

export class EcsSimulation {
  /** The tasks by task set and by target group. */
  readonly index: TaskIndex;
  /** Each service by ARN, and its task sets, for the tick under way. */
  private services = new Map<string, LocalService>();
  private taskSetsByService = new Map<string, LocalTaskSet[]>();

  /**
   * `profileOf` says how an image behaves, or undefined when the registry does not hold it
   * (its tasks then stop with CannotPullContainerError).
   */
  constructor(
    private readonly ecs: LocalEcs,
    private readonly targets: TargetRegistry,
    private readonly profileOf: (image: string) => ImageProfile | undefined,
    private readonly timing: TimingSeconds = DEFAULT_TIMING,
  ) {
    this.index = new TaskIndex(() => this.ecs.state.tasks);
  }

  /**
   * Brings every task set (or only those of `services`, by ARN) to where it would be after
   * `seconds` of running, ending at `now`: what the local cloud seeds has been serving for a
   * while, as a platform team's service would be.
   */
  warmUp(now: number, seconds = 120, services?: ReadonlySet<string>): void {
    for (let at = now - seconds * 1000; at <= now; at += 1000) this.tick(at, services);
  }

  /** Moves every task set and task (or only those of `services`) forward to simulated time `now` (ms). */
  tick(now: number, services?: ReadonlySet<string>): void {
    const { state } = this.ecs;
    this.services = new Map(state.services.map((s) => [s.serviceArn, s]));
    this.taskSetsByService = new Map();
    for (const taskSet of state.taskSets) {
      const list = this.taskSetsByService.get(taskSet.serviceArn);
      if (list === undefined) this.taskSetsByService.set(taskSet.serviceArn, [taskSet]);
      else list.push(taskSet);
    }
    const taskSets = services ? state.taskSets.filter((t) => services.has(t.serviceArn)) : state.taskSets;
    const ids = new Set(taskSets.map((t) => t.id));
    for (const taskSet of taskSets) this.reconcile(taskSet, now);
    for (const task of state.tasks)
      if (services === undefined || ids.has(task.startedBy)) this.advance(task, now);
    if (services === undefined) this.stopOrphans(now);
    for (const taskSet of taskSets) this.summarize(taskSet, now);
    for (const service of state.services)
      if (services === undefined || services.has(service.serviceArn)) this.logSteadyState(service, now);
    this.forgetStopped(now);
  }

  /** Keeps stopped tasks for an hour, as ECS lists them, then forgets them. */
  private forgetStopped(now: number): void {
    const { state } = this.ecs;
    const expired = (t: LocalTask) =>
      t.lastStatus === 'STOPPED' && now - (t.stoppedAt?.getTime() ?? now) >= 3_600_000;
    const gone = state.tasks.filter(expired);
    if (gone.length === 0) return;
    const previous = state.tasks;
    state.tasks = previous.filter((t) => !expired(t));
    this.index.replaced(previous, state.tasks, gone);
  }

  private reconcile(taskSet: LocalTaskSet, now: number): void {
    const service = this.services.get(taskSet.serviceArn);
    if (service === undefined) return;
    const desired = Math.ceil((service.desiredCount * taskSet.scale.value) / 100);
    taskSet.computedDesiredCount = desired;
    const live = this.tasksOf(taskSet).filter((t) => t.desiredStatus === 'RUNNING');
    const started: LocalTask[] = [];
    for (let i = live.length; i < desired; i += 1)
      started.push(this.newTask(taskSet, service.serviceName, now));
    this.ecs.state.tasks.push(...started);
    this.index.appended(started);
    if (started.length > 0) recordEvent(service, now, startedTasks(service, taskSet.id, started));
    // Scale in: the newest tasks go first.
    for (const task of live.slice(desired).reverse())
      this.stop(task, now, 'ServiceSchedulerInitiated', 'Scaling activity initiated by deployment');
  }

  private advance(task: LocalTask, now: number): void {
    if (task.desiredStatus === 'STOPPED' && task.lastStatus !== 'STOPPED') {
      this.stop(
        task,
        now,
        task.stopCode ?? 'ServiceSchedulerInitiated',
        task.stoppedReason ?? 'Task stopped by the scheduler',
      );
      return;
    }
    // A stopped task, or one with nothing due (most, on most ticks), needs no image lookup.
    if (!(now >= task._next) || task.lastStatus === ('STOPPED' as TaskStatus)) return;
    const image = task.containers[0]?.image ?? '';
    const profile = this.profileOf(image);
    while (task.lastStatus !== 'STOPPED' && now >= task._next) {
      const at = task._next;
      switch (task.lastStatus) {
        case 'PROVISIONING':
          // The task's network interface is attached, and its image pull begins.
          task.connectivityAt = new Date(at);
          task.pullStartedAt = new Date(at);
          this.setStatus(task, 'PENDING', at + (this.timing.pulling + (profile?.startupSeconds ?? 0)) * 1000);
          break;
        case 'PENDING':
          if (profile === undefined) {
            this.stop(task, at, 'TaskFailedToStart', cannotPullReason(image));
          } else if (profile.failsToStart) {
            this.stop(task, at, 'EssentialContainerExited', 'Essential container in task exited', 1);
          } else {
            this.start(task, at);
          }
          break;
        case 'RUNNING':
          // A running task already has its image, even if the registry has lost it since.
          this.healthCheck(task, at, profile ?? PROFILES.healthy);
          break;
        default:
          task._next = Number.POSITIVE_INFINITY;
      }
    }
  }

  private start(task: LocalTask, at: number): void {
    task.pullStoppedAt = new Date(at);
    task.startedAt = new Date(at);
    this.setStatus(task, 'RUNNING', at + this.timing.healthCheckInterval * 1000);
    if (task._targetGroupArn !== undefined && task._port !== undefined) {
      this.targets.registerTarget(task._targetGroupArn, task._ip, task._port);
      this.log(task, at, (service, taskSetId) =>
        targetsChanged(service, taskSetId, 'registered', 1, task._targetGroupArn!),
      );
    }
  }

  /** One ELB health check: `healthyThreshold` passes make it healthy, as many failures unhealthy. */
  private healthCheck(task: LocalTask, at: number, profile: ImageProfile): void {
    task._next = at + this.timing.healthCheckInterval * 1000;
    const next = (task._passes ?? 0) + (profile.failsHealthChecks ? -1 : 1);
    task._passes = next;
    if (task._targetGroupArn === undefined || task._port === undefined) {
      task.healthStatus = 'HEALTHY';
      return;
    }
    if (next >= this.timing.healthyThreshold && task.healthStatus !== 'HEALTHY') {
      task.healthStatus = 'HEALTHY';
      this.targets.setTargetHealth(task._targetGroupArn, task._ip, task._port, 'healthy');
    } else if (next <= -this.timing.healthyThreshold) {
      task.healthStatus = 'UNHEALTHY';
      this.targets.setTargetHealth(
        task._targetGroupArn,
        task._ip,
        task._port,
        'unhealthy',
        'Target.FailedHealthChecks',
      );
      const group = task._targetGroupArn.split(':').at(-1);
      this.stop(task, at, 'TaskFailedToStart', `Task failed ELB health checks in (${group})`);
    }
  }

  private stop(task: LocalTask, at: number, stopCode: string, reason: string, exitCode = 0): void {
    const wasRunning = task.lastStatus === 'RUNNING';
    task.desiredStatus = 'STOPPED';
    task.stoppingAt ??= new Date(at);
    task.stopCode ??= stopCode;
    task.stoppedReason ??= reason;
    task.stoppedAt = new Date(at);
    task.healthStatus = 'UNKNOWN';
    for (const container of task.containers) {
      container.lastStatus = 'STOPPED';
      container.exitCode = exitCode;
    }
    this.setStatus(task, 'STOPPED', Number.POSITIVE_INFINITY);
    for (const attachment of task.attachments) attachment.status = 'DELETED';
    if (wasRunning) this.log(task, at, (service, taskSetId) => stoppedTasks(service, taskSetId, [task]));
    if (wasRunning && task._targetGroupArn !== undefined && task._port !== undefined) {
      this.log(task, at, (service, taskSetId) =>
        targetsChanged(service, taskSetId, 'deregistered', 1, task._targetGroupArn!),
      );
    }
    if (task._targetGroupArn !== undefined && task._port !== undefined) {
      this.targets.deregisterTarget(task._targetGroupArn, task._ip, task._port);
    }
  }

  /**
   * Adds a line to the event log of the task's service, naming its task set by id: a task set
   * deleted before its tasks stopped (scaled in and deleted between two ticks) is still named.
   */
  private log(
    task: LocalTask,
    at: number,
    message: (service: LocalService, taskSetId: string) => string,
  ): void {
    const name = task.group.replace(/^service:/, '');
    const service = this.ecs.state.services.find(
      (s) => s.clusterArn === task.clusterArn && s.serviceName === name,
    );
    if (service !== undefined) recordEvent(service, at, message(service, task.startedBy));
  }

  /** ECS logs that a service has reached a steady state when all its task sets are steady again. */
  private logSteadyState(service: LocalService, now: number): void {
    const sets = this.taskSetsByService.get(service.serviceArn) ?? [];
    const steady = sets.length > 0 && sets.every((t) => t.stabilityStatus === 'STEADY_STATE');
    if (steady && service._steady !== true) recordEvent(service, now, steadyState(service));
    service._steady = steady;
  }

  /** Tasks whose task set was deleted stop too. */
  private stopOrphans(now: number): void {
    const sets = new Set(this.ecs.state.taskSets.map((t) => t.id));
    for (const task of this.ecs.state.tasks) {
      if (task.lastStatus !== 'STOPPED' && !sets.has(task.startedBy)) {
        this.stop(task, now, 'ServiceSchedulerInitiated', 'Task set deleted');
      }
    }
  }

  private summarize(taskSet: LocalTaskSet, now: number): void {
    const live = this.tasksOf(taskSet).filter((t) => t.desiredStatus === 'RUNNING');
    const running = live.filter((t) => t.lastStatus === 'RUNNING');
    taskSet.runningCount = running.length;
    taskSet.pendingCount = live.length - running.length;
    const steady =
      running.length === taskSet.computedDesiredCount &&
      live.length === running.length &&
      running.every((t) => t.healthStatus === 'HEALTHY');
    const status = steady ? 'STEADY_STATE' : 'STABILIZING';
    if (status !== taskSet.stabilityStatus) {
      taskSet.stabilityStatus = status;
      taskSet.stabilityStatusAt = new Date(now);
    }
  }

  private newTask(taskSet: LocalTaskSet, serviceName: string, now: number): LocalTask {
    const definition = this.ecs.taskDefinition(taskSet.taskDefinition);
    const balancer = taskSet.loadBalancers[0];
    const container =
      definition.containerDefinitions.find((c) => c.name === balancer?.containerName) ??
      definition.containerDefinitions[0]!;
    const n = (this.ecs.state.counter += 1);
    const ip = `10.0.${Math.floor(n / 250) % 250}.${(n % 250) + 2}`;
    const cluster = taskSet.clusterArn.split('/').at(-1)!;
    const taskArn = this.ecs.arn(`task/${cluster}/${taskId(String(n))}`);
    // Tasks spread over the task set's subnets, one availability zone each, as ECS places them.
    const subnets = taskSet.networkConfiguration?.awsvpcConfiguration?.subnets ?? [];
    const region = taskSet.clusterArn.split(':')[3]!;
    const subnet = subnets.length === 0 ? undefined : subnets[n % subnets.length]!;
    return {
      taskArn,
      clusterArn: taskSet.clusterArn,
      taskDefinitionArn: definition.taskDefinitionArn,
      startedBy: taskSet.id,
      group: `service:${serviceName}`,
      lastStatus: 'PROVISIONING',
      desiredStatus: 'RUNNING',
      createdAt: new Date(now),
      launchType: taskSet.launchType ?? 'FARGATE',
      containers: definition.containerDefinitions.map((c) => ({
        name: c.name,
        image: c.image,
        lastStatus: 'PENDING',
      })),
      version: 1,
      availabilityZone: `${region}${'abc'[subnet === undefined ? 0 : subnets.indexOf(subnet) % 3]}`,
      attachments: subnet === undefined ? [] : [eniAttachment(taskArn, subnet, ip, region)],
      healthStatus: 'UNKNOWN',
      _next: now + this.timing.provisioning * 1000,
      _ip: ip,
      ...(balancer?.targetGroupArn ? { _targetGroupArn: balancer.targetGroupArn } : {}),
      ...((balancer?.containerPort ?? container.portMappings?.[0]?.containerPort)
        ? { _port: balancer?.containerPort ?? container.portMappings?.[0]?.containerPort }
        : {}),
    };
  }

  private setStatus(task: LocalTask, status: TaskStatus, next: number): void {
    if (task.lastStatus !== status) task.version = (task.version ?? 1) + 1;
    task.lastStatus = status;
    task._next = next;
    for (const container of task.containers)
      if (container.lastStatus !== 'STOPPED') container.lastStatus = status;
  }

  tasksOf(taskSet: LocalTaskSet): readonly LocalTask[] {
    return this.index.ofTaskSet(taskSet.id);
  }
}
