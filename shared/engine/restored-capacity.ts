// Rolling rollback: the stable task set, scaled back to full size, must be carrying
// production before the new task set goes. Both share one target group, so until the
// stable set's new tasks run and pass the load balancer's health checks, the new set's
// tasks are the only healthy targets; deleting them then leaves production with none
// (the load balancer answers 502 or 503).
//
// Design: a short, bounded poll inside the RollBack step, and if the stable set is still
// not ready when it ends, the retryable TransientError. The state machine's Retry then
// runs the whole rollback again, which is safe because each part of it is idempotent, and
// the new task set keeps serving in the meantime. Waiting within one step keeps the
// state machines unchanged (a rollback is one Task in every one of them); bounding it
// keeps the step well inside its Lambda timeout; retrying, rather than removing the new
// set anyway, never trades a slow rollback for an outage. If the stable set never becomes
// ready, the retries run out, the execution fails with the new set still running, and an
// operator (or orphan recovery, on its next sweep) takes it from there.

import { TransientError } from '../aws/errors.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { TaskSetCapacity } from '../ports/ecs.js';
import type { EngineDeps } from './deps.js';
import { ecsServiceOf } from './task-set.js';

/** How long one rollback attempt waits for the stable set, on the deps' clock (Lambda timeout: 120 s). */
export const RESTORE_WAIT_SECONDS = 60;
/** How often it looks while it waits. */
export const RESTORE_POLL_SECONDS = 5;

type Deps = Pick<EngineDeps, 'clock' | 'taskSets'>;

/**
 * Whether a task set can carry production on its own: every task ECS wants is running and
 * ECS reports steady state (for a task set behind a load balancer, its targets are
 * healthy). One that ECS wants no tasks of carries nothing, so it has nothing to wait for.
 */
export function carriesProduction(health: TaskSetCapacity): boolean {
  if (health.desired === 0) return true;
  return health.steady && health.running >= health.desired && health.pending === 0;
}

/**
 * Resolves once the task set carries production; throws TransientError (which the
 * state machine retries) if it does not within RESTORE_WAIT_SECONDS.
 */
export async function awaitRestoredCapacity(
  deps: Deps,
  spec: DeploymentSpec,
  taskSetId: string,
): Promise<void> {
  const service = ecsServiceOf(spec);
  const { clock } = deps;
  const started = clock.now();
  // A clock that cannot wait gets one look: then the state machine's Retry is the wait.
  const deadline = started + RESTORE_WAIT_SECONDS * 1000;
  for (;;) {
    const health = await deps.taskSets.capacity(service, taskSetId);
    if (carriesProduction(health)) return;
    if (clock.sleep === undefined || clock.now() >= deadline) {
      const waited = Math.round((clock.now() - started) / 1000);
      const counts = `running ${health.running} of ${health.desired}, ${health.pending} pending`;
      const steady = health.steady ? 'steady' : 'not yet steady';
      throw new TransientError(
        `the stable task set ${taskSetId} is not ready to carry production after ${waited} s ` +
          `(${counts}, ${steady}); the new task set keeps serving until it is, and the rollback is retried`,
      );
    }
    await clock.sleep(RESTORE_POLL_SECONDS * 1000);
  }
}
