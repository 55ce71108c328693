// The local AWS endpoint (http://127.0.0.1:4566). One port for every service, as
// AWS_ENDPOINT_URL expects: requests are routed by their X-Amz-Target prefix (JSON
// protocols), by their form body (the query protocol, ELBv2), or, for requests signed for
// S3 (their SigV4 credential scope names `s3`), to the REST-XML S3. DynamoDB requests
// are passed to dynalite unchanged. Before any of that, a request must look like one an
// AWS SDK sends (guard.ts), and IAM must allow it (../iam/).

import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { handleJson, type WireResponse } from './json-protocol.js';
import { faultResponse, type FaultInjector, type Protocol } from './faults.js';
import { decodeQuery, handleQuery } from './query-protocol.js';
import type { LocalService } from './service.js';
import { accessDenied, accessKeyIdOf, refuseUnlessSdkRequest, type Authorize } from './guard.js';
import { readBody } from './request-body.js';
import type { LocalLambda } from './lambda.js';
import {
  handleInvoke,
  lambdaError,
  parseInvokeRequest,
  signedForLambda,
  type InvokeRequest,
} from './lambda-wire.js';
import type { LocalS3 } from './s3.js';
import { errorResponse, parseS3Request, signedForS3, type S3Response } from './s3-wire.js';
import {
  handleScheduler,
  parseSchedulerRequest,
  schedulerError,
  signedForScheduler,
  type SchedulerRequest,
} from './scheduler-wire.js';
import { AwsError, BodyTooLarge, S3Error } from '../errors.js';

export interface JsonRoute {
  service: LocalService;
  contentType: string;
  /** Errors also carry x-amzn-query-error (services that moved from the query protocol). */
  queryCompatible?: boolean;
}

export interface Routes {
  /** By X-Amz-Target prefix, e.g. `AmazonEC2ContainerServiceV20141113`. */
  json: Record<string, JsonRoute>;
  /** By the query protocol's `Version`, e.g. `2015-12-01`. */
  query: Record<string, { service: LocalService; namespace: string }>;
  /** The local S3, for requests signed for `s3` (path-style: `/<bucket>/<key>`). */
  s3?: LocalS3;
  /** The local EventBridge Scheduler, for requests signed for `scheduler` (REST-JSON). */
  scheduler?: LocalService;
  /** The local Lambda (Invoke only), for requests signed for `lambda` (REST-JSON). */
  lambda?: LocalLambda;
  /** Where DynamoDB requests go: dynalite's own endpoint. */
  dynamodb?: string;
  /** Injected faults, when the reliability suite asks for them (see faults.ts). */
  faults?: () => FaultInjector | null;
  /** IAM: null lets a request through; otherwise it is denied (see ../iam/authorizer.ts). */
  authorize?: Authorize;
}

/** The IAM service prefix of each route, for the actions IAM checks (`ecs:CreateTaskSet`). */
const IAM_PREFIX: Record<string, string> = {
  AmazonEC2ContainerServiceV20141113: 'ecs',
  AmazonEC2ContainerRegistry_V20150921: 'ecr',
  AWSStepFunctions: 'states',
  AWSEvents: 'events',
  GraniteServiceVersion20100801: 'cloudwatch',
  DynamoDB_20120810: 'dynamodb',
  TrentService: 'kms',
};

export function createAwsServer(routes: Routes): Server {
  return createServer((req, res) => {
    // A failure of the endpoint itself is answered, never left hanging: the SDK retries a 500.
    serve(routes, req, res).catch((error: unknown) => {
      if (res.headersSent) return void res.destroy();
      send(res, {
        status: 500,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'InternalFailure' },
        body: JSON.stringify({
          __type: 'InternalFailure',
          message: `the local cloud failed: ${String(error)}`,
        }),
      });
    });
  });
}

