// Lifecycle hooks at CodeDeploy's points. A hook is the service owner's Lambda
// function; it passes only by answering so in a contract Cutover reads
// (shared/domain/hook-verdict.ts). Throwing, answering Failed, or answering anything
// else fails it, and a failed or timed-out hook rolls back.

import type { HookName } from '../domain/catalog-schema.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { EngineDeps } from './deps.js';
import { HookFailed } from './errors.js';
import { advance, loadDeployment, noteReason } from './progress.js';

export async function runHook(
  deps: Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'hooks'>,
  spec: DeploymentSpec,
  hook: HookName,
): Promise<{ hook: HookName; status: 'Succeeded' | 'Skipped' }> {
  const fn = spec.settings.hooks[hook];
  if (fn === undefined) return { hook, status: 'Skipped' };
  let deployment = await loadDeployment(deps, spec.deploymentId);
  deployment = await advance(deps, deployment, `hook:${hook}`, spec.settings.hookTimeoutSeconds);
  const result = await deps.hooks.run(fn, {
    deploymentId: spec.deploymentId,
    service: spec.service,
    hook,
    image: spec.image,
    testListenerRule: spec.settings.traffic.testListenerRule,
  });
  if (result.status !== 'Succeeded') {
    const why =
      result.status === 'Failed'
        ? result.message
        : 'it answered IN_PROGRESS, and this version of Cutover does not call a hook again; answer SUCCEEDED or FAILED';
    const message = `hook ${hook} (${fn}) failed: ${why}`;
    await noteReason(deps, deployment, { kind: 'hook', hook, message });
    throw new HookFailed(message);
  }
  return { hook, status: 'Succeeded' };
}
