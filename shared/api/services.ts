// /services: what runs, what is being deployed, the release history, its verification,
// and rollback.

import { z } from 'zod';
import { getService } from '../domain/catalog.js';
import { alarmNames } from '../domain/catalog-schema.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { verifiedRecords, verifyChain } from '../engine/ledger-verified.js';
import { abort } from '../engine/operator.js';
import { LEASE_MARGIN_SECONDS } from '../engine/progress.js';
import { detectDrift } from '../engine/drift.js';
import type { ApiDeps } from './deps.js';
import { badRequest, conflict, notFound } from './errors.js';
import { parseBody, reasonSchema, type ApiRequest, type ApiResponse } from './request.js';
import { startDeployment } from './deployments.js';
import { giveBack, handoverEffect, handoverFrom, takeOver } from './rollback-handover.js';
import { releasesView, type ReleaseView } from './releases-view.js';
import { capacitiesOf } from './task-set-counts.js';
import { queuedView, taskSetCounts } from './views.js';
import type { Deployment } from '../domain/deployment.js';

function entryOf(deps: ApiDeps, name: string) {
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

/** The service's records, verified first (signatures and anchors): 409 LedgerBroken if not. */
const records = (deps: ApiDeps, name: string): Promise<LedgerRecord[]> => verifiedRecords(deps, name);

export async function releases(deps: ApiDeps, name: string): Promise<ApiResponse> {
  entryOf(deps, name);
  return { status: 200, body: { service: name, releases: releasesView(await records(deps, name)) } };
}

export async function verifyLedger(deps: ApiDeps, name: string): Promise<ApiResponse> {
  entryOf(deps, name);
  return { status: 200, body: { service: name, ...(await verifyChain(deps, name)) } };
}

export async function drift(deps: ApiDeps, name: string): Promise<ApiResponse> {
  const entry = entryOf(deps, name);
  return { status: 200, body: await detectDrift(deps, name, entry) };
}

const rollbackSchema = z.strictObject({
  to: z.int().min(1).optional(),
  reason: reasonSchema,
  /** Redeploy this image although the ledger does not verify; why is required (docs/api.md). */
  breakGlass: z
    .strictObject({ image: z.string().min(1).max(1024), reason: z.string().trim().min(1).max(1000) })
    .optional(),
});

export async function rollback(deps: ApiDeps, request: ApiRequest, name: string): Promise<ApiResponse> {
  entryOf(deps, name);
  const { to, reason, breakGlass: glass } = parseBody(request, rollbackSchema);
  if (glass !== undefined) return breakGlass(deps, request, name, glass, to);
  const holder = await deps.locks.holder(name);
  const active = holder === null ? null : await deps.deployments.get(holder.deploymentId);
  if (active !== null && active.status === 'running' && to === undefined) {
    const done = await abort(deps, active.deploymentId, {
      actor: request.actor,
      reason: reason ?? 'rollback',
    });
    return { status: 202, body: { accepted: true, ...done, service: name, aborted: active.deploymentId } };
  }
  const history = releasesView(await records(deps, name));
  const live = (await deps.serviceStates.get(name)).stable?.release;
  const target = rollbackTarget(name, history, live ?? 0, to);
  if (target.release === live)
    throw conflict('Conflict', `release ${target.release} of ${name} is already live`);
  // A promoted deployment in its termination wait: its old task set still runs, so take it over.
  const handover = handoverFrom(name, active, target);
  const input = {
    service: name,
    image: target.image,
    trigger: 'rollback' as const,
    rollbackOf: target.release,
    ...(reason ? { reason } : {}),
  };
  // Take the lock first, so the loser of two rollbacks racing here gets a 409. The request is
  // recorded by the deployment it starts (its first step), so one that never starts leaves no record.
  let claimed: string | undefined;
  try {
    const answer = await startDeployment(
      deps,
      request,
      input,
      async (deploymentId) => {
        if (handover !== null) await takeOver(deps, handover, deploymentId);
        else await claimLock(deps, name, deploymentId);
        claimed = deploymentId;
      },
      handover?.deploymentId,
    );
    const effect =
      handover !== null
        ? handoverEffect(handover)
        : `took ${name}'s lock and started a new release that redeploys release ${target.release}`;
    return { ...answer, body: { accepted: true, action: 'rollback', effect, ...(answer.body as object) } };
  } catch (error) {
    // The execution did not start: free the service rather than hold it for a lease's length.
    if (claimed !== undefined)
      await (handover !== null ? giveBack(deps, handover, claimed) : deps.locks.release(name, claimed));
    throw error;
  }
}

/**
 * The way out when the ledger does not verify, so it cannot say which images were promoted:
 * redeploy an image the operator names, as a rollback (at once, no approval or analysis), with
 * the ledger unread. The request, marked `breakGlass`, and its reason go into the ledger.
 */
async function breakGlass(
  deps: ApiDeps,
  request: ApiRequest,
  name: string,
  glass: { image: string; reason: string },
  to: number | undefined,
): Promise<ApiResponse> {
  if (to !== undefined)
    throw badRequest('breakGlass names its image itself; leave out "to"', [
      { path: 'to', message: 'not allowed with breakGlass' },
    ]);
  const input = {
    service: name,
    image: glass.image,
    trigger: 'rollback' as const,
    breakGlass: { reason: glass.reason },
    reason: glass.reason,
  };
  let claimed: string | undefined;
  try {
    const answer = await startDeployment(deps, request, input, async (deploymentId) => {
      await claimLock(deps, name, deploymentId);
      claimed = deploymentId;
    });
    const effect = `break glass: took ${name}'s lock and started a new release that redeploys ${glass.image}, unchecked by the ledger`;
    return { ...answer, body: { accepted: true, action: 'rollback', effect, ...(answer.body as object) } };
  } catch (error) {
    if (claimed !== undefined) await deps.locks.release(name, claimed);
    throw error;
  }
}

/** Takes the free lock for a rollback; its execution's AcquireLock finds it its own and goes on. */
async function claimLock(deps: ApiDeps, name: string, deploymentId: string): Promise<void> {
  const now = deps.clock.now();
  const lock = await deps.locks.acquire(name, deploymentId, now + LEASE_MARGIN_SECONDS * 1000, now);
  if (!lock.acquired)
    throw conflict(
      'DeploymentInProgress',
      `${name} is being deployed by ${lock.holder.deploymentId}; wait for it, or abort it, then roll back`,
    );
}

/**
 * What a rollback redeploys: only ever a release that was promoted. Without `to`, the newest
 * one promoted before the live release; with `to`, that release, refused (409, naming how it
 * ended) if it was not promoted: an aborted or rolled-back image never comes back this way.
 */
function rollbackTarget(
  name: string,
  history: readonly ReleaseView[],
  live: number,
  to: number | undefined,
): ReleaseView & { image: string } {
  const promoted = history.filter(
    (r): r is ReleaseView & { image: string } => r.outcome === 'promoted' && r.image !== null,
  );
  const choices = promoted.map((r) => r.release).join(', ') || 'none';
  if (to === undefined) {
    const earlier = promoted.find((r) => r.release < live);
    if (earlier === undefined)
      throw notFound(
        `${name} has no release promoted before the live one (${live > 0 ? `release ${live}` : 'not deployed by Cutover'}) to roll back to`,
      );
    return earlier;
  }
  const asked = history.filter((r) => r.release === to);
  const match = promoted.find((r) => r.release === to);
  if (match !== undefined) return match;
  if (asked.length === 0) throw notFound(`${name} has no release ${to}; releases promoted: ${choices}`);
  const how = asked.map((r) => `${outcomeWords(r.outcome)}${r.reason ? ` (${r.reason.message})` : ''}`);
  throw conflict(
    'NotPromoted',
    `release ${to} of ${name} ${how.join('; and ')}; roll back to a release that was promoted: ${choices}`,
  );
}

function outcomeWords(outcome: ReleaseView['outcome']): string {
  return outcome === 'running' ? 'is still running' : `was ${outcome.replace('-', ' ')}`;
}