async function serve(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const target = String(req.headers['x-amz-target'] ?? '');
  const [prefix = '', operation = ''] = target.split('.');
  const refusal = refuseUnlessSdkRequest(req);
  if (refusal !== null) {
    req.resume();
    return send(res, refusal);
  }
  // An S3 body is an object's bytes, kept as sent: a gzip Content-Encoding is the object's own.
  const forS3 = routes.s3 !== undefined && target === '' && signedForS3(req.headers);
  let raw: Buffer;
  try {
    raw = await readBody(req, !forS3);
  } catch (error) {
    // Bounded as sent and once inflated (request-body.ts): past the limit is a 413, not memory.
    const tooLarge = error instanceof BodyTooLarge;
    if (forS3) {
      const code = tooLarge ? 'EntityTooLarge' : 'IncompleteBody';
      const refused = new S3Error(code, (error as Error).message);
      return send(res, errorResponse(refused, req.method ?? 'PUT', req.url ?? '/'));
    }
    const code = tooLarge ? 'RequestEntityTooLarge' : 'SerializationException';
    return send(res, {
      status: tooLarge ? 413 : 400,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ __type: code, message: (error as Error).message }),
    });
  }
  if (forS3) return serveS3(routes, routes.s3!, req, raw, res);
  const body = raw.toString('utf8');
  if (routes.scheduler !== undefined && target === '' && signedForScheduler(req.headers))
    return serveRest(routes, schedulerRest(routes.scheduler), req, body, res);
  if (routes.lambda !== undefined && target === '' && signedForLambda(req.headers))
    return serveRest(routes, lambdaRest(routes.lambda), req, body, res);
  if (prefix === 'DynamoDB_20120810' && routes.dynamodb !== undefined) {
    const contentType = 'application/x-amz-json-1.0';
    const denied = check(
      routes,
      req,
      'dynamodb',
      operation,
      () => JSON.parse(body) as Record<string, unknown>,
    );
    if (denied !== null) return send(res, accessDenied(denied, 'dynamodb', contentType));
    const fault = await injectFault(routes, 'dynamodb', contentType);
    if (fault !== null) return send(res, fault);
    return proxy(routes.dynamodb, req, body, res);
  }
  const json = routes.json[prefix];
  if (json !== undefined) {
    const denied = check(
      routes,
      req,
      IAM_PREFIX[prefix],
      operation,
      () => JSON.parse(body || '{}') as Record<string, unknown>,
    );
    if (denied !== null)
      return send(res, accessDenied(denied, 'json', json.contentType, json.queryCompatible));
    const fault = await injectFault(routes, 'json', json.contentType);
    if (fault !== null) return send(res, fault);
    const caller = { accessKeyId: accessKeyIdOf(req) };
    return send(
      res,
      await handleJson(json.service, operation, body, json.contentType, json.queryCompatible, caller),
    );
  }
  const params = new URLSearchParams(body);
  const version = params.get('Version');
  const query = version === null ? undefined : routes.query[version];
  if (query !== undefined) {
    const action = params.get('Action') ?? '';
    const denied = check(routes, req, query.service.name, action, () => decodeQuery(params));
    if (denied !== null) return send(res, accessDenied(denied, 'query', 'text/xml'));
    const fault = await injectFault(routes, 'query', 'text/xml');
    if (fault !== null) return send(res, fault);
    return send(res, await handleQuery(query.service, query.namespace, body));
  }
  const error = new AwsError(
    'UnknownOperationException',
    `no local service answers ${target || 'this request'}`,
  );
  return send(res, {
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1' },
    body: JSON.stringify({ __type: error.code, message: error.message }),
  });
}

/** An S3 request: parsed into its operation, authorized by IAM (bucket or object ARN), then served. */
function serveS3(routes: Routes, s3: LocalS3, req: IncomingMessage, raw: Buffer, res: ServerResponse): void {
  const method = req.method ?? 'GET';
  let request;
  try {
    request = parseS3Request(method, req.url ?? '/', req.headers);
  } catch (error) {
    if (error instanceof S3Error) return send(res, errorResponse(error, method, req.url ?? '/'));
    throw error;
  }
  const resource = `/${request.bucket}${request.key === '' ? '' : `/${request.key}`}`;
  const denied = check(routes, req, 's3', request.iamAction, () => request.input);
  if (denied !== null)
    return send(res, errorResponse(new S3Error('AccessDenied', denied, 403), method, resource));
  const mayAlso = (action: string, input: Record<string, unknown>) =>
    routes.authorize === undefined || routes.authorize(req, 's3', action, input) === null;
  return send(res, s3.handle(request, raw, mayAlso));
}

