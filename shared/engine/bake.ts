// The event-driven bake. A bake is a task-token wait whose timeout is the bake
// time: the step below stores the token where alarm events can find it, then
// checks the alarms once. An alarm that goes to ALARM later fails the token at
// once (on-alarm), so rollback starts within seconds and a bake costs no polling.
// If nothing fails the token, the wait times out: the bake passed.

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import { gatingAlarms } from './alarms.js';
import { AlarmFired } from './errors.js';
import { advance, loadDeployment, noteReason } from './progress.js';

/** Watch items outlive their bake by this much before DynamoDB's TTL removes them. */
const WATCH_TTL_SLACK_SECONDS = 3600;

type Deps = Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'watchers' | 'alarms' | 'tokens'>;

export async function startBake(
  deps: Deps,
  spec: DeploymentSpec,
  token: string,
  bakeSeconds: number,
  final: boolean,
): Promise<void> {
  let deployment = await loadDeployment(deps, spec.deploymentId);
  if (deployment.promoteFull) {
    // `promote --full` skips every remaining bake: this one ends as soon as it starts.
    await deps.tokens.succeed(token, { skipped: 'promote --full' });
    return;
  }
  // Alarms the deployment started despite (a rollback's, an override's) are not watched.
  const alarms = gatingAlarms(spec, deployment);
  const now = deps.clock.now();
  const endsAt = now + bakeSeconds * 1000;
  deployment = await advance(deps, deployment, final ? 'final bake' : 'bake', bakeSeconds, {
    bake: { token, startedAt: now, endsAt, alarms },
  });
  if (alarms.length === 0) return;
  const watchers = alarms.map((alarmName) => ({
    alarmName,
    deploymentId: spec.deploymentId,
    service: spec.service,
    token,
  }));
  await deps.watchers.watch(watchers, Math.ceil(endsAt / 1000) + WATCH_TTL_SLACK_SECONDS);
  // Checked after the token is stored: an alarm that fired just before is seen here,
  // and one that fires just after finds the token. No state change is missed.
  const firing = await deps.alarms.firing(alarms);
  if (firing.length > 0) {
    const alarmName = firing[0]!;
    await noteReason(deps, deployment, {
      kind: 'alarm',
      alarmName,
      message: `alarm ${alarmName} is in ALARM`,
    });
    throw new AlarmFired(`alarm ${alarmName} is in ALARM`);
  }
}

/** Clears a finished bake: its token is spent and its alarm watches are no longer needed. */
export async function endBake(
  deps: Pick<EngineDeps, 'deployments' | 'watchers'>,
  deployment: Deployment,
): Promise<Deployment> {
  if (deployment.bake === undefined) return deployment;
  await deps.watchers.unwatch(deployment.deploymentId, deployment.bake.alarms);
  return deps.deployments.update(deployment.deploymentId, { bake: undefined });
}
