// The first steps after validation: take the service's lock, find the release now
// serving production (what rollback returns to), and open the new release in the
// deployment record and the ledger. Safe to run twice for the same deployment.

import type { Deployment, StableRelease } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import { DeploymentRequestInvalid } from '../domain/errors.js';
import { claimedActor } from '../domain/deployment-request.js';
import { promotedRelease } from './alarms.js';
import { appendOnce } from './ledger-append.js';
import { appendRequest, recordedRequestIds } from './operator-record.js';
import { LEASE_MARGIN_SECONDS } from './progress.js';
import { FIRST_HEALTH, type HealthProgress } from './task-set.js';
import { DeploymentInProgress, DeploymentQueued, NoStableRelease, StalePush } from './errors.js';

type BeginDeps = Pick<
  EngineDeps,
  | 'clock'
  | 'locks'
  | 'deployments'
  | 'taskSets'
  | 'taskDefinitions'
  | 'serviceStates'
  | 'ledger'
  | 'ledgerKeys'
  | 'signer'
  | 'events'
  | 'vouchers'
>;

/** Initial loop state for the state machine, kept under `$.progress`. */
export interface Progress {
  release: number;
  cursor: { index: number; weight: number; bakeSeconds: number; done: boolean };
  health: HealthProgress;
}

export async function beginDeployment(deps: BeginDeps, claimed: DeploymentSpec): Promise<Progress> {
  const spec = await vouchedSpec(deps, claimed);
  const now = deps.clock.now();
  const lock = await deps.locks.acquire(
    spec.service,
    spec.deploymentId,
    now + LEASE_MARGIN_SECONDS * 1000,
    now,
  );
  if (!lock.acquired) return refuse(deps, spec, lock.holder.deploymentId);

  // A retry of this step after the record was written: the ledger append or the event that
  // followed may not have happened, so finish them rather than return early.
  const existing = await deps.deployments.get(spec.deploymentId);
  if (existing !== null) return announce(deps, spec, existing);
  let deployment: Deployment;
  try {
    const stable = await findStable(deps, spec);
    const pushedAt = pushTime(spec);
    if (pushedAt !== undefined && stable.pushedAt !== undefined && pushedAt < stable.pushedAt) {
      throw new StalePush(
        `${spec.image} was pushed before the live release ${stable.release} (${new Date(stable.pushedAt).toISOString()}); ` +
          'an older image never replaces a newer one. Deploy it explicitly (cutover deploy) if you mean to',
      );
    }
    await refuseUnpromotedRollback(deps, spec);
    const release = await nextRelease(deps, spec.service, spec.deploymentId, stable.release);
    deployment = newDeployment(spec, stable, release, now);
    // Two deliveries of this step both past the read above: the second finds the first's record.
    if (!(await deps.deployments.create(deployment)))
      deployment = (await deps.deployments.get(spec.deploymentId))!;
  } catch (error) {
    // Nothing was changed in AWS yet, and no record written: free the service rather than leave it locked.
    await deps.locks.release(spec.service, spec.deploymentId);
    throw error;
  }
  // From here on the record exists: a failure is retried and finishes these writes (above).
  return announce(deps, spec, deployment);
}

/**
 * The writes that follow the record: ReleaseStarted in the ledger (once, however often this
 * runs) and the Deployment Started event (at least once, as every event is).
 */
async function announce(deps: BeginDeps, spec: DeploymentSpec, deployment: Deployment): Promise<Progress> {
  if (!(await releaseStartedRecorded(deps, spec))) {
    if (spec.trigger === 'rollback') await recordRollbackRequest(deps, spec, deployment);
    await appendOnce(deps, {
      service: spec.service,
      type: 'ReleaseStarted',
      deploymentId: spec.deploymentId,
      release: deployment.release,
      actor: spec.actor,
      detail: {
        image: spec.image,
        strategy: spec.plan.strategy,
        trigger: spec.trigger,
        ...(spec.rollbackOf === undefined ? {} : { rollbackOf: spec.rollbackOf }),
        ...(spec.tag === undefined ? {} : { tag: spec.tag }),
      },
    });
  }
  await deps.events.publish({
    detailType: 'Deployment Started',
    detail: {
      deploymentId: spec.deploymentId,
      service: spec.service,
      release: deployment.release,
      image: spec.image,
      strategy: spec.plan.strategy,
      trigger: spec.trigger,
      actor: spec.actor,
      stable: { release: deployment.stable.release, image: deployment.stable.image },
    },
  });
  return progressOf(deployment);
}

