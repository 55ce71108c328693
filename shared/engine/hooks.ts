// Lifecycle hooks at CodeDeploy's points. A hook is the service owner's Lambda
// function; it passes by returning, and fails the deployment by throwing or by
// returning { "status": "Failed" }. A failed or timed-out hook rolls back.

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
  if (result.status === 'Failed') {
    const message = `hook ${hook} (${fn}) failed${result.message ? `: ${result.message}` : ''}`;
    await noteReason(deps, deployment, { kind: 'hook', hook, message });
    throw new HookFailed(message);
  }
  return { hook, status: 'Succeeded' };
}
