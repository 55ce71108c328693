// The local AWS endpoint bounds what a request body may cost: 16 MiB as sent, and 16 MiB once a
// gzip-encoded body is inflated. A gzip bomb (a few hundred KB inflating to 400 MB) is answered
// 413 in AWS's JSON error shape, at once, and the process does not grow by the bomb's size: the
// inflate stops as soon as its output passes the limit.

import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalService } from '../../local/aws/service.js';
import { serve, sigV4Authorization, type RunningServer } from '../support/local-server.js';

const MiB = 1024 * 1024;

/** A service that answers how many characters of input it was given. */
const echo: LocalService = {
  name: 'echo',
  operations: {
    Measure: (input) => ({ characters: typeof input.text === 'string' ? input.text.length : 0 }),
  },
};

let server: RunningServer;

beforeAll(async () => {
  server = await serve({
    json: { EchoService: { service: echo, contentType: 'application/x-amz-json-1.1' } },
  });
});

afterAll(() => server.close());

function post(body: Buffer, encoding?: string) {
  return fetch(server.endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'EchoService.Measure',
      authorization: sigV4Authorization('echo'),
      ...(encoding === undefined ? {} : { 'content-encoding': encoding }),
    },
    body,
  });
}

/** `{"text":"aaaa…"}` of `bytes` bytes, gzipped a megabyte at a time (never whole in memory). */
async function gzipBomb(bytes: number): Promise<Buffer> {
  const gzip = createGzip({ level: 9 });
  const out: Buffer[] = [];
  gzip.on('data', (chunk: Buffer) => out.push(chunk));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  const block = Buffer.alloc(MiB, 'a');
  gzip.write('{"text":"');
  for (let written = 0; written < bytes; written += MiB) {
    if (!gzip.write(block)) await new Promise((resolve) => gzip.once('drain', resolve));
  }
  gzip.end('"}');
  await ended;
  return Buffer.concat(out);
}

describe('a gzip-encoded request body', () => {
  it('within the limit once inflated is read as sent', async () => {
    const text = 'b'.repeat(2 * MiB);
    const response = await post(gzipSync(JSON.stringify({ text })), 'gzip');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ characters: text.length });
  });

  it('inflating to 400 MB is refused with 413 at once, and memory stays bounded', async () => {
    const bomb = await gzipBomb(400 * MiB);
    expect(bomb.length).toBeLessThan(1 * MiB); // a few hundred KB on the wire
    global.gc?.();
    const before = process.memoryUsage().rss;
    const started = performance.now();
    const response = await post(bomb, 'gzip');
    const seconds = (performance.now() - started) / 1000;
    const grown = (process.memoryUsage().rss - before) / MiB;
    expect(response.status).toBe(413);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toBe('RequestEntityTooLarge');
    expect(body.message).toContain('inflates to over 16 MiB');
    // Inflating all of it takes seconds and 400 MB; stopping at the limit, a fraction of that.
    expect(seconds).toBeLessThan(2);
    expect(grown).toBeLessThan(100);
    console.log(
      `gzip bomb of ${Math.round(bomb.length / 1024)} KB: 413 in ${seconds.toFixed(2)} s, RSS +${grown.toFixed(1)} MB`,
    );
  });

  it('that does not decode is a 400 saying so', async () => {
    const response = await post(Buffer.from('not gzip at all'), 'gzip');
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      __type: 'SerializationException',
      message: expect.stringContaining('does not decode'),
    });
  });

  it('sent raw over 16 MiB is still refused', async () => {
    const response = await post(Buffer.alloc(17 * MiB, 'c')).catch((error: unknown) => error);
    // The connection is cut once the limit passes; a client that finished sending sees the 413.
    if (response instanceof Response) expect(response.status).toBe(413);
    else expect(response).toBeInstanceOf(Error);
  });
});
