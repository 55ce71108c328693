// The last step of every path: keep the ledger's head outside DynamoDB (the release has
// ended: its last record is an anchor now), free the service, then start the push that
// waited for it, if one did (the newest push wins; older ones were dropped as they came).

import { queuedExecutionName } from '../domain/execution-name.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import { stateMachineFor } from '../domain/strategy.js';
import type { EngineDeps } from './deps.js';
import { startVouched } from './start.js';

export async function releaseLock(
  deps: Pick<EngineDeps, 'locks' | 'executions' | 'vouchers' | 'ledger' | 'anchors'>,
  spec: DeploymentSpec,
): Promise<{ released: true; queued: string | null }> {
  // Before the lock is freed, so no other deployment appends in between (a retry anchors again).
  const head = await deps.ledger.head(spec.service);
  if (head !== null) await deps.anchors.put(head);
  await deps.locks.release(spec.service, spec.deploymentId);
  // Held by another deployment (a rollback this one handed its termination wait to): the push
  // waits for that one, whose own ReleaseLock starts it. Started now, it would only queue again.
  const holder = await deps.locks.holder(spec.service);
  if (holder !== null && holder.deploymentId !== spec.deploymentId) return { released: true, queued: null };
  const queued = await deps.locks.queued(spec.service);
  if (queued === null) return { released: true, queued: null };
  const digest = queued.image.slice(queued.image.indexOf('@') + 1);
  const name = queuedExecutionName(queued.service, digest, queued.pushedAt);
  // Start, then dequeue: a retry after a failure in between finds the execution already started.
  await startVouched(deps, stateMachineFor(spec.settings.strategy), name, queued.input);
  await deps.locks.dequeue(spec.service, queued.pushedAt);
  return { released: true, queued: name };
}
