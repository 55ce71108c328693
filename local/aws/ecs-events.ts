// A service's event log, as DescribeServices shows it: the newest first, at most 100, each in
// the words ECS uses for a service with task sets ("(service web) has reached a steady state.").

import { randomUUID } from 'node:crypto';
import type { LocalService, LocalTask } from './ecs-model.js';

/** DescribeServices lists a service's 100 most recent events. */
export const MAX_SERVICE_EVENTS = 100;

export function recordEvent(service: LocalService, at: number, message: string): void {
  const events = (service.events ??= []);
  events.unshift({ id: randomUUID(), createdAt: new Date(at), message });
  if (events.length > MAX_SERVICE_EVENTS) events.length = MAX_SERVICE_EVENTS;
}

/** A task set by id: ECS names one in its events even once it was deleted. */
const subject = (service: LocalService, taskSetId: string) =>
  `(service ${service.serviceName}, taskSet ${taskSetId})`;

const taskList = (tasks: LocalTask[]) => tasks.map((t) => `(task ${t.taskArn.split('/').at(-1)!})`).join(' ');

export const startedTasks = (service: LocalService, taskSetId: string, tasks: LocalTask[]) =>
  `${subject(service, taskSetId)} has started ${tasks.length} tasks: ${taskList(tasks)}.`;

export const stoppedTasks = (service: LocalService, taskSetId: string, tasks: LocalTask[]) =>
  `${subject(service, taskSetId)} has stopped ${tasks.length} running tasks: ${taskList(tasks)}.`;

/** A task set's tasks joined (`registered`) or left (`deregistered`) a target group. */
export const targetsChanged = (
  service: LocalService,
  taskSetId: string,
  change: 'registered' | 'deregistered',
  count: number,
  group: string,
) => `${subject(service, taskSetId)} ${change} ${count} targets in (target-group ${group})`;

export const steadyState = (service: LocalService) =>
  `(service ${service.serviceName}) has reached a steady state.`;
