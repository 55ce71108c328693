// Refusing to start while a watched alarm already fires: shifting traffic then
// would blame the new release for an outage it did not cause, or hide one it did.

import { alarmNames } from '../domain/catalog-schema.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import type { Deployment } from '../domain/deployment.js';
import { AlarmAlreadyFiring, AlarmFired, LedgerBroken } from './errors.js';
import { hashRecord, ledgerRecordSchema } from '../domain/ledger.js';
import { signatureCheck } from '../domain/ledger-signature.js';
import { appendOnce } from './ledger-append.js';
import { advance, loadDeployment, noteReason } from './progress.js';

type CheckDeps = Pick<
  EngineDeps,
  'clock' | 'locks' | 'deployments' | 'alarms' | 'ledger' | 'ledgerKeys' | 'serviceStates' | 'signer'
>;

/**
 * The pre-flight check. It refuses a new image while a watched alarm fires. An alarm firing
 * on the live release is a reason to roll back, not to refuse: an image the ledger shows was
 * promoted before (a rollback, `rollback --to`, or a redeploy) goes on however the alarms
 * stand, and so does a new image whose request overrides the alarms with a reason. Either
 * way the firing alarms are recorded (AlarmsOverridden) and kept on the deployment, and they
 * do not gate it later; every other watched alarm still does.
 */
export async function checkAlarms(deps: CheckDeps, spec: DeploymentSpec): Promise<{ firing: string[] }> {
  let deployment = await loadDeployment(deps, spec.deploymentId);
  const watched = alarmNames(spec.settings);
  // A retried step keeps the set it decided on the first time.
  const firing = deployment.ignoredAlarms ?? (watched.length === 0 ? [] : await deps.alarms.firing(watched));
  if (firing.length > 0 && deployment.ignoredAlarms === undefined) {
    // A break-glass redeploy does not ask the ledger (it may not verify): it overrides, with its reason.
    const promotedAs = spec.breakGlass === undefined ? await promotedRelease(deps, spec) : undefined;
    const override =
      spec.overrideAlarms ??
      (spec.breakGlass === undefined ? undefined : { reason: `break glass: ${spec.breakGlass.reason}` });
    if (promotedAs === undefined && override === undefined) {
      const message =
        `alarm ${firing.join(', ')} ${firing.length > 1 ? 'are' : 'is'} already in ALARM; no traffic was moved. ` +
        `Resolve it, roll back (cutover rollback ${spec.service}), or deploy again with --override-alarms "<why>"`;
      await noteReason(deps, deployment, { kind: 'alarm', alarmName: firing[0], message });
      throw new AlarmAlreadyFiring(message);
    }
    await appendOnce(deps, {
      service: spec.service,
      type: 'AlarmsOverridden',
      deploymentId: spec.deploymentId,
      release: deployment.release,
      actor: deployment.actor,
      detail:
        promotedAs !== undefined
          ? { alarms: firing, because: 'rollback', promotedAs }
          : { alarms: firing, because: 'override', reason: override!.reason },
    });
    deployment = await deps.deployments.update(deployment.deploymentId, { ignoredAlarms: firing });
  }
  await advance(deps, deployment, 'check-alarms');
  return { firing };
}

/** The release this image was promoted as, newest first; undefined if it never was. */
export async function promotedRelease(
  deps: Pick<EngineDeps, 'ledger' | 'ledgerKeys'>,
  spec: DeploymentSpec,
): Promise<number | undefined> {
  const promotedHere = (stored: unknown) => {
    const parsed = ledgerRecordSchema.safeParse(stored);
    return parsed.success && parsed.data.type === 'Promoted' && parsed.data.detail.image === spec.image;
  };
  const found = (await deps.ledger.listBack(spec.service, promotedHere)).at(-1);
  if (found === undefined || !promotedHere(found)) return undefined;
  // The proof must be Cutover's own record: of this service, and signed by the ledger key.
  const record = ledgerRecordSchema.parse(found);
  const bad =
    record.service !== spec.service
      ? `belongs to service ${record.service}`
      : hashRecord(record) !== record.hash
        ? 'has a hash that does not match its contents'
        : signatureCheck(await deps.ledgerKeys.trusted())(record)?.message;
  if (bad !== undefined) {
    throw new LedgerBroken(
      `the ledger's Promoted record of ${spec.image} (seq ${record.seq}) ${bad}, so it proves nothing and ` +
        `nothing was done; run \`cutover verify ${spec.service}\``,
    );
  }
  return record.release;
}

/** The watched alarms that gate this deployment: all but those it started despite. */
export function gatingAlarms(spec: DeploymentSpec, deployment: Deployment): string[] {
  const ignored = new Set(deployment.ignoredAlarms ?? []);
  return alarmNames(spec.settings).filter((name) => !ignored.has(name));
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
  const watched = gatingAlarms(spec, deployment);
  const firing = watched.length === 0 ? [] : await deps.alarms.firing(watched);
  if (firing.length === 0) return;
  const message = `alarm ${firing.join(', ')} ${firing.length > 1 ? 'are' : 'is'} in ALARM, so ${what} did not happen`;
  await noteReason(deps, deployment, { kind: 'alarm', alarmName: firing[0], message });
  throw new AlarmFired(message);
}
