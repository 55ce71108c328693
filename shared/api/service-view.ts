// GET /services and GET /services/{name}: what each service runs, what is being deployed,
// its alarms, the live task set's counts, a push that waits, and the recent deployments.

import { getService } from '../domain/catalog.js';
import { alarmNames } from '../domain/catalog-schema.js';
import type { Deployment } from '../domain/deployment.js';
import type { ServiceState } from '../ports/deployments.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import type { ApiResponse } from './request.js';
import { capacitiesOf } from './task-set-counts.js';
import { queuedView, taskSetCounts, type ServiceView } from './views.js';

/** The service's catalog entry; 404 naming the services there are if it has none. */
export function entryOf(deps: ApiDeps, name: string) {
  const entry = getService(deps.catalog, name);
  if (entry === undefined)
    throw notFound(
      `no service "${name}" in the catalog; it has: ${Object.keys(deps.catalog.services).join(', ')}`,
    );
  return entry;
}

type Holder = { deploymentId: string; leaseUntil: number };

/**
 * The summaries of `names`, in that order, read together whatever their number: every state in
 * one batch, every lock in another, every alarm in a third, then the deployments that hold
 * locks; so 100 services cost a handful of AWS calls (BatchGetItem and DescribeAlarms take 100
 * keys or names a call), not three or four per service.
 */
async function summaries(deps: ApiDeps, names: readonly string[]) {
  const watched = new Map(names.map((name) => [name, alarmNames(entryOf(deps, name))]));
  const [states, holders, alarmStates] = await Promise.all([
    deps.serviceStates.getMany(names),
    deps.locks.holders(names),
    deps.alarms.states([...new Set([...watched.values()].flat())]),
  ]);
  const held = [...holders.values()].filter((h): h is Holder => h !== null).map((h) => h.deploymentId);
  const active = held.length === 0 ? new Map<string, Deployment>() : await deps.deployments.getMany(held);
  return names.map((name) => {
    const holder = holders.get(name) ?? null;
    const alarms = watched.get(name)!.map((n) => ({ name: n, state: alarmStates[n] ?? 'UNKNOWN' }));
    return summaryOf(deps, name, {
      state: states.get(name) ?? { stable: null, ledgerHead: null },
      active: holder === null ? null : (active.get(holder.deploymentId) ?? null),
      alarms,
    });
  });
}

function summaryOf(
  deps: ApiDeps,
  name: string,
  { state, active, alarms }: { state: ServiceState; active: Deployment | null; alarms: Alarm[] },
) {
  const entry = entryOf(deps, name);
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

type Alarm = { name: string; state: string };

/** `alarm` if any watched alarm fires; `ok` only when every one is OK (or none is watched). */
function healthOf(states: readonly string[]): 'ok' | 'alarm' | 'insufficient-data' | 'unknown' {
  if (states.includes('ALARM')) return 'alarm';
  if (states.includes('INSUFFICIENT_DATA')) return 'insufficient-data';
  return states.every((s) => s === 'OK') ? 'ok' : 'unknown';
}

export async function listServices(deps: ApiDeps): Promise<ApiResponse> {
  const read = async (): Promise<ApiResponse> => {
    const services = await summaries(deps, Object.keys(deps.catalog.services));
    return { status: 200, body: { services } };
  };
  return deps.views === undefined ? read() : deps.views.view(read);
}

export async function getServiceView(deps: ApiDeps, name: string): Promise<ApiResponse> {
  const entry = entryOf(deps, name);
  const [base, recent, queued, stable] = await Promise.all([
    summaries(deps, [name]).then(([one]) => one!),
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
    } satisfies ServiceView,
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

/** One service, as GET /services lists it. */
export type ServiceSummary = ReturnType<typeof summaryOf>;
/** A deployment in GET /services/{name}'s recentDeployments. */
export type RecentDeploymentView = ReturnType<typeof recentView>;
