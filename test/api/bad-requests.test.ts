// A corpus of bad requests, sent over real HTTP to the local API server of a real local
// cloud (test/fixtures/local/scenarios.yml). Each one must be answered with a 4xx, never a
// 5xx, and a JSON body {"error": {"code", "message"}} whose message says what is wrong; and
// after the whole corpus nothing may have been written: every service's ledger, the
// deployments table and the Step Functions executions are exactly as before.
//
// The cases live in test/support: bad-requests-http.ts (wrong as HTTP), bad-requests-fields.ts
// (fields that do not fit) and bad-requests-values.ts (values refused); a case is defined in
// bad-request-case.ts.
//
// Requests go out on a raw socket, byte for byte: an HTTP client would normalise the very
// paths (`/services/../deployments`, `//services`) and bodies this corpus is about.

import { connect } from 'node:net';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYMENTS_TABLE, LEDGER_TABLE } from '../../local/cloud.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';
import {
  DEPLOY_BODY,
  type BadRequest,
  type Header,
  type RawRequest,
  type RawResponse,
} from '../support/bad-request-case.js';
import {
  actorCases,
  authCases,
  contentTypeCases,
  malformedJsonCases,
  methodCases,
  notObjectCases,
  pathCases,
  sizeCases,
} from '../support/bad-requests-http.js';
import { missingCases, unknownFieldCases, wrongTypeCases } from '../support/bad-requests-fields.js';
import {
  controlCases,
  imageCases,
  planCases,
  reservedActorCases,
  rollbackCases,
  unknownDeploymentCases,
  unknownServiceCases,
} from '../support/bad-requests-values.js';

const CORPUS: BadRequest[] = [
  ...authCases,
  ...actorCases,
  ...malformedJsonCases,
  ...notObjectCases,
  ...wrongTypeCases,
  ...missingCases,
  ...unknownFieldCases,
  ...imageCases,
  ...unknownServiceCases,
  ...unknownDeploymentCases,
  ...planCases,
  ...sizeCases,
  ...contentTypeCases,
  ...pathCases,
  ...methodCases,
  ...rollbackCases,
  ...reservedActorCases,
  ...controlCases,
];

// ------------------------------------------------------------------------------ the cloud

let handle: CloudHandle;
let dynamo: DynamoDBClient;
let before: Awaited<ReturnType<typeof writtenState>>;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
  dynamo = new DynamoDBClient({
    endpoint: handle.cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  before = await writtenState();
});

afterAll(async () => {
  dynamo?.destroy();
  if (handle === undefined) return;
  // The last tests start deployments: stop them, and let the handler calls in flight finish,
  // before the tables close under them.
  for (const execution of handle.cloud.stepFunctions.runningExecutions()) execution.stop();
  const deadline = Date.now() + 5_000;
  while (handle.cloud.functions.busy > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.stop();
});

/** Everything a request could write: ledgers, deployments, service states, both tables whole, executions. */
async function writtenState() {
  const services = Object.keys(handle.catalog.services);
  const perService = async <T>(read: (service: string) => Promise<T>) =>
    Object.fromEntries(await Promise.all(services.map(async (s) => [s, await read(s)] as const)));
  const machines = [...handle.cloud.stepFunctions.machines.keys()];
  const scan = async (TableName: string) =>
    ((await dynamo.send(new ScanCommand({ TableName }))).Items ?? [])
      .map((item) => JSON.stringify(item))
      .sort();
  return {
    ledgers: await perService((s) => handle.clients.ledger.list(s)),
    deployments: await perService((s) => handle.clients.deployments.listByService(s, 100)),
    serviceStates: await perService((s) => handle.clients.serviceStates.get(s)),
    tables: { ledger: await scan(LEDGER_TABLE), deployments: await scan(DEPLOYMENTS_TABLE) },
    executions: Object.fromEntries(
      await Promise.all(
        machines.map(async (stateMachineArn) => {
          const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
          return [stateMachineArn, listed.executions ?? []] as const;
        }),
      ),
    ),
  };
}

/** Sends a request byte for byte and reads the whole answer (the connection closes after it). */
function send(request: RawRequest): Promise<RawResponse> {
  const { hostname, port } = new URL(handle.cloud.apiEndpoint);
  const body = request.body === undefined ? Buffer.alloc(0) : Buffer.from(request.body);
  const headers: Record<string, Header> = {
    host: `${hostname}:${port}`,
    authorization: `Bearer ${handle.cloud.token}`,
    'x-cutover-actor': 'operator:corpus',
    ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
  };
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    headers[name] = typeof value === 'function' ? value(handle.cloud.token) : value;
  }
  const lines = [`${request.method} ${request.path} HTTP/1.1`];
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) lines.push(`${name}: ${one}`);
  }
  lines.push(`content-length: ${body.length}`, 'connection: close', '', '');
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('end', () => {
      const response = parseResponse(Buffer.concat(chunks));
      if (response instanceof Error) reject(response);
      else resolve(response);
    });
    // Not end(): a server that sees the request's side close may drop the answer.
    socket.write(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), body]));
  });
}

