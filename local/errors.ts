// Errors the local cloud raises for something the user can fix before starting it again.
// The CLI exits 2 for them (cli/error-report.ts), with the message and no stack trace.

/** The data folder cannot be started on: what is wrong with it, and how to recover. */
export class DataFolderInvalid extends Error {
  override readonly name = 'DataFolderInvalid' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
