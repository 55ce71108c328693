// CLI errors, all CliErrors, and the exit codes: 0 ok, 1 failed or rolled back, 2 bad usage or
// input. What each error prints and exits with is error-report.ts's.

import type { Problem } from '../shared/domain/errors.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** The base of the CLI's errors. */
export abstract class CliError extends Error {}

/** The command line itself is wrong: unknown command or option, missing argument. */
export class UsageError extends CliError {
  override readonly name = 'UsageError' as const;
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/** The input is wrong in a way the user can fix (exit 2): not a usage error, not a failure. */
export class BadInput extends CliError {
  override readonly name = 'BadInput' as const;
}

/** A file the command reads (the catalog, a judge fixture) cannot be read or is not valid: exit 2. */
export class InputFileInvalid extends CliError {
  override readonly name = 'InputFileInvalid' as const;
}

/** No local cloud runs for the data folder: exit 1, with how to start one. */
export class NoLocalCloud extends CliError {
  override readonly name = 'NoLocalCloud' as const;
}

/** The API said no, or did not answer (api-client.ts). `exitCode` is what the command exits with. */
export class ApiFailure extends CliError {
  override readonly name = 'ApiFailure' as const;
  constructor(
    readonly code: string,
    message: string,
    readonly exitCode: number,
    readonly extra: { status?: number; problems?: readonly Problem[]; hint?: string; cause?: unknown } = {},
  ) {
    super(message, { cause: extra.cause });
  }
}
