// What the local AWS endpoint refuses before it looks at a request. AWS answers only
// requests signed with SigV4, so a request without a SigV4 Authorization header is refused
// here too: without that rule any web page could send a form-encoded `text/plain` POST (a
// "simple" request that needs no CORS preflight) to ModifyRule production weights. A
// request carrying an Origin header came from a browser and is refused outright; a Host that
// is not a loopback name is refused with 421, which defeats DNS rebinding.

import type { IncomingMessage, RequestListener, Server, ServerResponse } from 'node:http';
import type { WireResponse } from './json-protocol.js';
import type { Protocol } from './faults.js';
import { escapeXml } from './query-protocol.js';

/** IAM's answer for a request: null to let it through, or the denial's message. */
export type Authorize = (
  req: IncomingMessage,
  prefix: string,
  action: string,
  input: Record<string, unknown>,
) => string | null;

const SIGV4 = /^AWS4-HMAC-SHA256\s+Credential=([A-Za-z0-9]+)\/\d{8}\/[a-z0-9-]+\/[a-z0-9-]+\/aws4_request\b/;

/** The access key id a request is signed with, or undefined if it has no SigV4 Authorization header. */
export function accessKeyIdOf(req: IncomingMessage): string | undefined {
  return SIGV4.exec(String(req.headers.authorization ?? ''))?.[1];
}

/** True for 127.0.0.0/8, localhost and [::1], with or without a port. */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

/** The answer to a request the endpoint refuses before reading it, or null to serve it. */
export function refuseUnlessSdkRequest(req: IncomingMessage): WireResponse | null {
  if (!isLoopbackHost(req.headers.host)) {
    return refusal(
      421,
      'MisdirectedRequest',
      'the local AWS endpoint answers only requests addressed to 127.0.0.1 or localhost',
    );
  }
  if (req.headers.origin !== undefined) {
    return refusal(
      403,
      'AccessDeniedException',
      'the local AWS endpoint does not answer browsers (the request has an Origin header)',
    );
  }
  if (accessKeyIdOf(req) === undefined) {
    return refusal(
      403,
      'MissingAuthenticationTokenException',
      'Request is missing Authentication Token: sign it with SigV4 (any AWS SDK or the AWS CLI does)',
    );
  }
  return null;
}

function refusal(status: number, code: string, message: string): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
    body: JSON.stringify({ __type: code, message }),
  };
}

/** IAM's denial in each protocol's own shape, so the SDK raises AccessDenied(Exception) as on AWS. */
export function accessDenied(
  message: string,
  protocol: Protocol,
  contentType: string,
  queryCompatible = false,
): WireResponse {
  const requestId = crypto.randomUUID();
  if (protocol === 'query') {
    const body =
      `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>${escapeXml(message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`;
    return { status: 403, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body };
  }
  const code =
    protocol === 'dynamodb'
      ? 'com.amazonaws.dynamodb.v20120810#AccessDeniedException'
      : 'AccessDeniedException';
  const headers: Record<string, string> = {
    'content-type': contentType,
    'x-amzn-requestid': requestId,
    'x-amzn-errortype': 'AccessDeniedException',
  };
  if (queryCompatible) headers['x-amzn-query-error'] = 'AccessDenied;Sender';
  return { status: 400, headers, body: JSON.stringify({ __type: code, message }) };
}

/**
 * Puts the same refusals in front of another server's handlers (dynalite's, which answers
 * any origin's CORS preflight with `Access-Control-Allow-Origin: *`): only requests that an
 * AWS SDK would send, proxied by the endpoint, reach it.
 */
export function guardServer(server: Server): void {
  const handlers = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const refused =
      req.method === 'OPTIONS'
        ? refusal(
            403,
            'AccessDeniedException',
            'the local DynamoDB does not answer browsers (CORS preflight)',
          )
        : refuseUnlessSdkRequest(req);
    if (refused !== null) {
      req.resume();
      res.writeHead(refused.status, refused.headers);
      res.end(refused.body);
      return;
    }
    for (const handler of handlers) handler(req, res);
  });
}
