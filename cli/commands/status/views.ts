// What `status` reads from the API: the deployment view (GET /deployments/{id}) and the
// service view (GET /services/{name}), typed from the API's own view functions.

import type { deploymentView, executionView, queuedView, taskSetCounts } from '../../../shared/api/views.js';

/** GET /deployments/{id} once the deployment has its record. */
export type DeploymentView = ReturnType<typeof deploymentView>;

/** GET /deployments/{id} before that: the execution is starting, or ended without taking the lock. */
export interface EarlyDeploymentView {
  deploymentId: string;
  status: 'starting' | 'refused';
  execution: ReturnType<typeof executionView>;
}

export type AnyDeploymentView = DeploymentView | EarlyDeploymentView;

export type TaskSetCounts = NonNullable<ReturnType<typeof taskSetCounts>>;
export type QueuedPushView = NonNullable<ReturnType<typeof queuedView>>;

export interface RecentDeployment {
  deploymentId: string;
  release: number;
  status: string;
  startedAt: string;
  /** When it ended, on the API's clock; null while it runs. */
  endedAt?: string | null;
  /** Real seconds since it ended; null while it runs. */
  endedSecondsAgo?: number | null;
}

/** GET /services/{name}: the fields `status` reads (newer fields optional: an older API leaves them out). */
export interface ServiceView {
  name: string;
  strategy: string;
  live: { release: number; image: string; digest: string | null } | null;
  deployment: { deploymentId: string } | null;
  alarms?: { name: string; state: string }[];
  liveTaskSet?: TaskSetCounts | null;
  queued?: QueuedPushView | null;
  recentDeployments?: RecentDeployment[];
  now?: string;
}
