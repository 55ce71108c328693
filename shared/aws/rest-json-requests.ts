// A request to an AWS service that speaks REST-JSON: the operation is in the method and the
// path (`POST /schedules/{Name}`, `POST /2015-03-31/functions/{FunctionName}/invocations`),
// some of the input in the query string and headers, the rest in the body. It is how the
// Lambda bundles reach EventBridge Scheduler (CreateSchedule, DeleteSchedule) and Lambda
// (Invoke) without the SDK's clients for them. Signing, transport and retries are
// signed-http.ts's. An error is named as the SDK's REST-JSON protocol names it: from the
// `x-amzn-errortype` header, else a `code` field, else `__type`.

import type { AwsServiceError } from './errors.js';
import { jsonError } from './json-requests.js';
import { configOfSdkClient, isSdkClient, openedOnce, type SdkClientLike } from './sdk-client-config.js';
import {
  rfc3986,
  SignedHttp,
  type AwsHttpConfig,
  type HttpAnswer,
  type SigningService,
} from './signed-http.js';

export const SCHEDULER: SigningService = { signingName: 'scheduler', endpointPrefix: 'scheduler' };

export const LAMBDA: SigningService = {
  signingName: 'lambda',
  endpointPrefix: 'lambda',
  // Invoke answers when the function has run: up to 15 minutes, and a minute to spare (16 min).
  answerTimeoutMs: 960_000,
};

export interface RestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Already percent-encoded: build it with pathLabel. */
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  /** Sent as is; JSON unless the headers name another content type. */
  body?: string;
}

/** One request of a REST-JSON service, answered in full (Invoke reads headers): what adapters are given. */
export interface RestCalls {
  send(request: RestRequest): Promise<HttpAnswer>;
}

export class RestJsonRequests implements RestCalls {
  private readonly http: SignedHttp;

  constructor(service: SigningService, config: AwsHttpConfig) {
    this.http = new SignedHttp(service, config);
  }

  send({ method, path, query, headers = {}, body }: RestRequest): Promise<HttpAnswer> {
    const withType = body === undefined ? headers : { 'content-type': 'application/json', ...headers };
    return this.http.answer(
      {
        method,
        path,
        headers: withType,
        ...(query === undefined ? {} : { query }),
        ...(body === undefined ? {} : { body }),
      },
      restJsonError,
    );
  }
}

/** A value put in a path, encoded as the SDK encodes it (`:` of an ARN as `%3A`). */
export const pathLabel = (value: string): string => rfc3986(value);

/** The error an answer outside 2xx stands for, named as the SDK's REST-JSON protocol names it. */
export function restJsonError(answer: HttpAnswer): AwsServiceError {
  return jsonError(answer, ['header', 'code', 'type']);
}

/**
 * The requests an adapter sends: `source` itself, or for an SDK client (the local cloud and the
 * tests build them), requests sent where it sends them, signed with its credentials and tried
 * as often. `id` is the SDK's service id in its environment form (`SCHEDULER`, `LAMBDA`).
 */
export function restCalls(service: SigningService, source: RestCalls | SdkClientLike, id: string): RestCalls {
  if (!isSdkClient(source)) return source;
  const opened = openedOnce(async () => new RestJsonRequests(service, await configOfSdkClient(source, id)));
  return { send: async (request) => (await opened()).send(request) };
}
