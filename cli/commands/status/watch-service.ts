// `status <service> --watch`: follow the deployment a push just started, wherever it is.
// ECR's event reaches Cutover asynchronously, so right after a push the service may show
// nothing in progress yet; and a faulty image can be rolled back before the command starts.
// So: follow the deployment in progress; with none, wait (bounded) for one to appear; if
// none does, the newest deployment that ended within that bound before the command began
// is the one the user is after. A push that waited for the lock is followed in its turn.

import type { Output } from '../../output.js';
import { jsonText } from '../../printable.js';
import { segment, type ApiClient } from '../../api-client.js';
import { exitCodeOf, follow, type FollowOptions } from '../../follow.js';
import { printService } from '../../render/service.js';
import type { ServiceView } from '../../../shared/api/views.js';

export interface ServiceWatchOptions extends Omit<FollowOptions, 'first'> {
  /** How long to wait for a deployment to appear, in ms. */
  startWaitMs: number;
}

export function getService(client: ApiClient, name: string): Promise<ServiceView> {
  return client.get<ServiceView>(`/services/${segment(name)}`);
}

/** Follows the service's deployments as described above; returns the exit code of the last one. */
export async function watchService(
  client: ApiClient,
  first: ServiceView,
  output: Output,
  options: ServiceWatchOptions,
): Promise<number> {
  const seen = new Set(first.recentDeployments.map((d) => d.deploymentId));
  const done = new Set<string>();
  let service = first;
  let deadline = Date.now() + options.startWaitMs;
  let followed: number | null = null;
  let announced = false;
  for (;;) {
    const running = service.deployment?.deploymentId;
    // Each deployment is followed once: one whose record still says running after its execution
    // ended is not followed again.
    const fresh = running !== undefined && !done.has(running) ? running : newDeployment(service, seen);
    if (fresh !== undefined) {
      const view = await follow(client, fresh, output, options);
      seen.add(fresh);
      done.add(fresh);
      followed = exitCodeOf(view);
      // A push that waited for this deployment starts when it ends: follow that one too.
      if (!('queued' in view) || !view.queued) return followed;
      deadline = Date.now() + options.startWaitMs;
    } else if (Date.now() >= deadline) {
      return followed ?? ended(client, first, output, options);
    } else if (!announced && followed === null && options.mode !== 'json' && options.mode !== 'quiet') {
      output.err(
        `waiting up to ${Number((options.startWaitMs / 1000).toFixed(1))}s for a deployment of ${first.name} to start`,
      );
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
    service = await getService(client, first.name);
  }
}

/** A deployment of the service that was not in the list when the watch began. */
function newDeployment(service: ServiceView, seen: ReadonlySet<string>): string | undefined {
  return service.recentDeployments.find((d) => !seen.has(d.deploymentId))?.deploymentId;
}

/**
 * Nothing started while the watch waited: the newest deployment, if it ended within the wait's
 * bound before the watch began (a push whose deployment ended in seconds), else the service.
 */
async function ended(
  client: ApiClient,
  first: ServiceView,
  output: Output,
  options: ServiceWatchOptions,
): Promise<number> {
  const newest = first.recentDeployments[0];
  const ago = newest?.endedSecondsAgo ?? null;
  if (newest !== undefined && ago !== null && ago * 1000 <= options.startWaitMs) {
    return exitCodeOf(await follow(client, newest.deploymentId, output, options));
  }
  if (options.mode === 'json') output.out(jsonText(await getService(client, first.name)));
  else if (options.mode !== 'quiet') printService(output, await getService(client, first.name));
  return 0;
}
