// Serves the dashboard (web/, built into web/dist/) next to the API on 127.0.0.1:4600.
// The page gets the API token from this server, written into it, so a person on this
// machine needs no login; every API call still carries the token. The page is served only
// to requests addressed to this machine by name (a Host of 127.0.0.1, localhost or [::1]),
// so a web page on another site cannot read it through DNS rebinding, and the API answers
// no cross-origin request.

import { existsSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { userInfo } from 'node:os';
import { extname, join } from 'node:path';

export const WEB_ROOT = new URL('../web/dist', import.meta.url).pathname;

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const LOCAL_HOSTS = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/i;

/** Who the dashboard acts as, recorded in the ledger: the person running the local cloud. */
export function dashboardActor(): string {
  const name = userInfo()
    .username.replace(/[^A-Za-z0-9._@+-]/g, '_')
    .slice(0, 80);
  return `operator:${name || 'local'}`;
}

/**
 * Answers the dashboard's own paths (`/`, `/index.html`, `/assets/*`) and returns true;
 * returns false for everything else, which is the API's.
 */
export function serveDashboard(
  webRoot: string,
  token: string,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  const path = (req.url ?? '/').split('?')[0]!;
  const isPage = path === '/' || path === '/index.html';
  const asset = /^\/assets\/([A-Za-z0-9_.-]+)$/.exec(path)?.[1];
  if (!isPage && asset === undefined) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'the dashboard takes GET only\n', { allow: 'GET, HEAD' });
  } else if (!LOCAL_HOSTS.test(req.headers.host ?? '')) {
    send(res, 421, 'text/plain; charset=utf-8', 'open the dashboard at http://127.0.0.1:4600/\n');
  } else if (isPage) {
    servePage(webRoot, token, res);
  } else {
    serveAsset(webRoot, asset!, res);
  }
  return true;
}

function servePage(webRoot: string, token: string, res: ServerResponse): void {
  const index = join(webRoot, 'index.html');
  if (!existsSync(index)) {
    const html =
      '<!doctype html><title>Cutover</title><p>The dashboard is not built yet. Run <code>npm run build:web</code> ' +
      '(<code>npm start</code> does it for you), then reload.</p>';
    return send(res, 503, 'text/html; charset=utf-8', html);
  }
  const meta =
    `<meta name="cutover-token" content="${token}">` +
    `<meta name="cutover-actor" content="${dashboardActor()}">`;
  const html = readFileSync(index, 'utf8').replace('<head>', `<head>${meta}`);
  send(res, 200, 'text/html; charset=utf-8', html, SECURITY_HEADERS);
}

function serveAsset(webRoot: string, name: string, res: ServerResponse): void {
  const file = join(webRoot, 'assets', name);
  const type = TYPES[extname(name)];
  if (type === undefined || name.startsWith('.') || !existsSync(file)) {
    return send(res, 404, 'text/plain; charset=utf-8', `no asset ${name}\n`);
  }
  // Built assets are named by their content's hash, so a name never changes meaning.
  send(res, 200, type, readFileSync(file), { 'cache-control': 'public, max-age=31536000, immutable' });
}

function send(
  res: ServerResponse,
  status: number,
  type: string,
  body: string | Buffer,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers, 'content-type': type });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
