// Errors raised by the pure domain. Each class sets `name` to a string literal:
// that name is what a state machine's `ErrorEquals` catches and what the CLI and
// API map to a status code, so renaming one is a breaking change.

/** One problem found while validating input, with where it was found. */
export interface Problem {
  /** Dotted path with [index] for arrays, e.g. `services.web.schedule.steps[2].weight`. */
  path: string;
  message: string;
}

export function formatProblems(problems: readonly Problem[]): string {
  return problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message)).join('\n');
}

/** The catalog file is not valid. Lists every problem, not just the first. */
export class CatalogInvalid extends Error {
  override readonly name = 'CatalogInvalid' as const;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown; source?: string }) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(`${options?.source ?? 'the catalog'} has ${count}:\n${formatProblems(problems)}`, options);
    this.problems = problems;
  }
}

/** A traffic schedule (preset or custom) is not valid. */
export class ScheduleInvalid extends Error {
  override readonly name = 'ScheduleInvalid' as const;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown }) {
    super(`the schedule is not valid:\n${formatProblems(problems)}`, options);
    this.problems = problems;
  }
}

/** An image reference cannot be parsed, or is a mutable tag where a digest is required. */
export class ImageReferenceInvalid extends Error {
  override readonly name = 'ImageReferenceInvalid' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A value cannot be put in the ledger's canonical encoding (NaN, a function, a lone surrogate...). */
export class CanonicalEncodingError extends Error {
  override readonly name = 'CanonicalEncodingError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The deployment request does not fit the service (unknown service, strategy without schedule...). */
export class DeploymentRequestInvalid extends Error {
  override readonly name = 'DeploymentRequestInvalid' as const;
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[], options?: { cause?: unknown }) {
    super(`the deployment request is not valid:\n${formatProblems(problems)}`, options);
    this.problems = problems;
  }
}
