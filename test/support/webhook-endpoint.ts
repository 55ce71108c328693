// A local webhook endpoint for the tests: it records each call (its JSON body and headers) and
// answers as the test says, by the call's number; 'close' drops the connection unanswered.

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export type EndpointAnswer = { status: number; body: unknown } | 'close';

export interface WebhookEndpoint {
  /** `http://127.0.0.1:<port>` */
  base: string;
  calls: { body: Record<string, unknown>; headers: IncomingHttpHeaders }[];
  /** What it answers its nth call (from 1); 200 with `{"status": "Succeeded"}` until set. */
  answer: (n: number) => EndpointAnswer;
  close(): Promise<void>;
}

export async function startWebhookEndpoint(): Promise<WebhookEndpoint> {
  const endpoint: WebhookEndpoint = {
    base: '',
    calls: [],
    answer: () => ({ status: 200, body: { status: 'Succeeded' } }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as Record<string, unknown>;
      endpoint.calls.push({ body, headers: req.headers });
      const answer = endpoint.answer(endpoint.calls.length);
      if (answer === 'close') return void req.socket.destroy();
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return endpoint;
}
