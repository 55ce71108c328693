// Errors the local cloud raises for something the user can fix before starting it again.
// The CLI exits 2 for them (cli/error-report.ts), with the message and no stack trace.

/** The data folder cannot be started on: what is wrong with it, and how to recover. */
export class DataFolderInvalid extends Error {
  override readonly name = 'DataFolderInvalid' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * A second local cloud was started in a process where one already runs. The handlers are this
 * process's modules and read their environment once (handler-environment.ts), so a second one
 * would call into the first's AWS endpoint. Not for the CLI's exit 2: `cutover local start`
 * runs one local cloud a process.
 */
export class LocalCloudAlreadyRunning extends Error {
  override readonly name = 'LocalCloudAlreadyRunning' as const;
}

/** Closing what a local cloud opened failed for some part: each is named, and all were tried (closers.ts). */
export class CloseFailed extends AggregateError {
  override readonly name = 'CloseFailed' as const;
}
