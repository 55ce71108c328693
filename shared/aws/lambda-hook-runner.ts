// HookRunner on AWS Lambda: runs the service owner's lifecycle hook function synchronously and
// reads its verdict from what the function returns, in Cutover's contract or ECS's
// (shared/domain/hook-verdict.ts); a function error fails the hook, and so does any other answer.
// Lambda is reached by a signed REST-JSON Invoke (rest-json-requests.ts), not the SDK's client.

import { cut, hookVerdict } from '../domain/hook-verdict.js';
import { isRecord } from '../domain/records.js';
import type { HookEvent, HookResult, HookRunner } from '../ports/hooks.js';
import { ResourceNotFound, translateTransient } from './errors.js';
import { LAMBDA, pathLabel, restCalls, type RestCalls } from './rest-json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';

/** What Invoke answers: the function's result, and whether it is an error the function raised. */
interface InvokeOutput {
  /** `X-Amz-Function-Error`: `Unhandled`, or `Handled`. */
  FunctionError?: string;
  Payload: string;
}

export class LambdaHookRunner implements HookRunner {
  private readonly lambda: RestCalls;

  /** Lambda's requests (clients.ts's lambdaRequests), or an SDK client to reach Lambda as it would. */
  constructor(lambda: RestCalls | SdkClientLike) {
    this.lambda = restCalls(LAMBDA, lambda, 'LAMBDA');
  }

  async run(functionName: string, event: HookEvent): Promise<HookResult> {
    const output = await this.invoke(functionName, event);
    const payload = parseJson(output.Payload);
    if (output.FunctionError !== undefined) {
      return { status: 'Failed', message: functionErrorMessage(output.FunctionError, payload) };
    }
    return hookVerdict(payload.value === undefined && payload.text !== '' ? payload.text : payload.value);
  }

  private async invoke(functionName: string, event: HookEvent): Promise<InvokeOutput> {
    try {
      const answer = await this.lambda.send({
        method: 'POST',
        path: `/2015-03-31/functions/${pathLabel(functionName)}/invocations`,
        headers: {
          'x-amz-invocation-type': 'RequestResponse',
          // The payload is a blob to Lambda's API: sent as the SDK sends one.
          'content-type': 'application/octet-stream',
        },
        body: JSON.stringify(event),
      });
      const functionError = answer.headers['x-amz-function-error'];
      return {
        ...(typeof functionError === 'string' ? { FunctionError: functionError } : {}),
        Payload: answer.body,
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'ResourceNotFoundException') {
        throw new ResourceNotFound(
          `Hook function ${functionName} does not exist; deploy it or fix the hook in the catalog.`,
          { cause: error },
        );
      }
      return translateTransient(`Invoke hook function ${functionName}`, error);
    }
  }
}

/** Lambda reports an error the function threw as `{errorType, errorMessage}`. */
function functionErrorMessage(functionError: string, payload: { value: unknown; text: string }): string {
  const value = payload.value;
  if (isRecord(value) && typeof value.errorMessage === 'string') {
    const type = typeof value.errorType === 'string' ? value.errorType : functionError;
    return cut(`${type}: ${value.errorMessage}`);
  }
  return cut(`${functionError}: ${payload.text || 'the hook function failed without a message'}`);
}

function parseJson(text: string): { value: unknown; text: string } {
  try {
    return { value: JSON.parse(text) as unknown, text };
  } catch {
    return { value: undefined, text };
  }
}
