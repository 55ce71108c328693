// The event-driven bake. A bake is a task-token wait: the step below stores the token
// where alarm events can find it, checks the alarms once, then schedules the token's
// success at the bake's end. An alarm that goes to ALARM meanwhile fails the token at
// once (on-alarm), so rollback starts within seconds and a bake costs no polling. A
// healthy bake ends with the schedule's success (TaskSucceeded in the history). The wait's
// timeout, a margin later (domain/bake-schedule.ts), passes a bake whose schedule never fired.

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import { gatingAlarms } from './alarms.js';
import { AlarmFired } from './errors.js';
import { advance, loadDeployment, noteReason } from './progress.js';

/** Watch items outlive their bake by this much before DynamoDB's TTL removes them. */
const WATCH_TTL_SLACK_SECONDS = 3600;

type Deps = Pick<
  EngineDeps,
  'clock' | 'locks' | 'deployments' | 'watchers' | 'alarms' | 'tokens' | 'bakeSchedules'
>;

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
  if (alarms.length > 0) await watchAlarms(deps, spec, deployment, token, alarms, endsAt);
  // After the alarm check: a bake that fails at its start leaves no schedule behind. An alarm
  // that fires from here on fails the token first, and the schedule then finds it spent.
  await deps.bakeSchedules.schedule({ deploymentId: spec.deploymentId, token, endsAt });
}

async function watchAlarms(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
  token: string,
  alarms: string[],
  endsAt: number,
): Promise<void> {
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

/**
 * Clears a finished bake: its token is spent, and its alarm watches and its schedule (if
 * it has not fired) are no longer needed. With `schedule: 'later'` the schedule is left for
 * the caller to cancel (cancelSchedule) once off its critical path, as a rollback does.
 */
export async function endBake(
  deps: Pick<EngineDeps, 'deployments' | 'watchers' | 'bakeSchedules'>,
  deployment: Deployment,
  { schedule = 'now' }: { schedule?: 'now' | 'later' } = {},
): Promise<Deployment> {
  if (deployment.bake === undefined) return deployment;
  await deps.watchers.unwatch(deployment.deploymentId, deployment.bake.alarms);
  if (schedule === 'now') await cancelSchedule(deps, deployment);
  return deps.deployments.update(deployment.deploymentId, { bake: undefined });
}

/**
 * Deletes a bake's schedule. One that fires first finds its token spent and does nothing,
 * so a step that dies before this line leaves nothing worse than one failed target call.
 */
export async function cancelSchedule(
  deps: Pick<EngineDeps, 'bakeSchedules'>,
  { deploymentId, bake }: Pick<Deployment, 'deploymentId' | 'bake'>,
): Promise<void> {
  if (bake !== undefined) await deps.bakeSchedules.cancel({ deploymentId, token: bake.token });
}
