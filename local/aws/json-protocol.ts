// AWS JSON 1.0/1.1 protocols: `X-Amz-Target: <prefix>.<Operation>`, a JSON body in
// and out, errors as {"__type": "<code>", "message": ...}. Timestamps go out as
// epoch seconds, as the SDKs expect.

import type { Caller, LocalService } from './service.js';
import { AwsError } from '../errors.js';

export interface WireResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export async function handleJson(
  service: LocalService,
  operation: string,
  body: string,
  contentType: string,
  queryCompatible = false,
  caller: Caller = {},
): Promise<WireResponse> {
  const headers = { 'content-type': contentType, 'x-amzn-requestid': crypto.randomUUID() };
  try {
    const handler = service.operations[operation];
    if (handler === undefined) {
      throw new AwsError('UnknownOperationException', `${service.name} does not support ${operation} here`);
    }
    let input: unknown;
    try {
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch {
      throw new AwsError('SerializationException', 'the request body is not valid JSON');
    }
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      throw new AwsError('SerializationException', 'the request body must be a JSON object');
    }
    const output = await handler(input as Record<string, unknown>, caller);
    return { status: 200, headers, body: JSON.stringify(output ?? {}, replacer) };
  } catch (error) {
    const e = asAwsError(error);
    const errorHeaders: Record<string, string> = { ...headers, 'x-amzn-errortype': e.code };
    if (queryCompatible) errorHeaders['x-amzn-query-error'] = `${e.code};${e.fault}`;
    return {
      status: e.status,
      headers: errorHeaders,
      body: JSON.stringify({ __type: e.code, message: e.message }),
    };
  }
}

export function asAwsError(error: unknown): AwsError {
  if (error instanceof AwsError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AwsError('InternalFailure', `the local cloud failed: ${message}`, 500, 'Receiver');
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  return raw instanceof Date ? raw.getTime() / 1000 : value;
}
