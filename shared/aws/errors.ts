// Errors raised at the AWS edge. Adapters translate SDK exceptions into these (or
// into domain errors) so that nothing above them depends on SDK error classes.

/**
 * AWS was throttling, unavailable or timed out, even after the SDK's own retries.
 * State machines retry the step (`Retry` on `TransientError`).
 */
export class TransientError extends Error {
  override readonly name = 'TransientError' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A resource the catalog names does not exist in AWS (cluster, service, rule, target group). */
export class ResourceNotFound extends Error {
  override readonly name = 'ResourceNotFound' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/**
 * CloudWatch could not give the metric data asked for: the queries were refused, access was
 * denied, or the answer said its data was incomplete. Retrying would not help.
 */
export class MetricQueryFailed extends Error {
  override readonly name = 'MetricQueryFailed' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

const TRANSIENT_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottled',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'InternalServiceError',
  'ServerException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

/** Whether an SDK error is worth retrying later: throttling, a 5xx, or a network failure. */
export function isTransient(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as { code?: string }).code;
  return (
    TRANSIENT_NAMES.has(error.name) ||
    (code !== undefined && TRANSIENT_NAMES.has(code)) ||
    (status !== undefined && status >= 500) ||
    (error as { $retryable?: unknown }).$retryable !== undefined
  );
}

/** Rethrows a transient SDK error as TransientError, naming the operation; other errors unchanged. */
export function translateTransient(operation: string, error: unknown): never {
  if (isTransient(error)) {
    throw new TransientError(
      `${operation} failed for now: ${(error as Error).message}; the step will retry`,
      {
        cause: error,
      },
    );
  }
  throw error;
}

/** An SDK error's name (its exception type), or undefined for something thrown that is not an Error. */
export function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** A conditional write's condition failed: the race it closes was lost, or the write was done already. */
export function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
