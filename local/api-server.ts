// The control plane's HTTP API on this machine (http://127.0.0.1:4600), served by the
// same handler as on AWS (functions/api.ts). Where AWS uses IAM, every request here needs
// the bearer token kept in the data folder (`token`, readable only by its owner), and the
// caller names itself in X-Cutover-Actor (`operator:<name>`, `operator:local` when absent).
// This server then builds the request context API Gateway builds after IAM authorization,
// with that name as the principal, so the handler reads the actor one way everywhere.

import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import type { HttpApiEvent, HttpApiResult } from '../functions/api.js';
import { refuseUnsafeToken, TOKEN_FILE } from './data-folder-access.js';
import { MAX_BODY_BYTES } from '../shared/api/request.js';

/** The account the local cloud's resources live in (the ARNs it makes say 000000000000). */
const LOCAL_ACCOUNT = '000000000000';

export type ApiFunction = (event: HttpApiEvent, context: unknown) => Promise<unknown>;

/**
 * The token file in the data folder, created on first start (mode 0600, 64 random hex digits);
 * one that others could read, or too short to be secret, is refused (data-folder-access.ts).
 */
export function ensureToken(dataDir: string): string {
  const path = join(dataDir, TOKEN_FILE);
  if (!existsSync(path)) writeFileSync(path, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600 });
  refuseUnsafeToken(dataDir);
  return readFileSync(path, 'utf8').trim();
}

export function createApiServer(
  token: string,
  api: ApiFunction,
  extra?: (req: IncomingMessage, res: ServerResponse) => boolean,
): Server {
  const server = createServer((req, res) => {
    if (extra?.(req, res)) return;
    serve(token, api, req, res).catch(() => {
      if (!res.headersSent) send(res, 500, { error: { code: 'InternalError', message: 'see the log' } });
      else res.destroy();
    });
  });
  server.on('clientError', answerUnparsable);
  return server;
}

/** Requests Node's HTTP parser refuses (a raw control byte in the path, headers over
 *  16 KiB) get the same JSON error shape as every other refusal. */
function answerUnparsable(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) return;
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const [status, code, message] = tooLarge
    ? [431, 'HeadersTooLarge', 'the request line and headers must be under 16 KiB']
    : [400, 'BadRequest', 'the request could not be parsed as HTTP; percent-encode the path'];
  const body = JSON.stringify({ error: { code, message } });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
}

async function serve(
  token: string,
  api: ApiFunction,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  if (!authorized(token, req.headers.authorization)) {
    return send(
      res,
      401,
      {
        error: {
          code: 'Unauthorized',
          message: "send Authorization: Bearer <token>, the token in the data folder's token file",
        },
      },
      {
        'www-authenticate': 'Bearer realm="cutover"',
      },
    );
  }
  const actor = String(req.headers['x-cutover-actor'] ?? 'operator:local');
  if (!/^[A-Za-z0-9:._@/+-]{1,100}$/.test(actor)) {
    return send(res, 400, {
      error: { code: 'BadRequest', message: 'X-Cutover-Actor must be 1 to 100 letters, digits and :._@/+-' },
    });
  }
  const body = await readBody(req);
  if (body === null)
    return send(res, 413, {
      error: { code: 'PayloadTooLarge', message: `the body is larger than ${MAX_BODY_BYTES / 1024} KiB` },
    });
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : v]),
  );
  const event: HttpApiEvent = {
    rawPath: req.url ?? '/',
    headers,
    ...(body === '' ? {} : { body }),
    isBase64Encoded: false,
    requestContext: { http: { method: req.method ?? 'GET' }, authorizer: { iam: localPrincipal(actor) } },
  };
  const result = (await api(event, { functionName: 'api' })) as HttpApiResult;
  res.writeHead(result.statusCode, result.headers);
  res.end(result.body);
}

/**
 * The `authorizer.iam` of an API Gateway request context, for a local caller: the principal is
 * the caller's `operator:<name>` where AWS puts an IAM ARN (there is no IAM user behind it).
 */
export function localPrincipal(actor: string) {
  return { accountId: LOCAL_ACCOUNT, callerId: actor, userArn: actor, userId: actor, principalOrgId: null };
}

function authorized(token: string, header: string | undefined): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  if (match === null) return false;
  const given = Buffer.from(match[1]!);
  const expected = Buffer.from(token);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** The body, or null when it is over the limit (reading stops there). */
function readBody(req: IncomingMessage): Promise<string | null> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) over = true;
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(over ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(null));
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}
