// Errors raised at a Lambda handler's edge, before its use case runs, all HandlerErrors: its
// configuration is missing, or the event it was given is not the one it takes. Each `name`
// is what the execution's history shows, so a person reading it knows which it was.

import { formatProblems, type Problem } from '../domain/errors.js';

/** The base of the errors raised at a handler's edge. */
export abstract class HandlerError extends Error {}

/** An environment variable the handler needs is not set (env.ts). */
export class ConfigurationMissing extends HandlerError {
  override readonly name = 'ConfigurationMissing' as const;
}

/**
 * A step was invoked with an input it does not take (step-handler.ts): the state machine passed
 * the wrong fields, or a person invoked the function by hand. Nothing was done. A state machine
 * does not retry it (it would fail again): its catch-all rolls back, or ends the run.
 */
export class StepInputInvalid extends HandlerError {
  override readonly name = 'StepInputInvalid' as const;
  constructor(
    readonly step: string,
    readonly problems: readonly Problem[],
    options?: { cause?: unknown },
  ) {
    super(`the input of step ${step} is not valid:\n${formatProblems(problems)}`, options);
  }
}
