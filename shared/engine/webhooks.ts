// Webhooks: hooks that are HTTPS endpoints (docs/catalog.md#webhooks). The state machine calls
// the endpoint itself, with Step Functions' HTTP Task through the webhook's EventBridge
// connection, so no Lambda function is in the call's path and none sees its credentials.
// run-hook prepares each call and judges each answer, as it judges a function's
// (domain/hook-verdict.ts), and keeps the hook's progress on the deployment:
//
//   <Hook>Webhook (prepareWebhookCall) → Call<Hook> (HTTP Task) → Judge<Hook> (judgeWebhookAnswer)
//     → again: Wait<Hook> (waitForWebhookCall) → <Hook>Webhook …    passed: the hook's next state
//
// Wait<Hook> waits for a task token, as a function hook's Task does: a one-time schedule ends it
// after the answer's callBackDelay (hooks.ts, callHookAgain), and an abort fails it at once.
// `hookTimeoutSeconds` bounds the whole hook, every call and wait together: a call due at or
// past it is not made, and the hook fails as timed out. An abort during a call is taken by the
// judgement after it.

import type { HookName } from '../domain/catalog-schema.js';
import type { Deployment, HookOutcome, HookWait } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import { cut, hookVerdict, quote, type HookVerdict } from '../domain/hook-verdict.js';
import { isRecord } from '../domain/records.js';
import { isWebhook } from '../domain/webhook.js';
import type { HookEvent } from '../ports/hooks.js';
import type { EngineDeps } from './deps.js';
import { HookFailed } from './errors.js';
import { advance, loadDeployment, noteReason } from './progress.js';

type Deps = Pick<EngineDeps, 'clock' | 'locks' | 'deployments'>;
type WaitDeps = Deps & Pick<EngineDeps, 'hookCallBacks'>;

/** What Call<Hook> sends: the event a hook function gets. */
export interface WebhookCall {
  request: HookEvent;
}

export type WebhookJudgement = { verdict: 'again'; waitSeconds: number } | { verdict: 'passed' };

/**
 * Before each call: the hook begins at its first (its deadline counts from then), and a call due
 * at or past its deadline is not made. Throws HookFailed for a hook out of time, and
 * DeploymentAborted for an abort that came while it waited.
 */
export async function prepareWebhookCall(
  deps: Deps,
  spec: DeploymentSpec,
  hook: HookName,
): Promise<WebhookCall> {
  const target = spec.settings.hooks[hook];
  if (target === undefined || !isWebhook(target))
    throw new Error(`hook ${hook} of ${spec.service} is not a webhook in this deployment's catalog`);
  let { deployment, wait } = await hookUnderWay(deps, spec, hook);
  const now = deps.clock.now();
  if (wait === undefined) {
    wait = {
      hook,
      webhook: true,
      functionName: target.url,
      startedAt: now,
      deadline: now + spec.settings.hookTimeoutSeconds * 1000,
      calls: 0,
      testListenerRule: spec.settings.traffic.testListenerRule,
    };
    deployment = await advance(deps, deployment, `hook:${hook}`, spec.settings.hookTimeoutSeconds, {
      hookWait: wait,
    });
  } else if (now >= wait.deadline) {
    throw await fail(deps, deployment, wait, wait.calls, `hook ${hook} timed out`);
  } else {
    deployment = await advance(deps, deployment, `hook:${hook}`, secondsLeft(wait, now), {
      hookWait: { ...wait, token: undefined, callBackArn: undefined },
    });
  }
  return {
    request: {
      deploymentId: deployment.deploymentId,
      service: deployment.service,
      hook,
      image: deployment.image,
      ...(wait.testListenerRule === undefined ? {} : { testListenerRule: wait.testListenerRule }),
      ...(wait.hookDetails === undefined ? {} : { hookDetails: wait.hookDetails }),
    },
  };
}

/**
 * After each call: `answer` is Call<Hook>'s output, `{statusCode, body}`, or the error it was
 * caught with, `{Error, Cause}`. Passes the hook, asks for another call after the delay its
 * IN_PROGRESS answer gave (never past the deadline), or throws HookFailed.
 */
