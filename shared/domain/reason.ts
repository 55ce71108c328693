// Why a deployment ended without promotion, from the error a state machine caught.
// Steps that know more (which alarm, which hook) record the reason themselves
// before they fail; this is the fallback that turns any caught error into one.

import type { Reason } from './ledger.js';

export interface CaughtError {
  Error: string;
  Cause?: string | undefined;
}

/** The human message inside a Cause: Lambda wraps it as JSON {errorType, errorMessage, trace}. */
export function causeMessage(cause: string | undefined): string {
  if (cause === undefined || cause === '') return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed !== null && typeof parsed === 'object') {
      const { errorMessage, message } = parsed as { errorMessage?: unknown; message?: unknown };
      if (typeof errorMessage === 'string') return errorMessage;
      if (typeof message === 'string') return message;
    }
  } catch {
    // not JSON: the cause is the message itself
  }
  return cause;
}

/** `phase` is the step that was running, e.g. `approval` or `hook:BeforeAllowTraffic`. */
export function reasonFromError(error: CaughtError, phase: string): Reason {
  const message = causeMessage(error.Cause) || error.Error;
  switch (error.Error) {
    case 'AlarmFired':
    case 'AlarmAlreadyFiring':
      return { kind: 'alarm', message };
    case 'HookFailed':
      return { kind: 'hook', message, ...hookOf(phase) };
    case 'TaskSetUnhealthy':
      return { kind: 'health', message };
    case 'DeploymentAborted':
      return { kind: 'operator', message };
    case 'AnalysisFailed':
      return { kind: 'analysis', message };
    case 'States.Timeout':
      return timeoutReason(phase);
    default:
      return errorReason(error.Error, message, phase);
  }
}

/** Any other error; one raised while a hook ran names the hook (its function missing, say). */
function errorReason(name: string, message: string, phase: string): Reason {
  const { hook } = hookOf(phase);
  if (hook === undefined) return { kind: 'error', message: `${name}: ${message}`, error: name };
  return { kind: 'error', message: `hook ${hook} could not run: ${name}: ${message}`, error: name, hook };
}

function timeoutReason(phase: string): Reason {
  if (phase === 'approval') return { kind: 'approval-timeout', message: 'nobody approved in time' };
  if (phase === 'approval (analysis marginal)') {
    return { kind: 'approval-timeout', message: 'analysis was marginal and nobody approved in time' };
  }
  if (phase === 'approval (analysis failed)') {
    return {
      kind: 'approval-timeout',
      message: 'analysis failed, the catalog says to pause on it, and nobody approved in time',
    };
  }
  const hook = hookOf(phase);
  if (hook.hook !== undefined) return { kind: 'hook', message: `hook ${hook.hook} timed out`, ...hook };
  return { kind: 'error', message: `step ${phase} timed out`, error: 'States.Timeout' };
}

function hookOf(phase: string): { hook?: string } {
  return phase.startsWith('hook:') ? { hook: phase.slice('hook:'.length) } : {};
}