/**
 * The spec with its actor as far as it can be trusted. An execution that none of Cutover's
 * starters vouched for (with this trigger and actor) was started by hand, whatever its input
 * says: its actor is recorded as the claim it is, `console:<actor>` (deployment-request.ts).
 */
async function vouchedSpec(deps: BeginDeps, spec: DeploymentSpec): Promise<DeploymentSpec> {
  if (spec.trigger === 'console') return spec;
  const voucher = await deps.vouchers.get(spec.deploymentId);
  if (voucher !== null && voucher.trigger === spec.trigger && voucher.actor === spec.actor) return spec;
  return { ...spec, actor: claimedActor(spec.actor) };
}

/**
 * A rollback is a person's request: recorded here, by the deployment it started, just before
 * its ReleaseStarted. So it is in the ledger exactly when the rollback runs: a request whose
 * execution never started (or was refused above) leaves no record, and one whose API call
 * stopped after starting it is recorded all the same.
 */
async function recordRollbackRequest(
  deps: BeginDeps,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<void> {
  const id = `${spec.deploymentId}/rollback`;
  if ((await recordedRequestIds(deps, spec.service, spec.deploymentId)).has(id)) return;
  await appendRequest(deps, deployment, {
    id,
    action: 'rollback',
    actor: spec.actor,
    reason: spec.breakGlass?.reason ?? spec.reason,
    target: spec.rollbackOf,
    ...(spec.breakGlass ? { breakGlass: true as const } : {}),
  });
}

/**
 * Whether this deployment's ReleaseStarted is in the ledger, though other records (an
 * operator's) may have been appended after it. Looks back only to the newest ReleaseStarted:
 * while this deployment holds the lock, no other deployment starts after it.
 */
async function releaseStartedRecorded(deps: BeginDeps, spec: DeploymentSpec): Promise<boolean> {
  const isStart = (stored: unknown) => (stored as { type?: unknown } | null)?.type === 'ReleaseStarted';
  const newest = (await deps.ledger.listBack(spec.service, isStart)).at(-1) as
    { type?: unknown; deploymentId?: unknown } | undefined;
  return newest !== undefined && isStart(newest) && newest.deploymentId === spec.deploymentId;
}

/**
 * A rollback skips approval and analysis, so it may only bring back an image the ledger shows
 * was promoted. The API picks such an image itself; this holds the same for an execution
 * started by hand (the console, `aws stepfunctions start-execution`), whose input anyone
 * allowed to start it may write.
 */
async function refuseUnpromotedRollback(deps: BeginDeps, spec: DeploymentSpec): Promise<void> {
  // Break glass: the operator names the image because the ledger cannot be trusted; recorded.
  if (spec.trigger !== 'rollback' || spec.breakGlass !== undefined) return;
  if ((await promotedRelease(deps, spec)) !== undefined) return;
  throw new DeploymentRequestInvalid([
    {
      path: 'trigger',
      message:
        `a rollback brings back a release that was promoted, and the ledger of ${spec.service} shows no promotion ` +
        `of ${spec.image}; nothing was deployed. Deploy it as a new release (without "trigger": "rollback") ` +
        `so it passes the catalog's gates, or roll back to a promoted release (cutover releases ${spec.service})`,
    },
  ]);
}

/**
 * A number no other deployment of the service has had or will have: taken from a counter in
 * one conditional write, so concurrent starts and retried steps never share one. The first
 * time (a service whose releases predate the counter), the counter starts after the highest
 * release the ledger or the live release knows.
 */
async function nextRelease(
  deps: BeginDeps,
  service: string,
  deploymentId: string,
  liveRelease: number,
): Promise<number> {
  const { lastRelease } = await deps.serviceStates.get(service);
  const floor = lastRelease !== undefined ? 0 : Math.max(liveRelease, await highestRelease(deps, service));
  return deps.serviceStates.allocateRelease(service, deploymentId, floor);
}

async function highestRelease(deps: BeginDeps, service: string): Promise<number> {
  let highest = 0;
  for (const stored of await deps.ledger.list(service)) {
    const release = (stored as { release?: unknown } | null)?.release;
    if (typeof release === 'number' && Number.isSafeInteger(release)) highest = Math.max(highest, release);
  }
  return highest;
}

/** When a push's image was pushed; undefined for other triggers. */
function pushTime(spec: DeploymentSpec): number | undefined {
  return spec.trigger === 'push' && spec.pushedAt !== undefined ? Date.parse(spec.pushedAt) : undefined;
}

async function refuse(deps: BeginDeps, spec: DeploymentSpec, holder: string): Promise<never> {
  if (spec.trigger === 'push') {
    const pushedAt = pushTime(spec) ?? deps.clock.now();
    const running = await deps.deployments.get(holder);
    // One build pushed under two tags sends two events at once: both can pass on-image-push
    // before either holds the lock. The second must not wait to deploy the same image again.
    if (running !== null && running.image.endsWith(`@${spec.digest}`)) {
      throw new StalePush(
        `${spec.service} is deploying this image already (${holder}); this push is dropped`,
      );
    }
    if (running?.pushedAt !== undefined && running.pushedAt > pushedAt) {
      throw new StalePush(
        `${spec.service} is deploying a newer push (${holder}); this older push is dropped`,
      );
    }
    const kept = await deps.locks.queue({
      service: spec.service,
      image: spec.image,
      pushedAt,
      input: {
        service: spec.service,
        image: spec.image,
        trigger: 'push',
        actor: spec.actor,
        ...(spec.pushedAt === undefined ? {} : { pushedAt: spec.pushedAt }),
      },
    });
    throw new DeploymentQueued(
      kept
        ? `${spec.service} is busy with deployment ${holder}; this push waits and starts when it finishes (a newer push replaces it)`
        : `${spec.service} is busy with deployment ${holder}, and a newer push is already waiting; this push is dropped`,
    );
  }
  throw new DeploymentInProgress(
    `${spec.service} is being deployed by ${holder}; wait for it to finish, or abort it, then try again`,
  );
}

async function findStable(deps: BeginDeps, spec: DeploymentSpec): Promise<StableRelease> {
  const { ecs, traffic } = spec.settings;
  const sets = await deps.taskSets.list({ cluster: ecs.cluster, service: ecs.service });
  const primary = sets.find((s) => s.status === 'PRIMARY');
  const where = `ECS service ${ecs.cluster}/${ecs.service}`;
  if (primary === undefined) {
    throw new NoStableRelease(
      `${where} has no PRIMARY task set. Cutover replaces a running release: create the service with the ` +
        'EXTERNAL deployment controller and one task set behind one of its target groups first',
    );
  }
  if (primary.targetGroupArn === undefined || !traffic.targetGroups.includes(primary.targetGroupArn)) {
    throw new NoStableRelease(
      `the primary task set of ${where} is behind ${primary.targetGroupArn ?? 'no target group'}, ` +
        `which is not one of the catalog's targetGroups for ${spec.service}`,
    );
  }
  const definition = await deps.taskDefinitions.describe(primary.taskDefinitionArn);
  const image = definition.images[ecs.container];
  if (image === undefined) {
    throw new NoStableRelease(
      `${primary.taskDefinitionArn} has no container "${ecs.container}"; containers: ${Object.keys(definition.images).join(', ')}`,
    );
  }
  const known = (await deps.serviceStates.get(spec.service)).stable;
  const same = known?.taskSetId === primary.id;
  return {
    release: same ? known.release : 0,
    image,
    taskSetId: primary.id,
    taskDefinitionArn: primary.taskDefinitionArn,
    targetGroupArn: primary.targetGroupArn,
    ...(same && known.pushedAt !== undefined ? { pushedAt: known.pushedAt } : {}),
  };
}

function newDeployment(
  spec: DeploymentSpec,
  stable: StableRelease,
  release: number,
  now: number,
): Deployment {
  const [blue, green] = spec.settings.traffic.targetGroups;
  const candidateGroup =
    spec.plan.strategy === 'rolling' ? stable.targetGroupArn : stable.targetGroupArn === blue ? green : blue;
  return {
    deploymentId: spec.deploymentId,
    service: spec.service,
    release,
    image: spec.image,
    strategy: spec.plan.strategy,
    trigger: spec.trigger,
    actor: spec.actor,
    ...(pushTime(spec) === undefined ? {} : { pushedAt: pushTime(spec) }),
    status: 'running',
    phase: 'started',
    startedAt: now,
    updatedAt: now,
    stable,
    candidate: { targetGroupArn: candidateGroup },
    plan: spec.plan.steps,
    weights: { stable: 100, candidate: 0 },
  };
}

function progressOf(deployment: Deployment): Progress {
  return {
    release: deployment.release,
    cursor: { index: -1, weight: deployment.weights.candidate, bakeSeconds: 0, done: false },
    health: FIRST_HEALTH,
  };
}
