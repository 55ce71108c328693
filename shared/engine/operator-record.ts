// Recording what a person did to a running deployment, by the deployment itself. The API
// only delivers an action (answers a wait's token, or sets a flag the next step reads); the
// steps that act on it write its OperatorAction record. So an action is in the ledger exactly
// when it took effect, however the API or a step crashes in between:
//   - approve and promote answer a wait's token with the request as the token's output, which
//     the state machine keeps under `$.progress.resumed*` for the next recording step;
//   - `promote --full` with no wait to end leaves its request on the deployment record;
//   - abort is recorded by the rollback it causes, once a step has taken it (`takeAbort`).
// Each request has an id, so a step that runs again finds it recorded and adds nothing.

import * as z from '../domain/zod.js';
import type { Deployment, OperatorRequest } from '../domain/deployment.js';
import type { Clock } from '../ports/clock.js';
import type { Deployments } from '../ports/deployments.js';
import type { EngineDeps } from './deps.js';
import { appendOnce } from './ledger-append.js';

type Deps = Pick<EngineDeps, 'deployments' | 'ledger' | 'serviceStates' | 'clock' | 'signer'>;

export const OPERATOR_ACTIONS = ['approve', 'promote', 'promote-full', 'abort', 'rollback'] as const;
export type OperatorActionName = (typeof OPERATOR_ACTIONS)[number];

/** A request as a wait's token output carries it. */
export interface DeliveredAction extends OperatorRequest {
  action: OperatorActionName;
}

const delivered = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  action: z.enum(OPERATOR_ACTIONS),
  actor: z.string().check(z.minLength(1)),
  reason: z.optional(z.string()),
});
/** A wait's token output: an operator's request, or (a bake that ended itself) anything else. */
const resumed = z.nullish(z.looseObject({ operatorAction: z.optional(delivered) }));

/** Where the state machines keep each wait's token output (the waits' ResultPath). */
export const resumedProgress = z.looseObject({
  resumedApproval: resumed,
  resumedDecision: resumed,
  resumedBake: resumed,
  resumedFinalBake: resumed,
});
export type ResumedProgress = z.output<typeof resumedProgress>;

/** The token output an operator's answer carries, for the state machine to keep. */
export function tokenOutput(request: DeliveredAction): { operatorAction: DeliveredAction } {
  return { operatorAction: request };
}

/**
 * Records, once each, the operator requests this step acts on: the ones the waits' tokens
 * delivered, a `promote --full` left on the record, and (with `abort`) an abort a step took.
 */
export async function recordOperatorActions(
  deps: Deps,
  deployment: Deployment,
  progress: ResumedProgress | undefined,
  { abort = false }: { abort?: boolean } = {},
): Promise<void> {
  const requests: DeliveredAction[] = [];
  for (const key of ['resumedApproval', 'resumedDecision', 'resumedBake', 'resumedFinalBake'] as const) {
    const action = progress?.[key]?.operatorAction;
    if (action !== undefined) requests.push(action);
  }
  if (deployment.promoteFullRequest !== undefined)
    requests.push({ ...deployment.promoteFullRequest, action: 'promote-full' });
  if (abort && deployment.abortRequested !== undefined && deployment.abortId !== undefined) {
    if (await takeAbort(deps, deployment)) {
      requests.push({ ...deployment.abortRequested, id: deployment.abortId, action: 'abort' });
    }
  }
  if (requests.length === 0) return;
  const recorded = await recordedRequestIds(deps, deployment.service, deployment.deploymentId);
  for (const request of requests) {
    if (recorded.has(request.id)) continue;
    await appendRequest(deps, deployment, request);
    recorded.add(request.id);
  }
}

/** Appends one request's OperatorAction (a rollback's also names the release it brings back). */
export async function appendRequest(
  deps: Deps,
  deployment: Pick<Deployment, 'service' | 'deploymentId' | 'release'>,
  request: DeliveredAction & { target?: number | undefined; breakGlass?: true | undefined },
): Promise<void> {
  await appendOnce(deps, {
    service: deployment.service,
    type: 'OperatorAction',
    deploymentId: deployment.deploymentId,
    release: deployment.release,
    actor: request.actor,
    detail: {
      action: request.action,
      ...(request.reason ? { reason: request.reason } : {}),
      ...(request.target === undefined ? {} : { target: request.target }),
      ...(request.breakGlass ? { breakGlass: true as const } : {}),
      id: request.id,
    },
  });
}

/**
 * Marks the deployment's abort as taken: a step is acting on it, so it took effect and the API
 * can no longer withdraw it (as it does when the wait it tried to fail had already ended).
 * False when the request was withdrawn first: then it had no effect, and nothing acts on it.
 */
export async function takeAbort(
  deps: { deployments: Deployments; clock: Clock },
  deployment: Deployment,
): Promise<boolean> {
  if (deployment.abortId === undefined) return false;
  const taken = await deps.deployments.updateIf(
    deployment.deploymentId,
    { abortTakenAt: deployment.abortTakenAt ?? deps.clock.now() },
    { abortId: deployment.abortId },
  );
  return taken !== null;
}

/**
 * The ids of the requests recorded for this deployment. Reads back only to the newest
 * ReleaseStarted: while a deployment holds the lock no other one starts, so its records are
 * after it (a rollback's own request, written just before its ReleaseStarted, is found
 * before that ReleaseStarted is written, which is the only time it is looked for).
 */
export async function recordedRequestIds(
  deps: Pick<Deps, 'ledger'>,
  service: string,
  deploymentId: string,
): Promise<Set<string>> {
  const isStart = (stored: unknown) => (stored as { type?: unknown } | null)?.type === 'ReleaseStarted';
  const ids = new Set<string>();
  for (const stored of await deps.ledger.listBack(service, isStart)) {
    const record = stored as { type?: unknown; deploymentId?: unknown; detail?: { id?: unknown } } | null;
    if (record?.type !== 'OperatorAction' || record.deploymentId !== deploymentId) continue;
    if (typeof record.detail?.id === 'string') ids.add(record.detail.id);
  }
  return ids;
}

/** For a step's edge: records the requests for `deploymentId` before the step acts (see above). */
export async function recordRequestsFor(
  deps: Deps,
  deploymentId: string,
  progress: ResumedProgress | undefined,
  options: { abort?: boolean } = {},
): Promise<void> {
  const deployment = await deps.deployments.get(deploymentId);
  if (deployment !== null) await recordOperatorActions(deps, deployment, progress, options);
}
