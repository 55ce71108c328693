// CLI errors and their exit codes: 0 ok, 1 failed or rolled back, 2 bad usage or input.

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** The command line itself is wrong: unknown command or option, missing argument. */
export class UsageError extends Error {
  override readonly name = 'UsageError' as const;
  constructor(
    message: string,
    readonly help?: string,
  ) {
    super(message);
  }
}

/** The input is wrong in a way the user can fix (exit 2): not a usage error, not a failure. */
export class BadInput extends Error {
  override readonly name = 'BadInput' as const;
}
