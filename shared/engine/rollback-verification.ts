// After a rollback: the hooks the catalog marks `afterRollback` (function hooks) are called once
// each, in CodeDeploy's order, with the deployment's event and `afterRollback: true`, to check
// that production is well again on the stable release. Each outcome is kept with the
// deployment's hook results, and a failure is published as a `Rollback Verification Failed`
// event. Nothing here blocks or undoes the rollback: its Task's errors go on to release the lock.

import { HOOK_NAMES } from '../domain/catalog-schema.js';
import type { HookOutcome } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import { cut } from '../domain/hook-verdict.js';
import { TransientError } from '../aws/errors.js';
import type { HookResult } from '../ports/hooks.js';
import type { EngineDeps } from './deps.js';

type Deps = Pick<EngineDeps, 'clock' | 'deployments' | 'hooks' | 'events'>;

/** Calls each hook to call after this rollback that has not been called yet; returns the hooks that failed. */
export async function verifyRollback(deps: Deps, spec: DeploymentSpec): Promise<{ failed: string[] }> {
  const failed: string[] = [];
  for (const hook of HOOK_NAMES) {
    const target = spec.settings.hooks[hook];
    if (typeof target !== 'object' || !('function' in target) || target.afterRollback !== true) continue;
    const deployment = await deps.deployments.get(spec.deploymentId);
    if (deployment === null) break;
    // A retried Task finds the hooks its first try called: each is called once.
    if ((deployment.hookResults ?? []).some((r) => r.hook === hook && r.afterRollback === true)) continue;
    const verdict = await call(deps, target.function, {
      deploymentId: deployment.deploymentId,
      service: deployment.service,
      hook,
      image: deployment.image,
      afterRollback: true,
    });
    const outcome: HookOutcome = {
      hook,
      status: verdict.status,
      calls: 1,
      endedAt: deps.clock.now(),
      afterRollback: true,
      ...(verdict.message === undefined ? {} : { message: verdict.message }),
    };
    await deps.deployments.update(deployment.deploymentId, {
      hookResults: [...(deployment.hookResults ?? []), outcome],
    });
    if (verdict.status === 'Failed') {
      failed.push(hook);
      await deps.events.publish({
        detailType: 'Rollback Verification Failed',
        detail: {
          deploymentId: deployment.deploymentId,
          service: deployment.service,
          release: deployment.release,
          hook,
          function: target.function,
          message: verdict.message,
        },
      });
    }
  }
  return { failed };
}

/** The hook's verdict on the rollback: it passes or fails in one call. */
async function call(
  deps: Deps,
  fn: string,
  event: Parameters<Deps['hooks']['run']>[1],
): Promise<{ status: 'Succeeded'; message?: string | undefined } | { status: 'Failed'; message: string }> {
  let result: HookResult;
  try {
    result = await deps.hooks.run(fn, event);
  } catch (error) {
    // AWS throttling or an outage: the Task retries it. Anything else is this check's failure.
    if (error instanceof TransientError) throw error;
    const { name, message } = error instanceof Error ? error : new Error(String(error));
    return { status: 'Failed', message: cut(`could not run: ${name}: ${message}`) };
  }
  if (result.status === 'InProgress')
    return {
      status: 'Failed',
      message: 'answered IN_PROGRESS: a rollback is checked in one call, which must pass or fail',
    };
  return result;
}
