// ListTasks and DescribeTasks over the tasks the simulation runs (../world/ecs-simulation.ts).

import type { LocalTask, LocalTaskDefinition } from './ecs-model.js';
import { page, taskView } from './ecs-views.js';
import { optionalList, optionalString } from './service.js';
import { AwsError } from '../errors.js';

const invalid = (message: string) => new AwsError('InvalidParameterException', message);

/** DescribeTasks takes at most 100 tasks per call. */
const DESCRIBE_LIMIT = 100;

export function listTasks(tasks: LocalTask[], clusterArn: string, input: Record<string, unknown>) {
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
  const arns = tasks
    .filter((t) => t.clusterArn === clusterArn)
    .filter((t) => startedBy === undefined || t.startedBy === startedBy)
    .filter((t) => startedBy !== undefined || t.desiredStatus === status)
    .filter((t) => family === undefined || t.taskDefinitionArn.includes(`task-definition/${family}:`))
    .filter((t) => serviceName === undefined || t.group === `service:${serviceName}`)
    .map((t) => t.taskArn);
  return page(arns, input, 'taskArns');
}

/** Tasks by ARN or by id (the ARN's last part), as ECS accepts either. */
export function describeTasks(
  tasks: LocalTask[],
  definitions: LocalTaskDefinition[],
  clusterArn: string,
  input: Record<string, unknown>,
) {
  const wanted = optionalList<string>(input, 'tasks');
  if (wanted.length > DESCRIBE_LIMIT) throw invalid(`tasks can have at most ${DESCRIBE_LIMIT} items`);
  const found = tasks.filter(
    (t) =>
      t.clusterArn === clusterArn &&
      (wanted.includes(t.taskArn) || wanted.includes(t.taskArn.split('/').at(-1)!)),
  );
  const failures = wanted
    .filter((w) => !found.some((t) => t.taskArn === w || t.taskArn.endsWith(`/${w}`)))
    .map((arn) => ({ arn, reason: 'MISSING' }));
  const definitionOf = (arn: string) => definitions.find((d) => d.taskDefinitionArn === arn);
  return { tasks: found.map((t) => taskView(t, definitionOf(t.taskDefinitionArn))), failures };
}
