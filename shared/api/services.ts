// /services: the release history, its verification, drift, and rollback. What a service
// runs (GET /services, GET /services/{name}) is service-view.ts.

import * as z from '../domain/zod.js';
import type { LedgerRecord } from '../domain/ledger.js';
import { verifiedRecords, verifyChain } from '../engine/ledger-verified.js';
import { abort } from '../engine/operator.js';
import { LEASE_MARGIN_SECONDS } from '../engine/progress.js';
import { detectDrift } from '../engine/drift.js';
import type { ApiDeps } from './deps.js';
import { badRequest, conflict, notFound } from './errors.js';
import { entryOf } from './service-view.js';
import { parseBody, reasonSchema, type ApiRequest, type ApiResponse } from './request.js';
import { startDeployment } from './deployments.js';
import { giveBack, handoverEffect, handoverFrom, takeOver } from './rollback-handover.js';
import { releasesView, type ReleaseView } from './releases-view.js';

export { getServiceView, listServices } from './service-view.js';

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
  to: z.optional(z.int().check(z.gte(1))),
  reason: reasonSchema,
  /** Redeploy this image although the ledger does not verify; why is required (docs/api.md). */
  breakGlass: z.optional(
    z.strictObject({
      image: z.string().check(z.minLength(1), z.maxLength(1024)),
      reason: z.string().check(z.trim(), z.minLength(1), z.maxLength(1000)),
    }),
  ),
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
