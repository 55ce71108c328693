// Errors the local cloud raises, all LocalCloudErrors. DataFolderInvalid is for something the
// user can fix before starting it again: the CLI exits 2 for it (cli/error-report.ts), with the
// message and no stack trace. The others stand for AWS's own answers and failures, so each is
// named as AWS names it (AwsError and S3Error by the code they carry, MetricMathError as
// CloudWatch's ValidationError, TaskFailure by the error a task was failed with, StatesTimeout
// as Step Functions' States.Timeout), or are the emulators' own refusals of what they cannot judge.
// The last is about the local cloud as a whole: closing what it opened.

/** The base of the local cloud's errors. */
export abstract class LocalCloudError extends Error {}

/** The data folder cannot be started on: what is wrong with it, and how to recover. */
export class DataFolderInvalid extends LocalCloudError {
  override readonly name = 'DataFolderInvalid' as const;
}

/** An error with AWS's shape: the SDK raises the exception class named by `code` (aws/service.ts). */
export class AwsError extends LocalCloudError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly fault: 'Sender' | 'Receiver' = 'Sender',
  ) {
    super(message);
    this.name = code;
  }
}

/** An error with S3's shape: its code, status and any extra elements of the XML body (aws/s3-wire.ts). */
export class S3Error extends LocalCloudError {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, string> = {},
  ) {
    super(message);
    this.name = code;
  }
}

/** AWS answers a bad metric math expression with a ValidationError; so does the local cloud. */
export class MetricMathError extends LocalCloudError {
  override readonly name = 'ValidationError' as const;
}

/** A request body is over its limit, as sent or once inflated: answered 413 (aws/request-body.ts). */
export class BodyTooLarge extends LocalCloudError {
  override readonly name = 'BodyTooLarge' as const;
}

/** A request body could not be read or decoded: answered 400. */
export class BodyUnreadable extends LocalCloudError {
  override readonly name = 'BodyUnreadable' as const;
}

/** serverless.yml's EventBridge rules use something the local cloud cannot read (aws/serverless-rules.ts). */
export class ServerlessRuleError extends LocalCloudError {
  override readonly name = 'ServerlessRuleError' as const;
}

/** A task or the execution ran past its TimeoutSeconds (stepfunctions/run.ts). */
export class StatesTimeout extends LocalCloudError {
  override readonly name = 'States.Timeout' as const;
  constructor() {
    super('States.Timeout');
  }
}

/** What Lambda answers for an invocation that ran past its function's timeout (stepfunctions/run.ts). */
export class FunctionTimedOut extends LocalCloudError {
  override readonly name = 'Sandbox.Timedout' as const;
  constructor(seconds: number) {
    super(`Task timed out after ${seconds.toFixed(2)} seconds`);
  }
}

/** What a task of a stopped execution ends with; the execution itself is ABORTED. */
export class ExecutionStopped extends LocalCloudError {
  override readonly name = 'ExecutionStopped' as const;
  constructor() {
    super('the execution was stopped');
  }
}

/** A task token was failed (SendTaskFailure): named by the error it was failed with (stepfunctions/tokens.ts). */
export class TaskFailure extends LocalCloudError {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** A policy holds something the local IAM evaluator cannot judge (iam/policy.ts). */
export class PolicyError extends LocalCloudError {
  override readonly name = 'PolicyError' as const;
}

/** serverless.yml's per-function roles cannot be read (iam/roles.ts). */
export class RoleError extends LocalCloudError {
  override readonly name = 'RoleError' as const;
}

/** A request whose resources the local IAM cannot work out, so it cannot be authorized (iam/requests.ts). */
export class UnauthorizableRequest extends LocalCloudError {
  override readonly name = 'UnauthorizableRequest' as const;
}

/**
 * Closing what a local cloud opened failed for some part: each is named, and all were tried
 * (closers.ts). `errors` holds each failure, as an AggregateError's would.
 */
export class CloseFailed extends LocalCloudError {
  override readonly name = 'CloseFailed' as const;
  constructor(
    readonly errors: readonly unknown[],
    message: string,
  ) {
    super(message);
  }
}
