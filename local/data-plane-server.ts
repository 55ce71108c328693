// The local load balancer, as an HTTP server of its own on 127.0.0.1 (a free port): where a
// local function, or a person with curl, sends a request through a listener rule to the simulated
// tasks behind it (world/data-plane.ts). The rule is the URL's first segment, URL-encoded:
//
//   GET <load balancer>/rules/<listener rule ARN, URL-encoded>/<path>
//
// The local cloud gives every local function this URL as CUTOVER_LOCAL_LOAD_BALANCER. As the AWS
// endpoint does, it answers only requests addressed to a loopback name, and none from a browser.

import { createServer, type Server } from 'node:http';
import { isLoopbackHost } from './aws/guard.js';
import type { DataPlane, DataPlaneAnswer } from './world/data-plane.js';

const RULE_PATH = /^\/rules\/([^/]+)(\/.*)?$/;

export function createDataPlaneServer(plane: DataPlane): Server {
  return createServer((req, res) => {
    req.resume();
    const answer = answerFor(plane, req.url ?? '/', req.headers.host, req.headers.origin);
    res.writeHead(answer.status, { 'content-length': Buffer.byteLength(answer.body), ...answer.headers });
    res.end(req.method === 'HEAD' ? undefined : answer.body);
  });
}

function answerFor(
  plane: DataPlane,
  url: string,
  host: string | undefined,
  origin: string | undefined,
): DataPlaneAnswer {
  if (!isLoopbackHost(host))
    return refusal(421, 'the local load balancer answers only requests to 127.0.0.1 or localhost');
  if (origin !== undefined)
    return refusal(
      403,
      'the local load balancer does not answer browsers (the request has an Origin header)',
    );
  const { pathname } = new URL(url, 'http://load-balancer.local');
  const match = RULE_PATH.exec(pathname);
  if (match === null) {
    return refusal(404, 'send requests to /rules/<listener rule ARN, URL-encoded>/<path>');
  }
  let rule: string;
  try {
    rule = decodeURIComponent(match[1]!);
  } catch {
    return refusal(400, `${match[1]} is not a URL-encoded listener rule ARN`);
  }
  return plane.answer(rule, match[2] ?? '/');
}

function refusal(status: number, message: string): DataPlaneAnswer {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ error: message }),
  };
}
