// /deployments: start one, look at one, act on one.

import { randomBytes } from 'node:crypto';
import * as z from '../domain/zod.js';
import { getService } from '../domain/catalog.js';
import { validateDeploymentRequest, type DeploymentSpec } from '../domain/deployment-request.js';
import { DeploymentRequestInvalid } from '../domain/errors.js';
import { requestExecutionName } from '../domain/execution-name.js';
import { stateMachineFor } from '../domain/strategy.js';
import { alarmNames } from '../domain/catalog-schema.js';
import { abort, approve, promote, type ActionTaken } from '../engine/operator.js';
import type { StateMachineName } from '../ports/executions.js';
import type { ApiDeps } from './deps.js';
import { conflict, notFound, unprocessable } from './errors.js';
import { givenReasonSchema, parseBody, reasonSchema, type ApiRequest, type ApiResponse } from './request.js';
import { startOf, trafficHistory } from './deployment-history.js';
import { deploymentView, executionView, type EarlyDeploymentView } from './views.js';
import { startVouched } from '../engine/start.js';
import { taskSetCounts } from './task-set-counts.js';

const deploySchema = z.strictObject({
  service: z.string().check(z.minLength(1), z.maxLength(40)),
  image: z.string().check(z.minLength(1), z.maxLength(1024)),
  strategy: z.optional(z.string().check(z.maxLength(40))),
  preset: z.optional(z.string().check(z.maxLength(60))),
  batchPercent: z.optional(z.int()),
  reason: reasonSchema,
  /** Deploy a new image although watched alarms fire (a fix-forward): why, for the ledger. */
  overrideAlarms: z.optional(z.strictObject({ reason: givenReasonSchema })),
});

const MACHINES: StateMachineName[] = ['blue-green', 'canary', 'rolling'];

/**
 * Starts a deployment. A rollback adds its trigger and target, and `beforeStart` (given the new
 * deployment's id once the request is valid and the service looked free) takes the service's
 * lock and records the operator's action before the execution can open the new release; it
 * throws to refuse.
 */
export async function startDeployment(
  deps: ApiDeps,
  request: ApiRequest,
  input: z.output<typeof deploySchema> & { trigger?: 'api' | 'rollback'; rollbackOf?: number },
  beforeStart?: (deploymentId: string) => Promise<void>,
  /** The lock's holder that `beforeStart` takes the lock over from (a rollback's handover). */
  takingOverFrom?: string,
): Promise<ApiResponse> {
  const { reason, ...rest } = input;
  const execution = {
    ...rest,
    trigger: input.trigger ?? 'api',
    actor: request.actor,
    ...(reason ? { reason } : {}),
  };
  let spec: DeploymentSpec;
  try {
    spec = validateDeploymentRequest(execution, deps.catalog, 'api-check');
  } catch (error) {
    if (error instanceof DeploymentRequestInvalid) {
      const unknownService = error.problems.some((p) => p.path === 'service');
      if (unknownService) throw notFound(error.problems.find((p) => p.path === 'service')!.message);
      throw unprocessable(error.message, error.problems);
    }
    throw error;
  }
  const holder = await deps.locks.holder(spec.service);
  if (holder !== null && holder.leaseUntil >= deps.clock.now() && holder.deploymentId !== takingOverFrom) {
    throw conflict(
      'DeploymentInProgress',
      `${spec.service} is being deployed by ${holder.deploymentId}; wait for it, or abort it`,
    );
  }
  const deploymentId = requestExecutionName(
    spec.service,
    spec.digest,
    deps.clock.now(),
    randomBytes(3).toString('hex'),
  );
  await beforeStart?.(deploymentId);
  await startVouched(deps, stateMachineFor(spec.plan.strategy), deploymentId, execution);
  return {
    status: 202,
    body: {
      deploymentId,
      service: spec.service,
      image: spec.image,
      strategy: spec.plan.strategy,
      status: 'starting',
      plan: spec.plan,
      links: { self: `/deployments/${deploymentId}` },
    },
  };
}

export async function createDeployment(deps: ApiDeps, request: ApiRequest): Promise<ApiResponse> {
  return startDeployment(deps, request, parseBody(request, deploySchema));
}

export async function getDeployment(deps: ApiDeps, _request: ApiRequest, id: string): Promise<ApiResponse> {
  const deployment = await deps.deployments.get(id);
  if (deployment !== null) {
    const entry = getService(deps.catalog, deployment.service);
    const [alarms, execution, records, capacities, queued] = await Promise.all([
      entry ? deps.alarms.states(alarmNames(entry)) : Promise.resolve({}),
      deps.executions.describe(stateMachineFor(deployment.strategy), id),
      deps.ledger.listBack(deployment.service, (stored) => startOf(stored, id)),
      deployment.status === 'running' && entry
        ? taskSetCounts(deps, entry, deployment)
        : Promise.resolve(null),
      deps.locks.queued(deployment.service),
    ]);
    const traffic = trafficHistory(deployment, records.reverse());
    const now = deps.clock.now();
    const reads = { now, alarms, execution, traffic, speed: deps.clock.speed, capacities, queued };
    return { status: 200, body: deploymentView(deployment, entry, reads) };
  }
  // No record yet: the execution may be starting, or it ended before it took the lock.
  for (const machine of MACHINES) {
    const execution = await deps.executions.describe(machine, id);
    if (execution === null) continue;
    const status = execution.status === 'RUNNING' ? 'starting' : 'refused';
    const body = {
      deploymentId: id,
      status,
      execution: executionView(execution),
    } satisfies EarlyDeploymentView;
    return { status: 200, body };
  }
  throw notFound(`no deployment ${id}`);
}

const actionSchema = z.strictObject({ reason: reasonSchema });
const promoteSchema = z.strictObject({ reason: reasonSchema, full: z._default(z.boolean(), false) });

export async function act(
  deps: ApiDeps,
  request: ApiRequest,
  id: string,
  action: string,
): Promise<ApiResponse> {
  if (action === 'promote') {
    const { reason, full } = parseBody(request, promoteSchema);
    return taken(await promote(deps, id, { actor: request.actor, reason, full }));
  }
  const { reason } = parseBody(request, actionSchema);
  const operator = { actor: request.actor, reason };
  return taken(action === 'approve' ? await approve(deps, id, operator) : await abort(deps, id, operator));
}

/** A 2xx says what was done: the action, and its effect in words. */
function taken(done: ActionTaken): ApiResponse {
  return { status: 200, body: { accepted: true, ...done } };
}
