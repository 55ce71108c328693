// What IAM checks for a request: the action, each resource it touches (by the resource
// types the Service Authorization Reference gives the action, with ARNs built from the
// reference's formats and the request's parameters) and the condition keys AWS sets. Some
// requests need more than one authorization, as on AWS: a task definition that names roles
// also needs iam:PassRole on each, and tags sent with a create need ecs:TagResource.

import { randomInt, randomUUID } from 'node:crypto';
import { actionReference, resourceArn } from './reference.js';
import { impliedS3, KMS_EXTRACTORS, S3_EXTRACTORS, storageContext } from './requests-kms-s3.js';
import { UnauthorizableRequest } from '../errors.js';

export interface Scope {
  partition: string;
  region: string;
  account: string;
  /** The key ARN a KMS KeyId (id, ARN, alias name or alias ARN) names, if the key exists. */
  kmsKeyArn?: (keyId: string) => string | undefined;
  /** The ARN of the EventBridge connection of this name, if it exists. */
  connectionArn?: (name: string) => string | undefined;
}

export interface Authorization {
  /** `service:Action`. */
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
}

/** One resource a request touches: an ARN it names, or a resource type and the values of its ARN format. */
export type Touched = string | { type: string; values: Record<string, string> };

export type Input = Record<string, unknown>;
export type Extractor = (input: Input, scope: Scope) => Touched[];

/** A request parameter as text, or `fallback` when it is missing or not a string. */
const text = (value: unknown, fallback = '*'): string => (typeof value === 'string' ? value : fallback);
/** The last part of a name-or-ARN (`arn:…:cluster/prod` → `prod`). */
const nameOf = (value: unknown, fallback = 'default'): string => text(value, fallback).split('/').at(-1)!;
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);
const arnOr = (value: unknown, touched: Touched): Touched =>
  typeof value === 'string' && value.startsWith('arn:') ? value : touched;

/** A task set's id from an id or an ARN (`…:task-set/<cluster>/<service>/ecs-svc/123` → `ecs-svc/123`). */
function taskSetId(value: unknown): string {
  const id = text(value);
  return id.startsWith('arn:') ? id.split('/').slice(3).join('/') : id;
}

const service = (input: Input): Record<string, string> => ({
  ClusterName: nameOf(input.cluster),
  ServiceName: nameOf(input.service),
});

const taskSet = (input: Input, id: string): Touched => ({
  type: 'task-set',
  values: { ...service(input), TaskSetId: id },
});

const table = (name: unknown, index?: unknown): Touched =>
  arnOr(
    name,
    index === undefined
      ? { type: 'table', values: { TableName: text(name) } }
      : { type: 'index', values: { TableName: text(name), IndexName: text(index) } },
  );

