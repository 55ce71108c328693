// The local Lambda: `Invoke` for the functions the local cloud knows, run in this process. A
// function is registered with its handler (a module's export, as Lambda's Node runtime calls
// it: `(event, context)`) and its timeout; everything else about it is what Lambda does:
// - RequestResponse answers the handler's result as JSON (`null` for undefined); a handler
//   that throws answers 200 with `X-Amz-Function-Error: Unhandled` and `{errorType,
//   errorMessage, trace}`; one that runs past its timeout answers the same way with
//   `Sandbox.Timedout` and Lambda's "Task timed out after N seconds". The timeout is on the
//   local cloud's clock, so it scales with the simulation as every other wait does. Its code
//   runs on in this process until it returns (nothing can stop it), and what it returns is dropped.
// - DryRun checks the function exists and the caller may invoke it, and answers 204.
// - Event (asynchronous) is refused with a message saying so: nothing in Cutover invokes
//   asynchronously, and a local queue with Lambda's retries would be untested code.
// - The limits are Lambda's: a request payload over 6 MB is RequestTooLargeException, one
//   that is not JSON is InvalidRequestContentException, and a result over 6 MB fails the
//   invocation with Function.ResponseSizeTooLarge.
// - A name, a full ARN or a partial ARN (`<account>:function:<name>`) names a function, with
//   `$LATEST` as the only qualifier (the local cloud keeps no versions or aliases); an ARN of
//   another region or account, or an unknown name, is ResourceNotFoundException, whose message
//   says where the local cloud's functions come from (the catalog's `local.functions`).
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html

import { randomUUID } from 'node:crypto';
import { AwsError } from '../errors.js';

/** What Lambda's Node runtime passes a handler besides the event (the part handlers read). */
export interface LocalInvokeContext {
  functionName: string;
  invokedFunctionArn: string;
  awsRequestId: string;
  /** Milliseconds of the local clock until the invocation times out. */
  getRemainingTimeInMillis(): number;
}

export type LocalHandler = (event: unknown, context: LocalInvokeContext) => unknown;

export interface LocalFunction {
  /** The function's name, as a catalog names it: 1–64 of `A-Z a-z 0-9 - _`. */
  name: string;
  handler: LocalHandler;
  /** As Lambda's `Timeout`: 1 to 900 seconds. */
  timeoutSeconds: number;
}

export interface InvokeAnswer {
  status: 200 | 204;
  /** `Unhandled` when the function failed; the payload then says how. */
  functionError?: 'Unhandled';
  /** The JSON text of the result (or of the error); empty for a DryRun. */
  payload: string;
  functionArn: string;
}

/** The local cloud's time, as far as an invocation needs it. */
export interface InvokeClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const MAX_PAYLOAD_BYTES = 6 * 1024 * 1024;
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;
const FUNCTION_ARN =
  /^(?:arn:(aws[a-z-]*):lambda:([a-z0-9-]+):)?(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::(.+))?$/;

const notFound = (name: string) =>
  new AwsError(
    'ResourceNotFoundException',
    `Function not found: ${name} (the local cloud runs the functions the catalog names under local.functions)`,
    404,
  );

export class LocalLambda {
  private readonly functions = new Map<string, LocalFunction>();

  constructor(
    private readonly scope: { partition: string; region: string; account: string },
    private readonly clock: InvokeClock,
  ) {}

  register(fn: LocalFunction): void {
    if (!FUNCTION_NAME.test(fn.name))
      throw new Error(`${JSON.stringify(fn.name)} is not a Lambda function name: 1-64 of A-Z a-z 0-9 - _`);
    if (!Number.isInteger(fn.timeoutSeconds) || fn.timeoutSeconds < 1 || fn.timeoutSeconds > 900)
      throw new Error(`function ${fn.name}: a timeout is 1 to 900 whole seconds, not ${fn.timeoutSeconds}`);
    this.functions.set(fn.name, fn);
  }

  /** Whether an Invoke of `functionName` (a name or an ARN) would find a registered function. */
  knows(functionName: string): boolean {
    try {
      this.find(functionName);
      return true;
    } catch {
      return false;
    }
  }

  /**
   * The ARN of the function a request names, with its qualifier if it gives one: the resource
   * IAM checks `lambda:InvokeFunction` on (a policy on the unqualified ARN does not cover a
   * qualified one, on AWS as here).
   */
  arnOf(functionName: string): string {
    const match = FUNCTION_ARN.exec(functionName);
    const name = match === null ? functionName : match[4]!;
    const qualifier = match?.[5] === undefined ? '' : `:${match[5]}`;
    return `arn:${this.scope.partition}:lambda:${this.scope.region}:${this.scope.account}:function:${name}${qualifier}`;
  }

