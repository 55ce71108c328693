// A local HTTP server that stands in for one AWS service, for the signed-request tests: it
// records each request, checks its signature by AWS's SigV4 steps (sigv4-check.ts) for the
// service it stands for, and answers as the test says, where the emulators cannot be made to.

import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AwsHttpConfig } from '../../shared/aws/signed-http.js';
import { signatureProblem } from './sigv4-check.js';

export const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
};

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Why AWS would refuse its signature; undefined if it would accept it. */
  problem: string | undefined;
}

export interface Answer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): Answer => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export interface StandInOptions {
  /** Headers every answer has unless it gives its own (its content type, say). */
  headers?: Record<string, string>;
}

export class StandInAws {
  readonly received: Received[] = [];
  /** How the next requests are answered. */
  answer: (request: Received) => Answer = () => json(200, {});
  /** The secret signatures are checked with; another one makes every signature wrong. */
  secret = CREDENTIALS.secretAccessKey;
  private readonly server: Server;

  /**
   * `service`: the name requests must be signed for (`ecs`, `monitoring`, `scheduler`, `lambda`),
   * or, where one server stands for more than one service, the name for each request.
   */
  constructor(service: string | ((request: IncomingMessage) => string), options: StandInOptions = {}) {
    const serviceOf = typeof service === 'string' ? () => service : service;
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks);
        const got: Received = {
          method: request.method!,
          url: request.url!,
          headers: request.headers,
          body: body.toString('utf8'),
          problem: signatureProblem(request, body, this.secret, serviceOf(request)),
        };
        this.received.push(got);
        const { status, headers, body: out } = this.answer(got);
        response.writeHead(status, { ...options.headers, ...headers }).end(out);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** Where this server is reached. */
  get endpoint(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** A config that reaches this server, tried once unless said otherwise. */
  config(overrides: Partial<AwsHttpConfig> = {}): AwsHttpConfig {
    return {
      endpoint: this.endpoint,
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      maxAttempts: 1,
      ...overrides,
    };
  }

  reset(): void {
    this.received.length = 0;
    this.answer = () => json(200, {});
    this.secret = CREDENTIALS.secretAccessKey;
  }
}