/** Per IAM service prefix and action: the resources a request touches. No entry means `*`. */
const EXTRACTORS: Record<string, Record<string, Extractor>> = {
  ecs: {
    // The id AWS gives the new task set is not known yet: any id matches what a policy grants.
    CreateTaskSet: (i) => [taskSet(i, `ecs-svc/${randomInt(1e8, 1e9 - 1)}${randomInt(1e9, 1e10 - 1)}`)],
    UpdateTaskSet: (i) => [taskSet(i, taskSetId(i.taskSet))],
    DeleteTaskSet: (i) => [taskSet(i, taskSetId(i.taskSet))],
    DescribeTaskSets: (i) => {
      const ids = strings(i.taskSets);
      return ids.length === 0 ? [taskSet(i, '*')] : ids.map((id) => taskSet(i, taskSetId(id)));
    },
    DescribeServices: (i) =>
      strings(i.services).map((s) =>
        arnOr(s, { type: 'service', values: { ClusterName: nameOf(i.cluster), ServiceName: nameOf(s) } }),
      ),
    UpdateServicePrimaryTaskSet: (i) => [{ type: 'service', values: service(i) }],
    UpdateService: (i) => [{ type: 'service', values: service(i) }],
    ListTasks: (i) => [
      {
        type: 'container-instance',
        values: { ClusterName: nameOf(i.cluster), ContainerInstanceId: nameOf(i.containerInstance, '*') },
      },
    ],
    DescribeTasks: (i) =>
      strings(i.tasks).map((t) =>
        arnOr(t, { type: 'task', values: { ClusterName: nameOf(i.cluster), TaskId: nameOf(t) } }),
      ),
    RegisterTaskDefinition: (i) => [taskDefinition(i)],
  },
  elasticloadbalancing: {
    ModifyRule: (i) => [text(i.RuleArn)],
    ModifyListener: (i) => [text(i.ListenerArn)],
    CreateRule: (i) => [text(i.ListenerArn)],
    DeleteRule: (i) => [text(i.RuleArn)],
  },
  cloudwatch: {
    // "To describe composite alarms you must have cloudwatch:DescribeAlarms on *" (the API reference).
    DescribeAlarms: (i) => {
      const names = strings(i.AlarmNames);
      if (strings(i.AlarmTypes).includes('CompositeAlarm') || names.length === 0) return ['*'];
      return names.map((n) => ({ type: 'alarm', values: { AlarmName: n } }));
    },
    SetAlarmState: (i) => [{ type: 'alarm', values: { AlarmName: text(i.AlarmName) } }],
    PutMetricAlarm: (i) => [{ type: 'alarm', values: { AlarmName: text(i.AlarmName) } }],
  },
  dynamodb: {
    GetItem: (i) => [table(i.TableName)],
    PutItem: (i) => [table(i.TableName)],
    UpdateItem: (i) => [table(i.TableName)],
    DeleteItem: (i) => [table(i.TableName)],
    Query: (i) => [table(i.TableName, i.IndexName)],
    Scan: (i) => [table(i.TableName, i.IndexName)],
    DescribeTable: (i) => [table(i.TableName)],
    CreateTable: (i) => [table(i.TableName)],
    BatchGetItem: (i) => Object.keys((i.RequestItems as Input | undefined) ?? {}).map((t) => table(t)),
    BatchWriteItem: (i) => Object.keys((i.RequestItems as Input | undefined) ?? {}).map((t) => table(t)),
  },
  states: {
    StartExecution: (i) => [text(i.stateMachineArn)],
    DescribeStateMachine: (i) => [text(i.stateMachineArn)],
    ListExecutions: (i) => [text(i.stateMachineArn)],
    DescribeExecution: (i) => [text(i.executionArn)],
    StopExecution: (i) => [text(i.executionArn)],
    GetExecutionHistory: (i) => [text(i.executionArn)],
  },
  events: {
    // A connection's ARN ends with an id AWS picks when it is created; `*` matches any.
    CreateConnection: (i, scope) => [connection(i.Name, scope)],
    DescribeConnection: (i, scope) => [connection(i.Name, scope)],
    DeleteConnection: (i, scope) => [connection(i.Name, scope)],
    PutEvents: (i) =>
      ((i.Entries as Input[] | undefined) ?? []).map((e) =>
        arnOr(e.EventBusName, {
          type: 'event-bus',
          values: { EventBusName: text(e.EventBusName, 'default') },
        }),
      ),
  },
  iam: {
    GetRole: (i) => [{ type: 'role', values: { RoleNameWithPath: text(i.RoleName) } }],
  },
  kms: KMS_EXTRACTORS,
  s3: S3_EXTRACTORS,
  scheduler: {
    CreateSchedule: (i) => [schedule(i)],
    GetSchedule: (i) => [schedule(i)],
    DeleteSchedule: (i) => [schedule(i)],
    CreateScheduleGroup: (i) => [{ type: 'schedule-group', values: { GroupName: text(i.Name) } }],
    GetScheduleGroup: (i) => [{ type: 'schedule-group', values: { GroupName: text(i.Name) } }],
  },
  lambda: {
    // The local Lambda passes the function's ARN (local/aws/lambda.ts arnOf).
    InvokeFunction: (i) => [text(i.FunctionName)],
  },
  ecr: {
    PutImage: (i) => [{ type: 'repository', values: { RepositoryName: text(i.repositoryName) } }],
    BatchGetImage: (i) => [{ type: 'repository', values: { RepositoryName: text(i.repositoryName) } }],
    DescribeImages: (i) => [{ type: 'repository', values: { RepositoryName: text(i.repositoryName) } }],
  },
};

