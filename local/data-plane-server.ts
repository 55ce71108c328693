// The local load balancer, as an HTTP server of its own on 127.0.0.1 (a free port): where a
// local function, or a person with curl, sends a request through a listener rule to the simulated
// tasks behind it (world/data-plane.ts). The rule is the URL's first segment, URL-encoded:
//
//   GET <load balancer>/rules/<listener rule ARN, URL-encoded>/<path>
//
// or to a listener, where the request's path and headers choose the rule as ALB's conditions do:
//
//   GET <load balancer>/listeners/<listener ARN, URL-encoded>/<path>
//
// The local cloud gives every local function this URL as CUTOVER_LOCAL_LOAD_BALANCER. As the AWS
// endpoint does, it answers only requests addressed to a loopback name, and none from a browser.

import { createServer, type Server } from 'node:http';
import { isLoopbackHost } from './aws/guard.js';
import type { DataPlane, DataPlaneAnswer } from './world/data-plane.js';

const RULE_PATH = /^\/(rules|listeners)\/([^/]+)(\/.*)?$/;

export function createDataPlaneServer(plane: DataPlane): Server {
  return createServer((req, res) => {
    req.resume();
    const answer = answerFor(
      plane,
      req.url ?? '/',
      req.headers.host,
      req.headers.origin,
      headersOf(req.headers),
    );
    res.writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...answer.headers });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
}

function answerFor(
  plane: DataPlane,
  url: string,
  host: string | undefined,
  origin: string | undefined,
  headers: Record<string, string>,
): DataPlaneAnswer {
  if (!isLoopbackHost(host))
    return refusal(421, 'the local load balancer answers only requests to 127.0.0.1 or localhost');
  if (origin !== undefined)
    return refusal(
      403,
      'the local load balancer does not answer browsers (the request has an Origin header)',
    );
  const { pathname, search } = new URL(url, 'http://load-balancer.local');
  const match = RULE_PATH.exec(pathname);
  if (match === null) {
    return refusal(
      404,
      'send requests to /rules/<listener rule ARN, URL-encoded>/<path>, or /listeners/<listener ARN, URL-encoded>/<path>',
    );
  }
  const [, kind, encoded, path = '/'] = match as unknown as [string, string, string, string?];
  let arn: string;
  try {
    arn = decodeURIComponent(encoded);
  } catch {
    return refusal(
      400,
      `${encoded} is not a URL-encoded ${kind === 'rules' ? 'listener rule' : 'listener'} ARN`,
    );
  }
  if (kind === 'rules') return plane.answer(arn, path);
  return plane.answerAt(arn, { path: `${path}${search}`, method: 'GET', headers });
}

/** The request's headers, one value each, names in lower case (Node gives them so). */
function headersOf(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const one: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) one[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return one;
}

function refusal(status: number, message: string): DataPlaneAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: message }),
  };
}
