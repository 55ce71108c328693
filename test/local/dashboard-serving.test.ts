// The dashboard's page and assets, served next to the API by the local server: the token
// is written into the page for requests addressed to this machine only, and every API
// request still needs it.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiServer } from '../../local/api-server.js';
import { dashboardActor, serveDashboard } from '../../local/dashboard.js';

const TOKEN = 'a'.repeat(64);

function serverFor(webRoot: string) {
  const api = () =>
    Promise.resolve({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"api":true}',
    });
  return createApiServer(TOKEN, api, (req, res) => serveDashboard(webRoot, TOKEN, req, res));
}

function call(port: number, path: string, options: { method?: string; host?: string; token?: boolean } = {}) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path,
          method: options.method ?? 'GET',
          headers: {
            host: options.host ?? `127.0.0.1:${port}`,
            ...(options.token ? { authorization: `Bearer ${TOKEN}` } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: res.headers,
              body: Buffer.concat(chunks).toString(),
            }),
          );
        },
      );
      req.on('error', reject);
      req.end();
    },
  );
}

describe('the dashboard on the local API port', () => {
  const root = mkdtempSync(join(tmpdir(), 'cutover-web-'));
  mkdirSync(join(root, 'assets'));
  writeFileSync(
    join(root, 'index.html'),
    '<!doctype html><html><head><title>Cutover</title></head><body></body></html>',
  );
  writeFileSync(join(root, 'assets', 'index-abc123.js'), 'console.log(1)');
  const server = serverFor(root);
  let port = 0;

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('serves the page with the token and the actor written in, not cached, under a strict CSP', async () => {
    for (const path of ['/', '/index.html']) {
      const page = await call(port, path);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain(`<head><meta name="cutover-token" content="${TOKEN}">`);
      expect(page.body).toContain(`<meta name="cutover-actor" content="${dashboardActor()}">`);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.headers['content-security-policy']).toContain("default-src 'self'");
      expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
    for (const host of ['localhost:4600', '[::1]:4600'])
      expect((await call(port, '/', { host })).status).toBe(200);
  });

  it('refuses the page to a request addressed to another name (DNS rebinding), without the token', async () => {
    for (const host of [
      'evil.example',
      'evil.example:4600',
      '127.0.0.1.evil.example',
      'localhost.evil.example:4600',
    ]) {
      const page = await call(port, '/', { host });
      expect(page.status).toBe(421);
      expect(page.body).not.toContain(TOKEN);
    }
  });

  it('serves built assets as immutable, and nothing else from the folder', async () => {
    const asset = await call(port, '/assets/index-abc123.js');
    expect(asset).toMatchObject({ status: 200, body: 'console.log(1)' });
    expect(asset.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await call(port, '/assets/missing.js')).status).toBe(404);
    expect((await call(port, '/assets/.hidden.js')).status).toBe(404);
    // Anything else is the API's, which wants the token.
    for (const path of [
      '/assets/../index.html',
      '/assets/%2e%2e/index.html',
      '/favicon.ico',
      '/web/dist/index.html',
    ]) {
      const answer = await call(port, path);
      expect(answer.status).toBe(401);
      expect(answer.body).not.toContain(TOKEN);
    }
  });

  it('takes GET and HEAD only', async () => {
    expect((await call(port, '/', { method: 'POST' })).status).toBe(405);
    const head = await call(port, '/', { method: 'HEAD' });
    expect(head).toMatchObject({ status: 200, body: '' });
  });

  it('leaves the API behind the token', async () => {
    expect((await call(port, '/services')).status).toBe(401);
    expect(await call(port, '/services', { token: true })).toMatchObject({
      status: 200,
      body: '{"api":true}',
    });
  });

  it('says how to build the dashboard when it is not built', async () => {
    const bare = serverFor(mkdtempSync(join(tmpdir(), 'cutover-web-empty-')));
    await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
    try {
      const page = await call((bare.address() as AddressInfo).port, '/');
      expect(page.status).toBe(503);
      expect(page.body).toContain('npm run build:web');
      expect(page.body).not.toContain(TOKEN);
    } finally {
      await new Promise<void>((resolve) => bare.close(() => resolve()));
    }
  });
});
