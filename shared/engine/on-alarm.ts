// An alarm went to ALARM: fail the bake token of every running deployment that
// watches it, so its state machine rolls back at once. Safe to run twice: a token
// already answered or expired is "gone", and a stale watch (a bake that ended) is skipped.

import type { EngineDeps } from './deps.js';
import { noteReason } from './progress.js';

export interface AlarmFiredResult {
  alarmName: string;
  failed: string[];
  skipped: string[];
}

export async function failBakesWatching(
  deps: Pick<EngineDeps, 'watchers' | 'tokens' | 'deployments'>,
  alarmName: string,
  why?: string,
): Promise<AlarmFiredResult> {
  const result: AlarmFiredResult = { alarmName, failed: [], skipped: [] };
  for (const watcher of await deps.watchers.watchersOf(alarmName)) {
    const deployment = await deps.deployments.get(watcher.deploymentId);
    if (deployment === null || deployment.status !== 'running' || deployment.bake?.token !== watcher.token) {
      result.skipped.push(watcher.deploymentId);
      continue;
    }
    const message = `alarm ${alarmName} went to ALARM during the bake${why ? `: ${why}` : ''}`;
    await noteReason(deps, deployment, { kind: 'alarm', alarmName, message });
    const outcome = await deps.tokens.fail(watcher.token, 'AlarmFired', message);
    (outcome === 'delivered' ? result.failed : result.skipped).push(watcher.deploymentId);
  }
  return result;
}
