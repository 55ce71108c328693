// Refusing to start while a watched alarm already fires: shifting traffic then
// would blame the new release for an outage it did not cause, or hide one it did.

import { alarmNames } from '../domain/catalog-schema.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import type { Deployment } from '../domain/deployment.js';
import { AlarmAlreadyFiring, AlarmFired } from './errors.js';
import { advance, loadDeployment, noteReason } from './progress.js';

export async function checkAlarms(
  deps: Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'alarms'>,
  spec: DeploymentSpec,
): Promise<{ firing: string[] }> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const watched = alarmNames(spec.settings);
  const firing = watched.length === 0 ? [] : await deps.alarms.firing(watched);
  if (firing.length > 0) {
    const message = `alarm ${firing.join(', ')} ${firing.length > 1 ? 'are' : 'is'} already in ALARM; no traffic was moved`;
    await noteReason(deps, deployment, { kind: 'alarm', alarmName: firing[0], message });
    throw new AlarmAlreadyFiring(`${message}. Resolve the alarm, then deploy again`);
  }
  await advance(deps, deployment, 'check-alarms');
  return { firing };
}

/**
 * Before traffic moves further, or the release is promoted: a watched alarm in ALARM rolls
 * the deployment back instead. The bake's alarm event normally does that at once; this
 * catches an event that was lost, so a bake that simply timed out never hides an alarm.
 */
export async function refuseWhileFiring(
  deps: Pick<EngineDeps, 'alarms' | 'deployments'>,
  spec: DeploymentSpec,
  deployment: Deployment,
  what: string,
): Promise<void> {
  const watched = alarmNames(spec.settings);
  const firing = watched.length === 0 ? [] : await deps.alarms.firing(watched);
  if (firing.length === 0) return;
  const message = `alarm ${firing.join(', ')} ${firing.length > 1 ? 'are' : 'is'} in ALARM, so ${what} did not happen`;
  await noteReason(deps, deployment, { kind: 'alarm', alarmName: firing[0], message });
  throw new AlarmFired(message);
}
