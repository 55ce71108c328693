// What GET /deployments/{id} answers with: a deployment, its steps marked (steps-view.ts),
// the counts of its task sets, and the push that waits for it. Below it, the types of every
// view the API answers with, which the CLI and the dashboard import.

import { alarmNames, type HookName, type ServiceEntry } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import type { VerifyResult } from '../domain/ledger.js';
import type { AlarmState } from '../ports/alarms.js';
import type { QueuedPush } from '../ports/deployments.js';
import type { TaskSetCapacity } from '../ports/ecs.js';
import type { ExecutionSummary } from '../ports/executions.js';
import { analysisView, type WeightsAt } from './deployment-history.js';
import type { RecentDeploymentView, ServiceSummary } from './service-view.js';
import { stepsOf } from './steps-view.js';

export type { StepState, StepView } from './steps-view.js';
export type { ReleaseOutcome, ReleaseView } from './releases-view.js';
export type { RecentDeploymentView, ServiceSummary } from './service-view.js';

/** What the view reads besides the deployment, each from its own port. */
export interface DeploymentReads {
  now: number;
  alarms: Record<string, AlarmState>;
  execution: ExecutionSummary | null;
  traffic?: WeightsAt[];
  /** Simulated seconds per real second (the local cloud's clock); 1 on AWS. */
  speed?: number;
  /** Counts of the task sets by id, read while the deployment runs; null when not read or not readable. */
  capacities?: Map<string, TaskSetCapacity> | null;
  queued?: QueuedPush | null;
}

export function deploymentView(
  deployment: Deployment,
  entry: ServiceEntry | undefined,
  reads: DeploymentReads,
) {
  const { now, alarms, execution, traffic = [], speed = 1 } = reads;
  const steps = stepsOf(deployment, entry, traffic);
  return {
    deploymentId: deployment.deploymentId,
    service: deployment.service,
    release: deployment.release,
    image: deployment.image,
    strategy: deployment.strategy,
    status: deployment.status,
    phase: deployment.phase,
    trigger: deployment.trigger,
    actor: deployment.actor,
    weights: deployment.weights,
    stable: { release: deployment.stable.release, image: deployment.stable.image },
    bake: deployment.bake
      ? {
          endsAt: new Date(deployment.bake.endsAt).toISOString(),
          secondsLeft: Math.max(0, Math.round((deployment.bake.endsAt - now) / 1000)),
        }
      : null,
    approval: deployment.approval
      ? {
          expiresAt: new Date(deployment.approval.expiresAt).toISOString(),
          // Real seconds a person has left to answer (the local cloud's clock runs `speed` times faster).
          secondsLeft: Math.max(0, Math.round((deployment.approval.expiresAt - now) / 1000 / speed)),
        }
      : null,
    promoteFull: deployment.promoteFull ?? false,
    ...headerRouteView(deployment),
    analysis: deployment.analysis ? analysisView(deployment.analysis) : null,
    analyses: (deployment.analyses ?? []).map(analysisView),
    hooks: hooksView(deployment),
    traffic,
    alarms: (entry ? alarmNames(entry) : []).map((name) => ({
      name,
      state: alarms[name] ?? ('UNKNOWN' as const),
    })),
    steps,
    reason: deployment.reason ?? null,
    execution: executionView(execution),
    taskSets: taskSetsView(deployment, reads.capacities ?? null),
    queued: queuedView(reads.queued ?? null),
    startedAt: new Date(deployment.startedAt).toISOString(),
    updatedAt: new Date(deployment.updatedAt).toISOString(),
    /** The API's clock when it answered (the local cloud's simulated time): what elapsed times count to. */
    now: new Date(now).toISOString(),
    /** Seconds of that clock per real second: 1 on AWS; the local cloud's `--speed`. */
    speed,
  };
}

interface HookView {
  hook: HookName;
  status: 'Succeeded' | 'Failed' | 'Running';
  calls: number;
  message: string | null;
  endedAt: string | null;
  /** The call checked the rollback (the catalog's `afterRollback`); absent otherwise. */
  afterRollback?: true;
}

/** Each lifecycle hook that ended, then the one running now, with how many calls each took. */
function hooksView(deployment: Deployment): HookView[] {
  const ended = (deployment.hookResults ?? []).map((h): HookView => ({
    hook: h.hook,
    status: h.status,
    calls: h.calls,
    message: h.message ?? null,
    endedAt: new Date(h.endedAt).toISOString(),
    ...(h.afterRollback === true ? { afterRollback: true as const } : {}),
  }));
  const wait = deployment.status === 'running' ? deployment.hookWait : undefined;
  if (wait === undefined) return ended;
  return [...ended, { hook: wait.hook, status: 'Running', calls: wait.calls, message: null, endedAt: null }];
}