export async function judgeWebhookAnswer(
  deps: Deps,
  spec: DeploymentSpec,
  hook: HookName,
  answer: unknown,
): Promise<WebhookJudgement> {
  const { deployment, wait } = await hookUnderWay(deps, spec, hook);
  // A retried judgement whose first try ended the hook: the hook is over, as that try said.
  const ended = deployment.hookResults?.find((r) => r.hook === hook);
  if (wait === undefined && ended?.status === 'Succeeded') return { verdict: 'passed' };
  if (wait === undefined) throw new HookFailed(ended?.message ?? `hook ${hook} is not running`);
  const calls = wait.calls + 1;
  const verdict = verdictOf(answer);
  const now = deps.clock.now();
  if (verdict.status === 'InProgress') {
    // Renewing the lease takes an abort asked for during the call.
    const left = secondsLeft(wait, now);
    await advance(deps, deployment, `hook:${hook}`, left, {
      hookWait: { ...wait, calls, hookDetails: verdict.hookDetails },
    });
    return { verdict: 'again', waitSeconds: Math.min(verdict.callBackDelaySeconds, left) };
  }
  if (verdict.status === 'Succeeded') {
    await deps.deployments.update(deployment.deploymentId, {
      hookWait: undefined,
      hookResults: [
        ...(deployment.hookResults ?? []),
        outcome(wait, 'Succeeded', calls, now, verdict.message),
      ],
    });
    return { verdict: 'passed' };
  }
  const after = calls === 1 ? '' : ` after ${calls} calls`;
  throw await fail(
    deps,
    deployment,
    wait,
    calls,
    `hook ${hook} (${wait.functionName}) failed${after}: ${verdict.message}`,
    verdict.message,
  );
}

/**
 * Between two calls: keeps Wait<Hook>'s token on the deployment (an abort fails it) and schedules
 * the call back that ends the wait after `waitSeconds`. Throws DeploymentAborted for an abort
 * asked for since the judgement, and HookFailed for a hook no longer running.
 */
export async function waitForWebhookCall(
  deps: WaitDeps,
  spec: DeploymentSpec,
  hook: HookName,
  token: string,
  waitSeconds: number,
  callBackArn: string,
): Promise<void> {
  const { deployment, wait } = await hookUnderWay(deps, spec, hook);
  if (wait === undefined) throw new HookFailed(`hook ${hook} is not running: it has nothing to wait for`);
  const now = deps.clock.now();
  await advance(deps, deployment, `hook:${hook}`, secondsLeft(wait, now), {
    hookWait: { ...wait, token, callBackArn },
  });
  await deps.hookCallBacks.schedule({
    deploymentId: deployment.deploymentId,
    hook,
    token,
    call: wait.calls + 1,
    at: now + waitSeconds * 1000,
    functionArn: callBackArn,
  });
}

/** The deployment, and the wait of `hook` when that hook is the step under way. */
async function hookUnderWay(deps: Deps, spec: DeploymentSpec, hook: HookName) {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const wait = deployment.phase === `hook:${hook}` ? deployment.hookWait : undefined;
  return { deployment, wait };
}

/** Whole seconds until the hook's deadline; none once it has passed. */
function secondsLeft(wait: HookWait, now: number): number {
  return Math.max(0, Math.ceil((wait.deadline - now) / 1000));
}

/** What Call<Hook>'s output, or the error it ended with, stands for. */
function verdictOf(answer: unknown): HookVerdict {
  if (!isRecord(answer)) return { status: 'Failed', message: `no answer was recorded: ${quote(answer)}` };
  if (typeof answer.Error === 'string')
    return { status: 'Failed', message: callFailure(answer.Error, answer.Cause) };
  const status = Number(answer.statusCode);
  if (!(status >= 200 && status < 300))
    return { status: 'Failed', message: `answered HTTP ${String(answer.statusCode)}` };
  return hookVerdict(answer.body);
}

/** Why a call got no answer in 2xx, in words: Step Functions names the error, its cause says more. */
function callFailure(error: string, cause: unknown): string {
  const status = /^States\.Http\.StatusCode\.(\d{3})$/.exec(error)?.[1];
  if (status !== undefined) {
    const body = parsed(cause);
    const said = isRecord(body) ? body.ResponseBody : undefined;
    return cut(`answered HTTP ${status}${said === undefined || said === '' ? '' : `: ${quote(said)}`}`);
  }
  if (error === 'States.Http.Socket')
    return cut(`no answer: ${typeof cause === 'string' && cause !== '' ? cause : 'the connection failed'}`);
  return cut(`could not be called: ${error}${typeof cause === 'string' && cause !== '' ? `: ${cause}` : ''}`);
}

function parsed(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function outcome(
  wait: HookWait,
  status: HookOutcome['status'],
  calls: number,
  endedAt: number,
  message: string | undefined,
): HookOutcome {
  return { hook: wait.hook, status, calls, endedAt, ...(message === undefined ? {} : { message }) };
}

/** Records the hook's failure (its outcome, and the deployment's reason), and returns the error to throw. */
async function fail(
  deps: Deps,
  deployment: Deployment,
  wait: HookWait,
  calls: number,
  reason: string,
  message = reason,
): Promise<HookFailed> {
  await deps.deployments.update(deployment.deploymentId, {
    hookWait: undefined,
    hookResults: [
      ...(deployment.hookResults ?? []),
      outcome(wait, 'Failed', calls, deps.clock.now(), message),
    ],
  });
  await noteReason(deps, deployment, { kind: 'hook', hook: wait.hook, message: reason });
  return new HookFailed(reason);
}