  async invoke(functionName: string, invocationType: string, payload: string): Promise<InvokeAnswer> {
    const fn = this.find(functionName);
    const functionArn = this.arnOf(fn.name);
    if (invocationType === 'DryRun') return { status: 204, payload: '', functionArn };
    if (invocationType === 'Event') {
      throw new AwsError(
        'InvalidParameterValueException',
        'the local Lambda answers RequestResponse and DryRun invocations only; Event (asynchronous) is not served locally',
      );
    }
    if (invocationType !== 'RequestResponse') {
      throw new AwsError(
        'InvalidParameterValueException',
        `X-Amz-Invocation-Type is Event, RequestResponse or DryRun, not ${JSON.stringify(invocationType)}`,
      );
    }
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      throw new AwsError(
        'RequestTooLargeException',
        `Request must be smaller than ${MAX_PAYLOAD_BYTES} bytes for the InvokeFunction operation`,
        413,
      );
    }
    let event: unknown = null;
    if (payload.trim() !== '') {
      try {
        event = JSON.parse(payload);
      } catch {
        throw new AwsError('InvalidRequestContentException', 'Could not parse request body into json', 400);
      }
    }
    return { ...(await this.run(fn, functionArn, event)), functionArn };
  }

  private find(functionName: string): LocalFunction {
    if (FUNCTION_NAME.test(functionName)) {
      const fn = this.functions.get(functionName);
      if (fn === undefined) throw notFound(functionName);
      return fn;
    }
    const match = FUNCTION_ARN.exec(functionName);
    if (match === null) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value '${functionName}' at 'functionName' failed to satisfy constraint: ` +
          'Member must be a function name, a partial ARN or a function ARN',
      );
    }
    const [, partition, region, account, name, qualifier] = match;
    const elsewhere =
      (partition !== undefined && partition !== this.scope.partition) ||
      (region !== undefined && region !== this.scope.region) ||
      account !== this.scope.account;
    const fn = this.functions.get(name!);
    if (elsewhere || fn === undefined) throw notFound(functionName);
    if (qualifier !== undefined && qualifier !== '$LATEST') {
      throw new AwsError(
        'ResourceNotFoundException',
        `Function not found: ${functionName} (the local cloud keeps no versions or aliases: use $LATEST or none)`,
        404,
      );
    }
    return fn;
  }

  private async run(
    fn: LocalFunction,
    functionArn: string,
    event: unknown,
  ): Promise<Omit<InvokeAnswer, 'functionArn'>> {
    const requestId = randomUUID();
    const deadline = this.clock.now() + fn.timeoutSeconds * 1000;
    const context: LocalInvokeContext = {
      functionName: fn.name,
      invokedFunctionArn: functionArn,
      awsRequestId: requestId,
      getRemainingTimeInMillis: () => Math.max(0, deadline - this.clock.now()),
    };
    const timedOut = Symbol('timed out');
    const stop = new AbortController();
    try {
      const outcome = await Promise.race([
        Promise.resolve().then(() => fn.handler(event, context)),
        this.clock.sleep(fn.timeoutSeconds * 1000, stop.signal).then(() => timedOut),
      ]);
      if (outcome === timedOut) {
        return failed(
          'Sandbox.Timedout',
          `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`,
        );
      }
      const text = JSON.stringify(outcome ?? null) ?? 'null';
      if (Buffer.byteLength(text) > MAX_PAYLOAD_BYTES) {
        return failed(
          'Function.ResponseSizeTooLarge',
          `Response payload size exceeded maximum allowed payload size (${MAX_PAYLOAD_BYTES} bytes).`,
        );
      }
      return { status: 200, payload: text };
    } catch (error) {
      const e = error instanceof Error ? error : new Error(String(error));
      return failed(
        e.name,
        e.message,
        (e.stack ?? '')
          .split('\n')
          .slice(1)
          .map((line) => line.trim()),
      );
    } finally {
      stop.abort();
    }
  }
}

function failed(
  errorType: string,
  errorMessage: string,
  trace?: string[],
): Omit<InvokeAnswer, 'functionArn'> {
  return {
    status: 200,
    functionError: 'Unhandled',
    payload: JSON.stringify({ errorType, errorMessage, ...(trace === undefined ? {} : { trace }) }),
  };
}
