// The HTTP API (API Gateway HTTP API, payload 2.0, IAM authorization): see docs/api.md.
// Turns the gateway's event into an ApiRequest, and the answer back. Who called is the IAM
// principal API Gateway authenticated (requestContext.authorizer.iam.userArn), recorded in the
// ledger with every action; never a header, which any caller can set. The local API server
// (local/api-server.ts) builds the same request context, so there is one code path.

import { statePorts } from '../shared/aws/step-ports.js';
import { createHash } from 'node:crypto';
import { cloudWatchRequests, elbRequests, sfnRequests } from '../shared/aws/clients.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { CloudWatchAlarmWatch } from '../shared/aws/cloudwatch-alarm-watch.js';
import { CloudWatchMetricSource } from '../shared/aws/cloudwatch-metric-source.js';
import { SfnExecutions, stateMachineArns } from '../shared/aws/sfn-executions.js';
import { SfnTaskTokens } from '../shared/aws/sfn-task-tokens.js';
import type { ApiDeps } from '../shared/api/deps.js';
import { handleApi } from '../shared/api/router.js';
import { ViewReuse } from '../shared/api/view-reuse.js';
import { catalogFilePath, loadCatalog } from '../shared/runtime/catalog.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { instrumented, observability, type Observability } from '../shared/runtime/observability.js';
import { ledgerKeys } from '../shared/aws/kms-ledger-keys.js';
import { ledgerAnchors } from '../shared/aws/s3-ledger-anchors.js';

export interface HttpApiEvent {
  rawPath?: string;
  headers?: Record<string, string | undefined>;
  body?: string;
  isBase64Encoded?: boolean;
  requestContext?: {
    http?: { method?: string };
    authorizer?: { iam?: { userArn?: string | null; callerId?: string | null; accountId?: string | null } };
  };
}

export interface HttpApiResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

export function createHandler(deps: ApiDeps, observe?: Observability) {
  const { logger, entry } = instrumented(observe);
  async function api(event: HttpApiEvent): Promise<HttpApiResult> {
    const headers = Object.fromEntries(
      Object.entries(event.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const body =
      event.body === undefined
        ? undefined
        : event.isBase64Encoded
          ? Buffer.from(event.body, 'base64').toString('utf8')
          : event.body;
    const actor = event.requestContext?.authorizer?.iam?.userArn;
    if (typeof actor !== 'string' || actor === '') {
      // Behind IAM authorization API Gateway always sends the principal: without one, the
      // route is not protected as docs/api.md requires. Fail closed.
      logger.error('refused a request with no IAM principal; is the route missing AWS_IAM authorization?');
      return noPrincipal();
    }
    const method = event.requestContext?.http?.method ?? 'GET';
    const response = await handleApi(
      deps,
      {
        method,
        path: event.rawPath ?? '/',
        headers,
        body,
        actor,
      },
      (error) => logger.error('request failed', error as Error),
    );
    return withEtag(method, headers['if-none-match'], {
      statusCode: response.status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...response.headers },
      body: JSON.stringify(response.body),
    });
  }
  return entry(api);
}

function noPrincipal(): HttpApiResult {
  return {
    statusCode: 403,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
    body: JSON.stringify({
      error: {
        code: 'Forbidden',
        message:
          'the request carries no IAM principal: the API must be called through API Gateway with IAM ' +
          'authorization (a SigV4-signed request); see docs/api.md',
      },
    }),
  };
}

/**
 * A successful GET carries an ETag, the hash of its body; a client that sends it back in
 * If-None-Match gets 304 and no body while nothing changed, so polling costs little.
 */
export function withEtag(
  method: string,
  ifNoneMatch: string | undefined,
  result: HttpApiResult,
): HttpApiResult {
  if (method.toUpperCase() !== 'GET' || result.statusCode !== 200) return result;
  const etag = `"${createHash('sha256').update(result.body).digest('base64url').slice(0, 32)}"`;
  const headers = { ...result.headers, etag };
  const given = (ifNoneMatch ?? '').split(',').map((tag) => tag.trim().replace(/^W\//, ''));
  if (given.includes(etag) || given.includes('*')) {
    return { statusCode: 304, headers: { etag, 'cache-control': 'no-store' }, body: '' };
  }
  return { ...result, headers };
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  const sfn = sfnRequests(env);
  const cloudWatch = cloudWatchRequests(env);
  const deps: ApiDeps = {
    catalog: loadCatalog(catalogFilePath(env)),
    ...statePorts(env),
    ledgerKeys: ledgerKeys(env),
    anchors: ledgerAnchors(env),
    tokens: new SfnTaskTokens(sfn),
    executions: new SfnExecutions(sfn, stateMachineArns(env)),
    alarms: new CloudWatchAlarmWatch(cloudWatch),
    metrics: new CloudWatchMetricSource(cloudWatch),
    ...ecsAdapters(env),
    router: new Elbv2TrafficRouter(elbRequests(env)),
    views: new ViewReuse(),
  };
  return createHandler(deps, observability(env));
}

export const handler = lambdaHandler(handlerFor);
