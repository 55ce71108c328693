// Step Functions' HTTP Task (`arn:aws:states:::http:invoke`), as the local runner calls it: IAM
// first, as the state machine's role (states:InvokeHTTPEndpoint on the state machine, with the
// states:HTTPMethod and states:HTTPEndpoint condition keys; events:RetrieveConnectionCredentials
// on the connection; secretsmanager:DescribeSecret and GetSecretValue on its secret), then the
// real request over node:http(s), ended after 60 seconds. The output is
// {Headers, ResponseBody, StatusCode, StatusText}, the body parsed when it is JSON. Failures are
// named as Step Functions names them: States.Http.StatusCode.<code> for an answer outside 2xx
// (the output as its cause), States.Http.Socket when no answer came, Events.ConnectionResource.*
// for the connection, States.Permissions when the role may not call the endpoint, and
// States.Runtime for a request or an answer Step Functions refuses.
// https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Connection } from '../aws/eventbridge-connections.js';
import type { Authorization } from '../iam/requests.js';
import { TaskFailure } from '../errors.js';
import { buildHttpRequest, readHttpParameters, type HttpRequest } from './http-request.js';

export interface HttpTaskOutput {
  Headers: Record<string, string[]>;
  ResponseBody: unknown;
  StatusCode: string;
  StatusText: string;
}

export interface HttpTaskContext {
  region: string;
  stateMachineArn: string;
  /** The connection an ARN names, or undefined. */
  connection: (arn: string) => Connection | undefined;
  /** Null when the state machine's role may make every one of these requests; otherwise why not. */
  authorize: (authorizations: Authorization[]) => string | null;
  /** How long a request may take (default: Step Functions' 60 seconds). */
  timeoutMs?: number;
}

/** Calls the endpoint an HTTP Task's resolved Parameters name; throws TaskFailure as Step Functions fails it. */
export type HttpInvoker = (parameters: unknown, signal: AbortSignal) => Promise<HttpTaskOutput>;

export const HTTP_TIMEOUT_MS = 60_000;
/** Step Functions' payload quota: a larger answer cannot be a state's output. */
const MAX_RESPONSE_BYTES = 262_144;
const UNSUPPORTED_TYPES = /^(application\/octet-stream|image\/|video\/|audio\/)/i;

export function httpInvoker(context: HttpTaskContext): HttpInvoker {
  return async (parameters, signal) => {
    const task = readHttpParameters(parameters);
    const endpoint = task.url.toString();
    const denied = context.authorize([
      {
        action: 'states:InvokeHTTPEndpoint',
        resource: context.stateMachineArn,
        context: { 'states:HTTPMethod': task.method, 'states:HTTPEndpoint': endpoint },
      },
    ]);
    if (denied !== null) throw new TaskFailure('States.Permissions', denied);
    const connection = retrieveCredentials(context, task.connectionArn);
    const request = buildHttpRequest(task, connection, context.region);
    const response = await send(request, context.timeoutMs ?? HTTP_TIMEOUT_MS, signal);
    if (!response.StatusCode.startsWith('2'))
      throw new TaskFailure(`States.Http.StatusCode.${response.StatusCode}`, JSON.stringify(response));
    return response;
  };
}

/** The connection, once the role may read its credentials (and the secret EventBridge keeps them in). */
function retrieveCredentials(context: HttpTaskContext, arn: string): Connection {
  const denied = (why: string) => new TaskFailure('Events.ConnectionResource.AccessDenied', why);
  const retrieve = context.authorize([{ action: 'events:RetrieveConnectionCredentials', resource: arn }]);
  if (retrieve !== null) throw denied(retrieve);
  const connection = context.connection(arn);
  if (connection === undefined)
    throw new TaskFailure('Events.ConnectionResource.ResourceNotFound', `Connection ${arn} does not exist.`);
  const secret = context.authorize(
    ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'].map((action) => ({
      action,
      resource: connection.secretArn,
    })),
  );
  if (secret !== null) throw denied(secret);
  return connection;
}

function send(request: HttpRequest, timeoutMs: number, signal: AbortSignal): Promise<HttpTaskOutput> {
  const socket = (why: string) => new TaskFailure('States.Http.Socket', why);
  return new Promise((resolve, reject) => {
    const call = request.url.protocol === 'https:' ? httpsRequest : httpRequest;
    const outgoing = call(request.url, { method: request.method, headers: request.headers, signal });
    const timer = setTimeout(
      () =>
        outgoing.destroy(
          socket(`The request to ${request.url.origin} took longer than ${timeoutMs / 1000} seconds.`),
        ),
      timeoutMs,
    );
    const settle = () => clearTimeout(timer);
    outgoing.on('error', (error) => {
      settle();
      reject(
        error instanceof TaskFailure || signal.aborted
          ? error
          : socket(`${request.url.origin}: ${error.message}`),
      );
    });
    outgoing.on('response', (incoming) => {
      read(incoming)
        .then((output) => {
          settle();
          resolve(output);
        })
        .catch((error: unknown) => {
          settle();
          outgoing.destroy();
          const cut = !(error instanceof TaskFailure) && !signal.aborted;
          reject(
            cut || !(error instanceof Error)
              ? socket(`${request.url.origin}: the answer was cut off (${String(error)})`)
              : error,
          );
        });
    });
    outgoing.end(request.body);
  });
}

async function read(incoming: IncomingMessage): Promise<HttpTaskOutput> {
  const type = String(incoming.headers['content-type'] ?? '');
  if (UNSUPPORTED_TYPES.test(type))
    throw new TaskFailure(
      'States.Runtime',
      `The HTTP Task’s response has the unsupported content type ${type}.`,
    );
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_RESPONSE_BYTES + 1) {
      throw new TaskFailure(
        'States.DataLimitExceeded',
        `The HTTP Task’s response is larger than ${MAX_RESPONSE_BYTES} bytes (the endpoint ignored Range).`,
      );
    }
    chunks.push(chunk);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new TaskFailure('States.Runtime', 'The HTTP Task’s response cannot be read as text.');
  }
  return {
    Headers: incoming.headersDistinct as Record<string, string[]>,
    ResponseBody: /^application\/([\w.+-]+\+)?json\b/i.test(type) ? parsedOr(text) : text,
    StatusCode: String(incoming.statusCode ?? 0),
    StatusText: incoming.statusMessage ?? '',
  };
}

function parsedOr(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
