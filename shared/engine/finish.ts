// The last step of every path: free the service, then start the push that waited
// for it, if one did (the newest push wins; older ones were dropped as they came).

import { queuedExecutionName } from '../domain/execution-name.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import { stateMachineFor } from '../domain/strategy.js';
import type { EngineDeps } from './deps.js';

export async function releaseLock(
  deps: Pick<EngineDeps, 'locks' | 'executions'>,
  spec: DeploymentSpec,
): Promise<{ released: true; queued: string | null }> {
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
  await deps.executions.start(stateMachineFor(spec.settings.strategy), name, queued.input);
  await deps.locks.dequeue(spec.service, queued.pushedAt);
  return { released: true, queued: name };
}
