// Lifecycle hooks at CodeDeploy's points. A hook is the service owner's Lambda function; it
// passes only by answering so in a contract Cutover reads (shared/domain/hook-verdict.ts).
// Throwing, answering Failed, or answering anything else fails it, and a failed or timed-out
// hook rolls back.
//
// A hook is one `.waitForTaskToken` Task, so it costs one state transition however long it
// runs. Its first call is made at once; a hook that answers IN_PROGRESS (ECS's contract) is
// called again after the delay it asks for, by a one-time schedule (hook-call-backs port),
// with the hookDetails it answered. Each call's verdict answers the token: success resumes the
// state machine, failure fails the Task with HookFailed. The Task's own timeout
// (`hookTimeoutSeconds`, up to 24 h) bounds the whole hook: past it the state machine rolls
// back, and a call back that fires later finds the hook over and does nothing.

import type { HookName } from '../domain/catalog-schema.js';
import type { Deployment, HookOutcome, HookWait } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { HookCallBack } from '../ports/hook-call-backs.js';
import type { EngineDeps } from './deps.js';
import { advance, loadDeployment, noteReason } from './progress.js';
import { functionOf } from '../domain/webhook.js';

type Deps = Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'hooks' | 'tokens' | 'hookCallBacks'>;

/** The wait of a hook that is a function: its Task's token, and run-hook's ARN for the calls after. */
type FunctionHookWait = HookWait & { token: string; callBackArn: string };
const isFunctionWait = (wait: HookWait | undefined): wait is FunctionHookWait =>
  wait?.token !== undefined && wait.callBackArn !== undefined;

/** The hook's first call, from its Task: `callBackArn` is run-hook's own ARN, for the calls after. */
export async function startHook(
  deps: Deps,
  spec: DeploymentSpec,
  hook: HookName,
  token: string,
  callBackArn: string,
): Promise<void> {
  const target = spec.settings.hooks[hook];
  if (target === undefined) {
    await deps.tokens.succeed(token, { hook, status: 'Skipped' });
    return;
  }
  // A webhook is called by the state machine's HTTP Task (webhooks.ts), never from here.
  const functionName = functionOf(target);
  if (functionName === undefined) {
    await deps.tokens.fail(token, 'HookFailed', `hook ${hook} is a webhook: its state machine calls it`);
    return;
  }
  let deployment = await loadDeployment(deps, spec.deploymentId);
  const now = deps.clock.now();
  const wait: FunctionHookWait = {
    hook,
    functionName,
    token,
    startedAt: now,
    deadline: now + spec.settings.hookTimeoutSeconds * 1000,
    calls: 0,
    callBackArn,
    testListenerRule: spec.settings.traffic.testListenerRule,
  };
  // The lease covers the whole hook: its Task may wait up to hookTimeoutSeconds.
  deployment = await advance(deps, deployment, `hook:${hook}`, spec.settings.hookTimeoutSeconds, {
    hookWait: wait,
  });
  await callHook(deps, deployment, wait);
}

/**
 * A call back, from its schedule. One for a hook that has ended (answered, timed out, aborted),
 * a stale or repeated one, or one at or past the hook's deadline does nothing.
 */
export async function callHookAgain(deps: Deps, callBack: HookCallBack): Promise<'called' | 'over'> {
  const deployment = await deps.deployments.get(callBack.deploymentId);
  const wait = deployment?.hookWait;
  if (
    deployment === null ||
    deployment.status !== 'running' ||
    deployment.phase !== `hook:${callBack.hook}` ||
    !isFunctionWait(wait) ||
    wait.token !== callBack.token ||
    wait.calls + 1 !== callBack.call
  )
    return 'over';
  if (wait.webhook === true) {
    // A webhook's wait between two calls is over: its state machine makes the next call, or at
    // the deadline fails the hook as timed out, with its outcome recorded.
    await deps.tokens.succeed(wait.token, { hook: wait.hook, waited: true });
    return 'called';
  }
  if (deps.clock.now() >= wait.deadline) return 'over';
  await callHook(deps, deployment, wait);
  return 'called';
}

async function callHook(deps: Deps, deployment: Deployment, wait: FunctionHookWait): Promise<void> {
  const result = await deps.hooks.run(wait.functionName, {
    deploymentId: deployment.deploymentId,
    service: deployment.service,
    hook: wait.hook,
    image: deployment.image,
    testListenerRule: wait.testListenerRule,
    ...(wait.hookDetails === undefined ? {} : { hookDetails: wait.hookDetails }),
  });
  const calls = wait.calls + 1;
  const now = deps.clock.now();
  if (result.status === 'InProgress') {
    const next: FunctionHookWait = { ...wait, calls, hookDetails: result.hookDetails };
    // Only while this hook still runs: an abort or a timeout may have ended it meanwhile.
    const kept = await deps.deployments.updateIf(
      deployment.deploymentId,
      { hookWait: next, updatedAt: now },
      { status: 'running', phase: `hook:${wait.hook}` },
    );
    // A call due at or past the deadline would never be made: the Task times out first.
    const at = now + result.callBackDelaySeconds * 1000;
    if (kept === null || at >= wait.deadline) return;
    await deps.hookCallBacks.schedule({
      deploymentId: deployment.deploymentId,
      hook: wait.hook,
      token: wait.token,
      call: calls + 1,
      at,
      functionArn: wait.callBackArn,
    });
    return;
  }
  const after = calls === 1 ? '' : ` after ${calls} calls`;
  const outcome: HookOutcome = {
    hook: wait.hook,
    status: result.status,
    calls,
    endedAt: now,
    ...(result.message === undefined ? {} : { message: result.message }),
  };
  await deps.deployments.update(deployment.deploymentId, {
    hookWait: undefined,
    hookResults: [...(deployment.hookResults ?? []), outcome],
  });
  if (result.status === 'Succeeded') {
    await deps.tokens.succeed(wait.token, { hook: wait.hook, status: 'Succeeded', calls });
    return;
  }
  const message = `hook ${wait.hook} (${wait.functionName}) failed${after}: ${result.message}`;
  await noteReason(deps, deployment, { kind: 'hook', hook: wait.hook, message });
  await deps.tokens.fail(wait.token, 'HookFailed', message);
}
