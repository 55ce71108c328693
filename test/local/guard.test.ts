// What the local AWS endpoint, and dynalite behind it, refuse before reading a request: what a
// browser could send. dynalite on its own answers any origin's CORS preflight with
// `Access-Control-Allow-Origin: *`; guarded, it answers only what an AWS SDK sends.

import type { Server } from 'node:http';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guardServer, isLoopbackHost } from '../../local/aws/guard.js';
import { freePort } from '../../harness/emulators.js';
import { clientConfig, sigV4Authorization } from '../support/local-server.js';

let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = dynalite({ createTableMs: 0 });
  guardServer(server);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${port}/`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const listTables = (headers: Record<string, string>) =>
  fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': 'DynamoDB_20120810.ListTables',
      ...headers,
    },
    body: '{}',
  });

describe('dynalite behind the guard', () => {
  it('refuses a CORS preflight, and gives no Access-Control-Allow-Origin', async () => {
    const response = await fetch(endpoint, {
      method: 'OPTIONS',
      headers: { origin: 'https://attacker.example', 'access-control-request-method': 'POST' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a request without SigV4, and one with an Origin', async () => {
    expect((await listTables({})).status).toBe(403);
    const fromPage = await listTables({
      authorization: sigV4Authorization('dynamodb'),
      origin: 'https://a.example',
    });
    expect(fromPage.status).toBe(403);
  });

  it('answers what an AWS SDK sends', async () => {
    const client = new DynamoDBClient(clientConfig(endpoint));
    try {
      expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
    } finally {
      client.destroy();
    }
  });
});

describe('loopback hosts', () => {
  it.each([
    ['127.0.0.1:4566', true],
    ['localhost:4566', true],
    ['[::1]:4566', true],
    ['127.1.2.3', true],
    ['rebound.attacker.example', false],
    ['127.0.0.1.attacker.example', false],
    ['10.0.0.1:4566', false],
  ])('%s → %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});