/**
 * One task set's counts. `healthy` is ECS's word: a task set reaches steady state when its
 * running tasks are what it wants and pass their health checks (for one behind a load
 * balancer, its targets are healthy); before that, null (not yet known).
 */
export function taskSetCounts(taskSetId: string, capacity: TaskSetCapacity | undefined) {
  if (capacity === undefined) return null;
  const { desired, running, pending, steady } = capacity;
  return { taskSetId, desired, running, pending, healthy: steady ? running : null, steady };
}

function taskSetsView(deployment: Deployment, capacities: Map<string, TaskSetCapacity> | null) {
  if (capacities === null) return null;
  const candidate = deployment.candidate.taskSetId;
  return {
    stable: taskSetCounts(deployment.stable.taskSetId, capacities.get(deployment.stable.taskSetId)),
    candidate: candidate === undefined ? null : taskSetCounts(candidate, capacities.get(candidate)),
    ...baselineCounts(deployment, capacities),
  };
}

/**
 * The baseline task set's counts while it runs (`removed` once it was deleted); nothing at all
 * for a deployment that runs none, so existing readers see the view they knew.
 */
function baselineCounts(deployment: Deployment, capacities: Map<string, TaskSetCapacity>) {
  const { baseline } = deployment;
  if (baseline === undefined) return {};
  if (baseline.removedAt !== undefined)
    return { baseline: { taskSetId: baseline.taskSetId, removed: true as const } };
  return { baseline: taskSetCounts(baseline.taskSetId, capacities.get(baseline.taskSetId)) };
}

/**
 * The header-routed step's rule, for a deployment that made one: its ARN and priority, and
 * whether it still routes (`open`). Nothing for a deployment without the step.
 */
function headerRouteView(deployment: Deployment) {
  const route = deployment.headerRoute;
  if (route === undefined) return {};
  const step = deployment.plan?.find((s) => s.kind === 'shift' && s.header !== undefined);
  return {
    headerRoute: {
      ruleArn: route.ruleArn,
      priority: route.priority,
      matches: step?.kind === 'shift' ? (step.header ?? null) : null,
      open: route.removedAt === undefined,
    },
  };
}

/** The push that waits for the service's lock (a newer push replaces it). */
export function queuedView(queued: QueuedPush | null) {
  return queued === null ? null : { image: queued.image, pushedAt: new Date(queued.pushedAt).toISOString() };
}

export function executionView(execution: ExecutionSummary | null) {
  return execution
    ? { status: execution.status, error: execution.error ?? null, cause: execution.cause ?? null }
    : null;
}

// The views' types, for the CLI and the dashboard to `import type` (as Powertools shares its
// types across packages): each is inferred from the function that builds the view, or checked
// against it where the API builds the body inline, so a field changed there reaches both.

/** GET /deployments/{id} once the deployment has its record. */
export type DeploymentView = ReturnType<typeof deploymentView>;

/** GET /deployments/{id} before that: the execution is starting, or ended without taking the lock. */
export interface EarlyDeploymentView {
  deploymentId: string;
  status: 'starting' | 'refused';
  execution: ExecutionView;
}

export type AnyDeploymentView = DeploymentView | EarlyDeploymentView;

export type ExecutionView = ReturnType<typeof executionView>;
export type AnalysisView = ReturnType<typeof analysisView>;
export type TaskSetCountsView = NonNullable<ReturnType<typeof taskSetCounts>>;
export type QueuedPushView = NonNullable<ReturnType<typeof queuedView>>;

/** GET /services/{name}: the service's summary (as GET /services lists it), and what it runs. */
export type ServiceView = ServiceSummary & {
  settings: ServiceEntry;
  liveTaskSet: TaskSetCountsView | null;
  queued: QueuedPushView | null;
  recentDeployments: RecentDeploymentView[];
  /** The API's clock when it answered. */
  now: string;
};

/** GET /services/{name}/verify: the chain's check, as verifyChain returns it. */
export type VerifyView = { service: string } & VerifyResult;

/** GET /services/{name}/drift. */
export type { DriftReport as DriftView } from '../engine/drift.js';

/** One point of a chart: GET /deployments/{id}/metrics. */
export interface MetricPoint {
  at: string;
  value: number;
}

/** GET /deployments/{id}/metrics: each chart metric of the canary against the baseline. */
export interface MetricsView {
  deploymentId: string;
  periodSeconds: number;
  window: { start: string; end: string };
  metrics: { name: string; unit: 'percent' | 'seconds'; baseline: MetricPoint[]; canary: MetricPoint[] }[];
  /** Why there are no metrics to compare (a rolling deployment). */
  note?: string;
}