/** A connection's ARN: the one it has, or (not created yet) the name with an id no one has. */
const connection = (name: unknown, scope: Scope): Touched =>
  scope.connectionArn?.(text(name)) ?? {
    type: 'connection',
    values: { ConnectionName: `${text(name)}/${randomUUID()}` },
  };

const schedule = (i: Input): Touched => ({
  type: 'schedule',
  values: { GroupName: text(i.GroupName, 'default'), ScheduleName: text(i.Name) },
});

function taskDefinition(input: Input): Touched {
  return {
    type: 'task-definition',
    values: { TaskDefinitionFamilyName: text(input.family), TaskDefinitionRevisionNumber: '*' },
  };
}

/** What IAM checks for `prefix:action` with this input: every authorization must allow it. */
export function authorizationsFor(
  prefix: string,
  action: string,
  input: Input,
  scope: Scope,
): Authorization[] {
  const reference = actionReference(prefix, action);
  if (reference === undefined) throw new UnauthorizableRequest(`AWS has no action ${prefix}:${action}`);
  const name = `${prefix}:${reference.name}`;
  const extractor = EXTRACTORS[prefix]?.[reference.name];
  let resources: string[];
  if (reference.resourceTypes.length === 0 || (extractor === undefined && !reference.requiresResource)) {
    resources = ['*'];
  } else if (extractor === undefined) {
    throw new UnauthorizableRequest(
      `the local cloud does not know which resources ${name} touches; add it to local/iam/requests.ts`,
    );
  } else {
    resources = extractor(input, scope).map((touched) =>
      toArn(prefix, reference.resourceTypes, touched, scope),
    );
  }
  const authorizations: Authorization[] = resources.map((resource) => ({ action: name, resource }));
  authorizations.push(...implied(prefix, reference.name, input, scope));
  const context = storageContext(prefix, reference.name, input, scope);
  return context === undefined ? authorizations : authorizations.map((a) => ({ ...a, context }));
}

function toArn(prefix: string, types: string[], touched: Touched, scope: Scope): string {
  if (typeof touched === 'string') return touched;
  if (!types.includes(touched.type)) {
    throw new UnauthorizableRequest(
      `${prefix}: the reference does not authorize this action against ${touched.type} (it lists ${types.join(', ')})`,
    );
  }
  return resourceArn(prefix, touched.type, touched.values, scope);
}

/** The further authorizations AWS makes for some requests. */
function implied(prefix: string, action: string, input: Input, scope: Scope): Authorization[] {
  const out: Authorization[] = [];
  if (prefix === 's3') {
    return impliedS3(action, input).map((also) => ({
      action: also.action,
      resource: toArn('s3', [also.type], also.touched, scope),
    }));
  }
  if (prefix === 'scheduler' && action === 'CreateSchedule') {
    // The schedule runs as its target's role: creating it passes that role to Scheduler.
    const role = (input.Target as Input | undefined)?.RoleArn;
    if (typeof role === 'string' && role !== '')
      out.push({
        action: 'iam:PassRole',
        resource: role,
        context: { 'iam:PassedToService': 'scheduler.amazonaws.com' },
      });
  }
  if (prefix !== 'ecs') return out;
  if (action === 'RegisterTaskDefinition') {
    for (const role of [input.taskRoleArn, input.executionRoleArn]) {
      if (typeof role === 'string' && role !== '') {
        out.push({
          action: 'iam:PassRole',
          resource: role,
          context: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' },
        });
      }
    }
  }
  const tags = input.tags;
  if (
    Array.isArray(tags) &&
    tags.length > 0 &&
    ['RegisterTaskDefinition', 'CreateTaskSet'].includes(action)
  ) {
    const touched = action === 'CreateTaskSet' ? taskSet(input, '*') : taskDefinition(input);
    out.push({
      action: 'ecs:TagResource',
      resource: toArn('ecs', [typeof touched === 'string' ? '' : touched.type], touched, scope),
      context: { 'ecs:CreateAction': action },
    });
  }
  return out;
}
