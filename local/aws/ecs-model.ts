// The local ECS's state: clusters, task definitions, services with the EXTERNAL
// deployment controller, their task sets and tasks. Field names are ECS's own, so
// the API answers are these objects (minus the `_`-prefixed simulation fields).

export interface LocalTaskDefinition {
  taskDefinitionArn: string;
  family: string;
  revision: number;
  status: 'ACTIVE' | 'INACTIVE';
  containerDefinitions: { name: string; image: string; portMappings?: { containerPort?: number }[] }[];
  registeredAt: Date;
  /** The caller's principal ARN (absent in data folders from before it was recorded). */
  registeredBy?: string;
  tags: { key: string; value: string }[];
  [field: string]: unknown;
}

/** One line of a service's event log, as DescribeServices lists them (newest first). */
export interface ServiceEvent {
  id: string;
  createdAt: Date;
  message: string;
}

export interface LocalService {
  serviceArn: string;
  serviceName: string;
  clusterArn: string;
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE';
  desiredCount: number;
  launchType?: string;
  deploymentController: { type: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL' };
  createdAt: Date;
  createdBy?: string;
  events?: ServiceEvent[];
  /** Simulation: whether every task set was steady at the last tick (ECS logs the change). */
  _steady?: boolean;
  [field: string]: unknown;
}

export interface LocalTaskSet {
  id: string;
  taskSetArn: string;
  serviceArn: string;
  clusterArn: string;
  externalId?: string;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  taskDefinition: string;
  computedDesiredCount: number;
  pendingCount: number;
  runningCount: number;
  createdAt: Date;
  updatedAt: Date;
  launchType?: string;
  loadBalancers: { targetGroupArn?: string; containerName?: string; containerPort?: number }[];
  scale: { value: number; unit: 'PERCENT' };
  stabilityStatus: 'STEADY_STATE' | 'STABILIZING';
  stabilityStatusAt: Date;
  platformVersion?: string;
  tags?: { key: string; value: string }[];
  networkConfiguration?: {
    awsvpcConfiguration?: { subnets?: string[]; securityGroups?: string[]; assignPublicIp?: string };
  };
  [field: string]: unknown;
}

export type TaskStatus = 'PROVISIONING' | 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPED';

export interface LocalTask {
  taskArn: string;
  clusterArn: string;
  taskDefinitionArn: string;
  startedBy: string;
  group: string;
  lastStatus: TaskStatus;
  desiredStatus: 'RUNNING' | 'STOPPED';
  createdAt: Date;
  /** The task's elastic network interface attached; its image pull began and ended. */
  connectivityAt?: Date;
  pullStartedAt?: Date;
  pullStoppedAt?: Date;
  startedAt?: Date;
  stoppingAt?: Date;
  stoppedAt?: Date;
  /** Goes up by one at each change of the task's status, as ECS's does. */
  version?: number;
  availabilityZone?: string;
  stopCode?: string;
  stoppedReason?: string;
  launchType: string;
  containers: { name: string; image: string; lastStatus: TaskStatus; exitCode?: number }[];
  attachments: { type: string; status: string; details: { name: string; value: string }[] }[];
  healthStatus: 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
  /** Simulation: when the task moves on, and where its target is registered. */
  _next: number;
  _ip: string;
  _targetGroupArn?: string;
  _port?: number;
  /** Health checks passed in a row (negative: failed in a row). */
  _passes?: number;
}

export interface EcsState {
  clusters: { clusterArn: string; clusterName: string; status: string }[];
  definitions: LocalTaskDefinition[];
  services: LocalService[];
  taskSets: LocalTaskSet[];
  tasks: LocalTask[];
  counter: number;
}

export function emptyEcsState(): EcsState {
  return { clusters: [], definitions: [], services: [], taskSets: [], tasks: [], counter: 0 };
}

/** What callers see: the object without simulation fields. */
export function publicView<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([key]) => !key.startsWith('_'))) as T;
}

/** Revives Date fields after a JSON round trip (snapshots are plain JSON). */
export function reviveDates(state: EcsState): EcsState {
  const dates = [
    'registeredAt',
    'createdAt',
    'updatedAt',
    'stabilityStatusAt',
    'connectivityAt',
    'pullStartedAt',
    'pullStoppedAt',
    'startedAt',
    'stoppingAt',
    'stoppedAt',
  ];
  const events = state.services.flatMap((s) => s.events ?? []);
  for (const list of [state.definitions, state.services, state.taskSets, state.tasks, events]) {
    for (const item of list as Record<string, unknown>[]) {
      for (const key of dates) if (typeof item[key] === 'string') item[key] = new Date(item[key]);
    }
  }
  return state;
}
