// Each function is built from the environment it is given, never from the process's: its
// clients sign for that environment's region with that environment's credentials, and send to
// that environment's endpoint, its tables and keys are the ones it names. Lambda's `handler`
// is built from process.env at its first call, so importing a function's module builds nothing.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { handlerFor as onAlarm } from '../../functions/on-alarm.js';
import { FUNCTION_NAMES } from '../../local/functions.js';
import { trustedKeyIds } from '../../shared/aws/kms-ledger-keys.js';
import type { Environment } from '../../shared/runtime/env.js';
import { lambdaHandler } from '../../shared/runtime/lambda-handler.js';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint = '';
const received: Received[] = [];

beforeAll(async () => {
  // Answers every DynamoDB Query with no items, and records what it was sent.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ Items: [], Count: 0 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  endpoint = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

/** What serverless.yml sets, in a region and with names the process's environment does not have. */
const environment = (): Environment => ({
  AWS_ENDPOINT_URL: endpoint,
  AWS_REGION: 'eu-west-3',
  AWS_ACCESS_KEY_ID: 'AKIDFROMTHEENVIRONMENT',
  AWS_SECRET_ACCESS_KEY: 'secret',
  CUTOVER_INVOCATION_CREDENTIALS: 'true',
  LEDGER_TABLE: 'its-own-ledger',
  DEPLOYMENTS_TABLE: 'its-own-deployments',
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
});

const alarm = {
  source: 'aws.cloudwatch',
  'detail-type': 'CloudWatch Alarm State Change',
  detail: { alarmName: 'web-5xx', state: { value: 'ALARM' } },
};

describe('a function built from an environment', () => {
  it("reaches that environment's endpoint, in its region, with its credentials and its tables", async () => {
    expect(process.env.AWS_ENDPOINT_URL).toBeUndefined();
    expect(process.env.AWS_REGION).not.toBe('eu-west-3');
    received.length = 0;
    const result = await onAlarm(environment())(alarm, {});
    expect(result).toMatchObject({ alarmName: 'web-5xx', failed: [], skipped: [] });
    expect(received).toHaveLength(1);
    const [query] = received;
    expect(query!.headers['x-amz-target']).toBe('DynamoDB_20120810.Query');
    expect(query!.headers.authorization).toMatch(
      /Credential=AKIDFROMTHEENVIRONMENT\/\d{8}\/eu-west-3\/dynamodb\/aws4_request/,
    );
    expect(JSON.parse(query!.body)).toMatchObject({ TableName: 'its-own-deployments' });
  });

  it('two built from two environments each reach their own', async () => {
    received.length = 0;
    const other = { ...environment(), AWS_REGION: 'ap-south-2', DEPLOYMENTS_TABLE: 'another-table' };
    await Promise.all([onAlarm(environment())(alarm, {}), onAlarm(other)(alarm, {})]);
    const seen = received.map((r) => [
      /\/(\w+-\w+-\d)\/dynamodb\//.exec(r.headers.authorization ?? '')?.[1],
      (JSON.parse(r.body) as { TableName: string }).TableName,
    ]);
    expect(seen.sort()).toEqual([
      ['ap-south-2', 'another-table'],
      ['eu-west-3', 'its-own-deployments'],
    ]);
  });

  it('refuses to build without a variable it needs, naming it', () => {
    const { DEPLOYMENTS_TABLE: _gone, ...missing } = environment();
    expect(() => onAlarm(missing)).toThrow(
      expect.objectContaining({
        name: 'ConfigurationMissing',
        message: expect.stringContaining('DEPLOYMENTS_TABLE'),
      }),
    );
  });

  it("trusts the ledger keys that environment names, not the process's", () => {
    vi.stubEnv('LEDGER_PREVIOUS_KEY_IDS', 'arn:aws:kms:us-east-1:123456789012:key/process');
    try {
      const env = {
        LEDGER_KEY_ID: 'arn:key/now',
        LEDGER_PREVIOUS_KEY_IDS: ' arn:key/before , ,arn:key/older',
      };
      expect(trustedKeyIds(env)).toEqual(['arn:key/now', 'arn:key/before', 'arn:key/older']);
      expect(trustedKeyIds({ LEDGER_KEY_ID: 'arn:key/now' })).toEqual(['arn:key/now']);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});

describe("Lambda's handler", () => {
  it('is built from process.env at its first call, once; a failed build is a failed call, tried again', async () => {
    const builds: Environment[] = [];
    let fail = true;
    const handler = lambdaHandler((env) => {
      builds.push(env);
      if (fail) throw new Error('DEPLOYMENTS_TABLE is not set');
      return (event: string) => Promise.resolve(`handled ${event}`);
    });
    expect(builds).toEqual([]);
    await expect(handler('first', undefined as never)).rejects.toThrow('DEPLOYMENTS_TABLE is not set');
    fail = false;
    expect(await handler('second', undefined as never)).toBe('handled second');
    expect(await handler('third', undefined as never)).toBe('handled third');
    expect(builds).toHaveLength(2);
    expect(builds.every((env) => env === process.env)).toBe(true);
  });

  it("of every function is importable without the function's variables", async () => {
    const before = { ...process.env };
    for (const name of Object.keys(process.env))
      if (/TABLE|LEDGER|BAKE|ARN|CATALOG/.test(name)) vi.stubEnv(name, '');
    try {
      vi.resetModules();
      for (const name of FUNCTION_NAMES) {
        const module = (await import(`../../functions/${name}.ts`)) as Record<string, unknown>;
        expect(typeof module.handler, name).toBe('function');
        expect(typeof module.handlerFor, name).toBe('function');
      }
    } finally {
      vi.unstubAllEnvs();
    }
    expect(process.env).toEqual(before);
  });
});
