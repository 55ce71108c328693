// Lambda's wire protocol for Invoke (REST-JSON): `POST /2015-03-31/functions/{FunctionName}/invocations`,
// the invocation type in `X-Amz-Invocation-Type`, the event as the body, and the function's
// result as the answer's body. A failed function is still a 200, marked by
// `X-Amz-Function-Error`; a refused request carries its code in `x-amzn-errortype`, as the
// SDK reads it.

import type { IncomingHttpHeaders } from 'node:http';
import type { WireResponse } from './json-protocol.js';
import type { LocalLambda } from './lambda.js';
import { AwsError } from '../errors.js';

/** A request whose SigV4 credential scope names `lambda`. */
export function signedForLambda(headers: IncomingHttpHeaders): boolean {
  return /\bCredential=[^/\s]+\/\d{8}\/[a-z0-9-]+\/lambda\/aws4_request\b/.test(
    String(headers.authorization ?? ''),
  );
}

export interface InvokeRequest {
  functionName: string;
  invocationType: string;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

/** The function and invocation type a request names, or AwsError for anything but Invoke. */
export function parseInvokeRequest(method: string, url: string, headers: IncomingHttpHeaders): InvokeRequest {
  const parsed = new URL(url, 'http://lambda.local');
  const match = INVOKE_PATH.exec(parsed.pathname);
  if (method !== 'POST' || match === null) {
    throw new AwsError(
      'UnknownOperationException',
      `the local Lambda answers Invoke (POST /2015-03-31/functions/<name>/invocations) only, not ${method} ${parsed.pathname}`,
    );
  }
  const qualifier = parsed.searchParams.get('Qualifier');
  const name = decodeURIComponent(match[1]!);
  return {
    functionName: qualifier === null ? name : `${name}:${qualifier}`,
    invocationType: String(headers['x-amz-invocation-type'] ?? 'RequestResponse'),
  };
}

/** Runs the invocation and answers it as Lambda does. */
export async function handleInvoke(
  lambda: LocalLambda,
  request: InvokeRequest,
  body: string,
): Promise<WireResponse> {
  const requestId = crypto.randomUUID();
  try {
    const answer = await lambda.invoke(request.functionName, request.invocationType, body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amz-executed-version': '$LATEST',
    };
    if (answer.functionError !== undefined) headers['x-amz-function-error'] = answer.functionError;
    return { status: answer.status, headers, body: answer.payload };
  } catch (error) {
    return lambdaError(error, requestId);
  }
}

export function lambdaError(error: unknown, requestId: string = crypto.randomUUID()): WireResponse {
  const e =
    error instanceof AwsError
      ? error
      : new AwsError('ServiceException', `the local Lambda failed: ${String(error)}`, 500, 'Receiver');
  return {
    status: e.status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-requestid': requestId,
      'x-amzn-errortype': e.code,
    },
    body: JSON.stringify({ Type: e.fault === 'Sender' ? 'User' : 'Service', message: e.message }),
  };
}
