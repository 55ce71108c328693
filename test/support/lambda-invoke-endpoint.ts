// A Lambda Invoke endpoint for adapter tests, where moto (without Docker) cannot run a function:
// it runs JavaScript handlers in this process and answers on the wire as Lambda does, so the
// real SDK client parses its answers. A RequestResponse Invoke returns the handler's result as
// the payload; a handler that throws answers 200 with `X-Amz-Function-Error: Unhandled` and
// `{errorType, errorMessage}`; an unknown function answers 404 ResourceNotFoundException.
// https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type InvokeHandler = (event: unknown) => unknown;

export interface InvokeEndpoint {
  endpoint: string;
  /** Each invocation's function name and raw payload, in order. */
  readonly invocations: { functionName: string; payload: string }[];
  close(): Promise<void>;
}

const INVOKE_PATH = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/;

export async function startInvokeEndpoint(handlers: Record<string, InvokeHandler>): Promise<InvokeEndpoint> {
  const invocations: InvokeEndpoint['invocations'] = [];
  const server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => send(res, 500, { message: String(error) }));
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const payload = await body(req);
    const match = INVOKE_PATH.exec(new URL(req.url ?? '/', 'http://x').pathname);
    if (req.method !== 'POST' || match === null) return send(res, 404, { message: 'no such route' });
    const functionName = decodeURIComponent(match[1]!);
    invocations.push({ functionName, payload });
    const handler = handlers[functionName];
    if (handler === undefined) {
      return send(
        res,
        404,
        { Type: 'User', message: `Function not found: ${functionName}` },
        {
          'x-amzn-errortype': 'ResourceNotFoundException',
        },
      );
    }
    try {
      const result = await handler(JSON.parse(payload || 'null'));
      res.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      res.end(JSON.stringify(result ?? null));
    } catch (error) {
      const { name, message } = error as Error;
      send(res, 200, { errorType: name, errorMessage: message }, { 'x-amz-function-error': 'Unhandled' });
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    invocations,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function send(
  res: ServerResponse,
  status: number,
  json: unknown,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(json));
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
