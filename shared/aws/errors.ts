// Errors raised at the AWS edge, all AdapterErrors. Adapters translate SDK exceptions into
// these (or into domain errors) so that nothing above them depends on SDK error classes.
// AwsServiceError and S3ServiceError are the exceptions AWS answered with, named as the SDK
// names them: the requests that skip the SDK (json-requests.ts, s3-requests.ts) raise them.

/** The base of the errors raised at the AWS edge. */
export abstract class AdapterError extends Error {}

/**
 * AWS was throttling, unavailable or timed out, even after the SDK's own retries.
 * State machines retry the step (`Retry` on `TransientError`).
 */
export class TransientError extends AdapterError {
  override readonly name = 'TransientError' as const;
}

/** A resource the catalog names does not exist in AWS (cluster, service, rule, target group). */
export class ResourceNotFound extends AdapterError {
  override readonly name = 'ResourceNotFound' as const;
}

/**
 * CloudWatch could not give the metric data asked for: the queries were refused, access was
 * denied, or the answer said its data was incomplete. Retrying would not help.
 */
export class MetricQueryFailed extends AdapterError {
  override readonly name = 'MetricQueryFailed' as const;
}

/**
 * An update named a deployment the table has no item for: it was never created, or its item is
 * gone (dynamodb-deployments.ts). An operator naming an unknown deployment is the engine's
 * DeploymentNotFound instead.
 */
export class DeploymentItemMissing extends AdapterError {
  override readonly name = 'DeploymentItemMissing' as const;
}

/** The newest stored record of a service does not parse as a ledger record (dynamodb-release-ledger.ts). */
export class LedgerCorrupt extends AdapterError {
  override readonly name = 'LedgerCorrupt' as const;
}

/**
 * The account refused a read (AccessDenied): the check could not be made. The inventory
 * ports' adapters (preflight-inventory.ts) raise it, and preflight reports it.
 */
export class ReadRefused extends AdapterError {
  override readonly name = 'ReadRefused' as const;
  constructor(
    /** `service:Action`, e.g. `iam:GetRole`: what whoever runs preflight must be allowed. */
    readonly action: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * An AWS answer that is not the XML it should be (xml-reader.ts): cut short, not well formed, or
 * holding a DOCTYPE or an entity it may not. Nothing is read from it; retrying would not help.
 */
export class MalformedXml extends AdapterError {
  override readonly name = 'MalformedXml' as const;
}

/**
 * An error a JSON- or query-protocol service answered with: as the SDK's, its name is the
 * service's error code, or the exception the SDK maps that code to (query-requests.ts).
 */
export class AwsServiceError extends AdapterError {
  readonly $metadata: { httpStatusCode: number };
  readonly $fault: 'client' | 'server';
  constructor(code: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode };
    this.$fault = httpStatusCode < 500 ? 'client' : 'server';
  }
}

/** An error S3 answered with: as the SDK's, its name is S3's code (`NoSuchKey`, `AccessDenied`). */
export class S3ServiceError extends AdapterError {
  readonly $metadata: { httpStatusCode: number };
  constructor(code: string, message: string, httpStatusCode: number) {
    super(message);
    this.name = code;
    this.$metadata = { httpStatusCode };
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

/** A packaged function found no credentials in its environment, where Lambda puts its role's. */
export class CredentialsMissing extends AdapterError {
  override readonly name = 'CredentialsMissing' as const;
}