/** A REST-JSON service's part: how its requests are read, authorized, refused and run. */
interface RestService<Request> {
  /** The request a method, path and body stand for; AwsError for one no operation has. */
  parse(req: IncomingMessage, body: string): Request;
  /** The IAM action and its input (the resources are read from it). */
  authorization(request: Request): { prefix: string; action: string; input: Record<string, unknown> };
  refusal(error: unknown): WireResponse;
  handle(request: Request, body: string): Promise<WireResponse>;
}

/** A REST-JSON request (Scheduler, Lambda): parsed from its method and path, authorized by IAM, then served. */
async function serveRest<Request>(
  routes: Routes,
  service: RestService<Request>,
  req: IncomingMessage,
  body: string,
  res: ServerResponse,
): Promise<void> {
  let request: Request;
  try {
    request = service.parse(req, body);
  } catch (error) {
    return send(res, service.refusal(error));
  }
  const { prefix, action, input } = service.authorization(request);
  const denied = check(routes, req, prefix, action, () => input);
  if (denied !== null) return send(res, service.refusal(new AwsError('AccessDeniedException', denied, 403)));
  const fault = await injectFault(routes, 'json', 'application/json');
  if (fault !== null) return send(res, fault);
  return send(res, await service.handle(request, body));
}

const schedulerRest = (scheduler: LocalService): RestService<SchedulerRequest> => ({
  parse: (req, body) => parseSchedulerRequest(req.method ?? 'GET', req.url ?? '/', body),
  authorization: (request) => ({ prefix: 'scheduler', action: request.operation, input: request.input }),
  refusal: (error) => schedulerError(error),
  handle: (request) => handleScheduler(scheduler, request),
});

/** Lambda's Invoke: authorized as `lambda:InvokeFunction` on the function's ARN. */
const lambdaRest = (lambda: LocalLambda): RestService<InvokeRequest> => ({
  parse: (req) => parseInvokeRequest(req.method ?? 'GET', req.url ?? '/', req.headers),
  authorization: (request) => ({
    prefix: 'lambda',
    action: 'InvokeFunction',
    input: { FunctionName: lambda.arnOf(request.functionName) },
  }),
  refusal: (error) => lambdaError(error),
  handle: (request, body) => handleInvoke(lambda, request, body),
});

/** IAM's verdict on a request whose input parses; one that does not parse is left to the service to refuse. */
function check(
  routes: Routes,
  req: IncomingMessage,
  prefix: string | undefined,
  action: string,
  input: () => Record<string, unknown>,
): string | null {
  if (routes.authorize === undefined || prefix === undefined || action === '') return null;
  let parsed: Record<string, unknown>;
  try {
    parsed = input();
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object') return null;
  return routes.authorize(req, prefix, action, parsed);
}

/** An error answer to send instead of serving the request, or null (after a delay, if slow). */
async function injectFault(
  routes: Routes,
  protocol: Protocol,
  contentType: string,
): Promise<WireResponse | null> {
  const injector = routes.faults?.() ?? null;
  const kind = injector?.next() ?? null;
  if (kind === null) return null;
  if (kind !== 'slow') return faultResponse(kind, protocol, contentType);
  await new Promise((resolve) => setTimeout(resolve, injector!.slowMs));
  return null;
}

function send(res: ServerResponse, response: WireResponse | S3Response): void {
  // A HEAD answer may state the length of what a GET would send (S3's HeadObject).
  res.writeHead(response.status, { 'content-length': Buffer.byteLength(response.body), ...response.headers });
  res.end(response.body);
}

function proxy(endpoint: string, req: IncomingMessage, body: string, res: ServerResponse): void {
  const url = new URL(endpoint);
  // The body was read (and inflated, if it came gzipped) to be authorized: send it as it now is.
  const { 'content-encoding': _encoding, ...headers } = req.headers;
  const forward = httpRequest(
    {
      hostname: url.hostname,
      port: url.port,
      path: req.url,
      method: req.method,
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  forward.on('error', (error) => {
    res.writeHead(503, { 'content-type': 'application/x-amz-json-1.0' });
    res.end(
      JSON.stringify({
        __type: 'ServiceUnavailable',
        message: `dynalite is not reachable: ${error.message}`,
      }),
    );
  });
  forward.end(body);
}
