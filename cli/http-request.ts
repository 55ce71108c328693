// One HTTP request, for the CLI's calls to Cutover's API and to the local AWS endpoint. It uses
// node:http(s) rather than fetch: fetch refuses the ports the Fetch standard blocks ("bad
// port": 6566, 6000, 10080, …), so a local cloud started on one of them could not be reached.

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface HttpRequest {
  url: string;
  method: string;
  headers?: Record<string, string>;
  body?: string;
  /** Give up after this long with an error named TimeoutError. */
  timeoutMs: number;
}

export interface HttpResponse {
  status: number;
  ok: boolean;
  text: string;
}

/** Sends the request and reads the whole answer; rejects when there is no answer in time. */
export function send(request: HttpRequest): Promise<HttpResponse> {
  const url = new URL(request.url);
  const call = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const headers = { ...request.headers };
  if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
  return new Promise<HttpResponse>((resolve, reject) => {
    const outgoing = call(url, { method: request.method, headers }, (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        resolve({ status, ok: status >= 200 && status < 300, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    outgoing.setTimeout(request.timeoutMs, () => {
      const timeout = new Error(`no answer within ${request.timeoutMs} ms`);
      timeout.name = 'TimeoutError';
      outgoing.destroy(timeout);
    });
    outgoing.on('error', reject);
    outgoing.end(request.body);
  });
}
