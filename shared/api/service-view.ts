// GET /services and GET /services/{name}: what each service runs, what is being deployed,
// its alarms, the live task set's counts, a push that waits, and the recent deployments.

import { getService } from '../domain/catalog.js';
import { alarmNames } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import type { ApiResponse } from './request.js';
import { capacitiesOf } from './task-set-counts.js';
import { queuedView, taskSetCounts } from './views.js';

/** The service's catalog entry; 404 naming the services there are if it has none. */
export function entryOf(deps: ApiDeps, name: string) {
  const entry = getService(deps.catalog, name);
  if (entry === undefined)
    throw notFound(
      `no service "${name}" in the catalog; it has: ${Object.keys(deps.catalog.services).join(', ')}`,
    );
  return entry;
}

async function summary(deps: ApiDeps, name: string) {
  const entry = entryOf(deps, name);
  const names = alarmNames(entry);
  const [state, holder, states] = await Promise.all([
    deps.serviceStates.get(name),
    deps.locks.holder(name),
    deps.alarms.states(names),
  ]);
  const active = holder === null ? null : await deps.deployments.get(holder.deploymentId);
  const alarms = names.map((n) => ({ name: n, state: states[n] ?? 'UNKNOWN' }));
  return {
    name,
    strategy: entry.strategy,
    health: healthOf(alarms.map((a) => a.state)),
    alarms,
    live: state.stable
      ? {
          release: state.stable.release,
          image: state.stable.image,
          digest: state.stable.image.split('@')[1] ?? null,
        }
      : null,
    deployment:
      active && active.status === 'running'
        ? {
            deploymentId: active.deploymentId,
            release: active.release,
            status: active.status,
            phase: active.phase,
            weights: active.weights,
          }
        : null,
  };
}

/** `alarm` if any watched alarm fires; `ok` only when every one is OK (or none is watched). */
function healthOf(states: readonly string[]): 'ok' | 'alarm' | 'insufficient-data' | 'unknown' {
  if (states.includes('ALARM')) return 'alarm';
  if (states.includes('INSUFFICIENT_DATA')) return 'insufficient-data';
  return states.every((s) => s === 'OK') ? 'ok' : 'unknown';
}

export async function listServices(deps: ApiDeps): Promise<ApiResponse> {
  const services = await Promise.all(Object.keys(deps.catalog.services).map((name) => summary(deps, name)));
  return { status: 200, body: { services } };
}

export async function getServiceView(deps: ApiDeps, name: string): Promise<ApiResponse> {
  const entry = entryOf(deps, name);
  const [base, recent, queued, stable] = await Promise.all([
    summary(deps, name),
    deps.deployments.listByService(name, 10),
    deps.locks.queued(name),
    deps.serviceStates.get(name).then((state) => state.stable),
  ]);
  const capacities = stable === null ? null : await capacitiesOf(deps, entry, [stable.taskSetId]);
  const now = deps.clock.now();
  return {
    status: 200,
    body: {
      ...base,
      settings: entry,
      liveTaskSet:
        stable === null || capacities === null
          ? null
          : taskSetCounts(stable.taskSetId, capacities.get(stable.taskSetId)),
      queued: queuedView(queued),
      recentDeployments: recent.map((d) => recentView(d, now, deps.clock.speed ?? 1)),
      now: new Date(now).toISOString(),
    },
  };
}

/** A deployment in the service's recent list; one that ended says when, and how long ago in real seconds. */
function recentView(d: Deployment, now: number, speed: number) {
  const ended = d.status !== 'running';
  return {
    deploymentId: d.deploymentId,
    release: d.release,
    status: d.status,
    image: d.image,
    startedAt: new Date(d.startedAt).toISOString(),
    endedAt: ended ? new Date(d.updatedAt).toISOString() : null,
    endedSecondsAgo: ended ? Math.max(0, Math.round((now - d.updatedAt) / 1000 / speed)) : null,
    reason: d.reason ?? null,
  };
}
