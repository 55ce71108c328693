// A wait for a person: the approval the catalog requires, or the go-ahead a marginal canary
// analysis asks for. The step stores the token that `approve` and `abort` use, with the
// instant the wait times out on the clock's time, and announces it on EventBridge.

import type { DeploymentSpec } from '../domain/deployment-request.js';
import { approvalPhase, type ApprovalReason } from '../domain/phase.js';
import type { EngineDeps } from './deps.js';
import { advance, loadDeployment } from './progress.js';

/**
 * Pauses for a person: stores the approval token that `approve` and `abort` use. `because`
 * says why: the catalog requires approval, or the final canary analysis was marginal.
 */
export async function requestApproval(
  deps: Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'events'>,
  spec: DeploymentSpec,
  token: string,
  asked: ApprovalReason = 'approval required',
): Promise<void> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  // The state machines ask after any analysis that wants a person: a fail paused by the
  // catalog's onFail is told apart by the judgement the deployment keeps.
  const because: ApprovalReason =
    asked === 'analysis marginal' && deployment.analysis?.classification === 'Fail'
      ? 'analysis failed'
      : asked;
  const now = deps.clock.now();
  // The wait is a person's, so it times out after the catalog's timeout in real seconds: on the
  // local cloud, whose clock runs `speed` times faster, that is `speed` times as long in its time.
  const waitSeconds = spec.settings.approval.timeoutSeconds * (deps.clock.speed ?? 1);
  const expiresAt = now + waitSeconds * 1000;
  const phase = approvalPhase(because);
  // The rule is kept with the wait, so the catalog the deployment started with decides who may answer.
  const separateApprover = spec.settings.approval.separateApprover ? (true as const) : undefined;
  // The lock's lease lasts as long as the wait, so no other deployment takes the service meanwhile.
  await advance(deps, deployment, phase, waitSeconds, {
    approval: { token, requestedAt: now, expiresAt, separateApprover },
  });
  await deps.events.publish({
    detailType: 'Approval Needed',
    detail: {
      deploymentId: spec.deploymentId,
      service: spec.service,
      release: deployment.release,
      image: spec.image,
      expiresAt: new Date(expiresAt).toISOString(),
      because,
    },
  });
}