function parseResponse(raw: Buffer): RawResponse | Error {
  const split = raw.indexOf('\r\n\r\n');
  if (split < 0) return new Error(`no complete HTTP answer: ${JSON.stringify(raw.toString('latin1'))}`);
  const [statusLine, ...headerLines] = raw.subarray(0, split).toString('latin1').split('\r\n');
  const headers = Object.fromEntries(
    headerLines.map((line) => {
      const colon = line.indexOf(':');
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  let body = raw.subarray(split + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    const parts: Buffer[] = [];
    for (let at = 0; ;) {
      const end = body.indexOf('\r\n', at);
      const size = parseInt(body.subarray(at, end).toString('latin1'), 16);
      if (size === 0) break;
      parts.push(body.subarray(end + 2, end + 2 + size));
      at = end + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  }
  return { status: Number(statusLine!.split(' ')[1]), headers, text: body.toString('utf8') };
}

// ------------------------------------------------------------------------------ the tests

describe('the bad-request corpus', () => {
  it('has at least 100 cases, each named once', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(100);
    expect(new Set(CORPUS.map((c) => c.name)).size).toBe(CORPUS.length);
  });

  it.each(CORPUS)('$name → $status $code', async (request) => {
    const response = await send(request);

    expect(response.status).toBe(request.status);
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(response.text) as {
      error?: { code?: unknown; message?: unknown; problems?: unknown };
    };
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error?.code).toBe(request.code);
    const message = body.error?.message;
    expect(typeof message).toBe('string');
    expect((message as string).trim()).not.toBe('');
    expect(message).toMatch(request.says);
    // Never a stack trace.
    expect(message).not.toMatch(/\n\s+at .+:\d+:\d+/);
    if (request.problem !== undefined) {
      const problems = body.error?.problems as { path: string; message: string }[];
      expect(problems.map((p) => p.path)).toContain(request.problem);
      for (const problem of problems) expect(problem.message.trim()).not.toBe('');
    }
    if (request.allow !== undefined) expect(response.headers.allow).toBe(request.allow);
    if (request.status === 401) expect(response.headers['www-authenticate']).toMatch(/^Bearer /);
  });

  it('wrote nothing: the ledgers, the deployments table and the executions are exactly as before', async () => {
    const after = await writtenState();
    expect(Object.keys(after.executions)).toHaveLength(3);
    expect(after).toEqual(before);
  });

  it('a trailing slash is the same route as without', async () => {
    for (const path of [
      '/services',
      '/services/linear',
      '/services/linear/releases',
      '/services/linear/verify',
      '/services/linear/drift',
    ]) {
      const [plain, slashed] = await Promise.all([
        send({ method: 'GET', path }),
        send({ method: 'GET', path: `${path}/` }),
      ]);
      expect(plain.status).toBe(200);
      expect(slashed.status).toBe(200);
      // The same answer, but for the time a drift check was made and the clock it was answered at.
      const answer = (text: string) => ({
        ...(JSON.parse(text) as object),
        checkedAt: undefined,
        now: undefined,
      });
      expect(answer(slashed.text)).toEqual(answer(plain.text));
    }
  });

  it('the same check sees a write: one good request changes the state it compares', async () => {
    const response = await send({ method: 'POST', path: '/deployments', body: DEPLOY_BODY });
    expect(response.status).toBe(202);
    const { deploymentId } = JSON.parse(response.text) as { deploymentId: string };
    const after = await writtenState();
    expect(after).not.toEqual(before);
    const started = Object.values(after.executions)
      .flat()
      .map((e) => e.name);
    expect(started).toContain(deploymentId);
  });
});

describe('requests Node’s HTTP parser refuses', () => {
  it.each([
    ['a raw control character in the path', '/services/lin\x01ear', 400],
    ['a raw non-ASCII byte in the path', '/services/lin\xe9ar', 400],
    ['a path longer than the header limit (16 KiB)', `/services/${'a'.repeat(20_000)}`, 431],
  ])('%s → a JSON error, not an empty answer', async (_name, path, status) => {
    const response = await send({ method: 'GET', path });
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.text)).toMatchObject({ error: { code: expect.any(String) } });
  });
});
