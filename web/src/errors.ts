// The dashboard's errors, all WebErrors.

/** The base of the dashboard's errors. */
export abstract class WebError extends Error {}

/** An error the API answered with (`{"error":{"code","message"}}`), or a network failure (api.ts). */
export class ApiRequestFailed extends WebError {
  override readonly name = 'ApiRequestFailed' as const;
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
