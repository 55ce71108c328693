// Errors raised by the pure domain, all DomainErrors. Each class sets `name` to a string literal:
// that name is what a state machine's `ErrorEquals` catches and what the CLI and
// API answer with, so renaming one is a breaking change. Every error class of the codebase
// lives in its layer's errors.ts (test/statemachines/error-names.test.ts checks it).

/** One problem found while validating input, with where it was found. */
export interface Problem {
  /** Dotted path with [index] for arrays, e.g. `services.web.schedule.steps[2].weight`. */
  path: string;
  message: string;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n');
}

/** The base of the domain's errors: the input, the catalog or a value does not fit a rule. */
export abstract class DomainError extends Error {}

/** The catalog file is not valid. Lists every problem, not just the first. */
export class CatalogInvalid extends DomainError {
  override readonly name = 'CatalogInvalid' as const;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown; source?: string }) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${options?.source ?? 'the catalog'} has ${count}:\n${formatProblems(problems)}`, options);
    this.problems = problems;
  }
}

/** A traffic schedule (preset or custom) is not valid. */
export class ScheduleInvalid extends DomainError {
  override readonly name = 'ScheduleInvalid' as const;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown }) {
    super(`the schedule is not valid:\n${formatProblems(problems)}`, options);
    this.problems = problems;
  }
}

/** An image reference cannot be parsed, or is a mutable tag where a digest is required. */
export class ImageReferenceInvalid extends DomainError {
  override readonly name = 'ImageReferenceInvalid' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A value cannot be put in the ledger's canonical encoding (NaN, a function, a lone surrogate...). */
export class CanonicalEncodingError extends DomainError {
  override readonly name = 'CanonicalEncodingError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The deployment request does not fit the service (unknown service, strategy without schedule...). */
export class DeploymentRequestInvalid extends DomainError {
  override readonly name = 'DeploymentRequestInvalid' as const;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown }) {
    super(`the deployment request is not valid:\n${formatProblems(problems)}`, options);
    this.problems = problems;
  }
}

/** A function's role name would pass IAM's 64 characters even without `-lambdaRole` (stack-names.ts). */
export class RoleNameTooLong extends DomainError {
  override readonly name = 'RoleNameTooLong' as const;
}
