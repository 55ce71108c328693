// Errors the deployment engine raises, all EngineErrors. A step's errors are each an
// `ErrorEquals` in the state machines (statemachines/*.asl.json); an operator's action
// (approve, promote, abort) answers an OperatorError instead, which the API turns into a
// 4xx (shared/api/router.ts). test/statemachines/error-names.test.ts checks that every
// custom ErrorEquals names a class exported here or in another errors.ts, and that each
// step error is caught somewhere. Renaming one is a breaking change.

export abstract class EngineError extends Error {}

/** Another deployment of the service holds the lock. */
export class DeploymentInProgress extends EngineError {
  override readonly name = 'DeploymentInProgress' as const;
}

/** A push arrived while the service was busy; it waits and starts when the lock frees. */
export class DeploymentQueued extends EngineError {
  override readonly name = 'DeploymentQueued' as const;
}

/** A push older than the release that is live, or than the one being deployed: it never replaces it. */
export class StalePush extends EngineError {
  override readonly name = 'StalePush' as const;
}

/** A watched alarm was already in ALARM before any traffic moved. */
export class AlarmAlreadyFiring extends EngineError {
  override readonly name = 'AlarmAlreadyFiring' as const;
}

/** A watched alarm went to ALARM during a bake. */
export class AlarmFired extends EngineError {
  override readonly name = 'AlarmFired' as const;
}

/** The new task set did not become healthy in time, or too many of its tasks failed. */
export class TaskSetUnhealthy extends EngineError {
  override readonly name = 'TaskSetUnhealthy' as const;
}

/** A lifecycle hook reported failure or threw. */
export class HookFailed extends EngineError {
  override readonly name = 'HookFailed' as const;
}

/** The weights read back from the load balancer are not the ones just set. */
export class TrafficVerificationFailed extends EngineError {
  override readonly name = 'TrafficVerificationFailed' as const;
}

/** An operator aborted the deployment, or rejected it at approval. */
export class DeploymentAborted extends EngineError {
  override readonly name = 'DeploymentAborted' as const;
}

/** The service has no primary task set to copy and to roll back to. */
export class NoStableRelease extends EngineError {
  override readonly name = 'NoStableRelease' as const;
}

/** This step runs for a deployment that no longer holds the service's lock. */
export class LockLost extends EngineError {
  override readonly name = 'LockLost' as const;
}

/** Canary analysis judged the new release worse than the old: it rolls back. */
export class AnalysisFailed extends EngineError {
  override readonly name = 'AnalysisFailed' as const;
}

/** The final canary analysis was marginal: a person decides (approve or abort). */
export class AnalysisMarginal extends EngineError {
  override readonly name = 'AnalysisMarginal' as const;
}

/**
 * The ledger does not verify: a record was forged, edited, removed or reordered, or an anchor
 * was forged. Nothing that reads the ledger acts on it then (409 over HTTP), except a
 * break-glass redeploy that names its image.
 */
export class LedgerBroken extends EngineError {
  override readonly name = 'LedgerBroken' as const;
}

/** What an operator's action answers instead of acting: nothing was delivered or recorded. */
export abstract class OperatorError extends EngineError {}

/** An operator named a deployment that does not exist (the API's 404). */
export class DeploymentNotFound extends OperatorError {
  override readonly name = 'DeploymentNotFound' as const;
}

/** The deployment exists but cannot take this action now (it ended, or it is not waiting). */
export class NotActionable extends OperatorError {
  override readonly name = 'NotActionable' as const;
}

/**
 * Four eyes: the catalog's `approval.separateApprover` is on and the person who started the
 * deployment tried to approve it (with approve, or with promote while it waits for approval).
 */
export class SelfApprovalRefused extends OperatorError {
  override readonly name = 'SelfApprovalRefused' as const;
}
