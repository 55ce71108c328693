// HookRunner on AWS Lambda: runs the service owner's lifecycle hook function synchronously and
// reads its verdict from what the function returns, in Cutover's contract or ECS's
// (shared/domain/hook-verdict.ts); a function error fails the hook, and so does any other answer.

import { InvokeCommand, type InvokeCommandOutput, type LambdaClient } from '@aws-sdk/client-lambda';
import { cut, hookVerdict } from '../domain/hook-verdict.js';
import { isRecord } from '../domain/records.js';
import type { HookEvent, HookResult, HookRunner } from '../ports/hooks.js';
import { ResourceNotFound, translateTransient } from './errors.js';

export class LambdaHookRunner implements HookRunner {
  constructor(private readonly lambda: LambdaClient) {}

  async run(functionName: string, event: HookEvent): Promise<HookResult> {
    const output = await this.invoke(functionName, event);
    const payload = parseJson(new TextDecoder().decode(output.Payload ?? new Uint8Array()));
    if (output.FunctionError !== undefined) {
      return { status: 'Failed', message: functionErrorMessage(output.FunctionError, payload) };
    }
    return hookVerdict(payload.value === undefined && payload.text !== '' ? payload.text : payload.value);
  }

  private async invoke(functionName: string, event: HookEvent): Promise<InvokeCommandOutput> {
    try {
      return await this.lambda.send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'RequestResponse',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
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
