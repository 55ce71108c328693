// The API's routes, and the one place where every error becomes an HTTP answer:
// bad input is a 4xx saying what to fix; nothing leaks a stack trace.

import { firstUnsafeCharacter } from '../domain/control-characters.js';
import { DeploymentRequestInvalid } from '../domain/errors.js';
import { MetricQueryFailed, TransientError } from '../aws/errors.js';
import { DeploymentNotFound, LedgerBroken, NotActionable, SelfApprovalRefused } from '../engine/errors.js';
import type { ApiDeps } from './deps.js';
import { act, createDeployment, getDeployment } from './deployments.js';
import { ApiError, badRequest } from './errors.js';
import { storedLedger } from './ledger.js';
import { deploymentMetrics } from './metrics.js';
import { checkClientActor, type ApiRequest, type ApiResponse } from './request.js';
import { drift, getServiceView, listServices, releases, rollback, verifyLedger } from './services.js';

type Handler = (deps: ApiDeps, request: ApiRequest, params: string[]) => Promise<ApiResponse>;

const ID = '([A-Za-z0-9_-]{1,80})';
const ROUTES: { method: string; pattern: RegExp; handle: Handler }[] = [
  { method: 'POST', pattern: /^\/deployments$/, handle: (d, r) => createDeployment(d, r) },
  {
    method: 'GET',
    pattern: new RegExp(`^/deployments/${ID}$`),
    handle: (d, r, [id]) => getDeployment(d, r, id!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/deployments/${ID}/metrics$`),
    handle: (d, _r, [id]) => deploymentMetrics(d, id!),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/deployments/${ID}/(approve|promote|abort)$`),
    handle: (d, r, [id, action]) => act(d, r, id!, action!),
  },
  { method: 'GET', pattern: /^\/services$/, handle: (d) => listServices(d) },
  {
    method: 'GET',
    pattern: new RegExp(`^/services/${ID}$`),
    handle: (d, _r, [name]) => getServiceView(d, name!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/services/${ID}/releases$`),
    handle: (d, _r, [name]) => releases(d, name!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/services/${ID}/verify$`),
    handle: (d, _r, [name]) => verifyLedger(d, name!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/services/${ID}/ledger$`),
    handle: (d, _r, [name]) => storedLedger(d, name!),
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/services/${ID}/drift$`),
    handle: (d, _r, [name]) => drift(d, name!),
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/services/${ID}/rollback$`),
    handle: (d, r, [name]) => rollback(d, r, name!),
  },
];

export async function handleApi(
  deps: ApiDeps,
  request: ApiRequest,
  log?: (error: unknown) => void,
): Promise<ApiResponse> {
  try {
    checkClientActor(request.actor);
    const path = normalizePath(request.path);
    const matching = ROUTES.filter((route) => route.pattern.test(path));
    if (matching.length === 0)
      throw new ApiError(404, 'NotFound', `no route ${request.method} ${path}; see docs/api.md`);
    const route = matching.find((r) => r.method === request.method.toUpperCase());
    if (route === undefined) {
      const allowed = matching.map((r) => r.method).join(', ');
      const error = new ApiError(405, 'MethodNotAllowed', `${path} takes ${allowed}, not ${request.method}`);
      return { ...errorResponse(error), headers: { allow: allowed } };
    }
    const params = route.pattern.exec(path)!.slice(1);
    if (route.method === 'GET') return await route.handle(deps, { ...request, path }, params);
    try {
      return await route.handle(deps, { ...request, path }, params);
    } finally {
      // Whatever it changed, a view read before it is not answered again.
      deps.views?.wrote();
    }
  } catch (error) {
    return errorResponse(asApiError(error, log));
  }
}

/** A path with one optional trailing slash removed; anything that could escape a route is refused. */
function normalizePath(raw: string): string {
  let path: string;
  try {
    path = decodeURIComponent(raw.split('?')[0] ?? '');
  } catch {
    throw badRequest('the path is not valid URL encoding');
  }
  if (
    !path.startsWith('/') ||
    path.includes('//') ||
    path.includes('\\') ||
    /(^|\/)\.\.?(\/|$)/.test(path) ||
    firstUnsafeCharacter(path) !== undefined
  ) {
    throw badRequest(`the path ${JSON.stringify(raw.slice(0, 200))} is not a valid API path`);
  }
  if (/%2f/i.test(raw)) throw badRequest('encoded slashes are not allowed in the path');
  if (path.length > 300) throw badRequest('the path is too long');
  return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** The error classes of the layers below, each with the answer it gets (docs/api.md, Errors). */
function asApiError(error: unknown, log?: (error: unknown) => void): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof DeploymentNotFound) return new ApiError(404, 'NotFound', error.message);
  // Four eyes: the caller is known and the deployment can take the action, but not from them.
  if (error instanceof SelfApprovalRefused)
    return new ApiError(403, 'SeparateApproverRequired', error.message);
  if (error instanceof NotActionable) return new ApiError(409, 'Conflict', error.message);
  if (error instanceof LedgerBroken) return new ApiError(409, 'LedgerBroken', error.message);
  if (error instanceof DeploymentRequestInvalid)
    return new ApiError(422, 'Unprocessable', error.message, error.problems);
  if (error instanceof MetricQueryFailed) {
    return new ApiError(502, 'MetricsUnavailable', `CloudWatch did not answer as expected: ${error.message}`);
  }
  if (error instanceof TransientError) {
    return new ApiError(
      503,
      'ServiceUnavailable',
      'AWS is throttling or unavailable for now; try again in a moment',
    );
  }
  log?.(error);
  return new ApiError(500, 'InternalError', 'the control plane failed to answer; the error is in its logs');
}

function errorResponse(error: ApiError): ApiResponse {
  return {
    status: error.status,
    body: {
      error: {
        code: error.code,
        message: error.message,
        ...(error.problems ? { problems: error.problems } : {}),
      },
    },
  };
}
