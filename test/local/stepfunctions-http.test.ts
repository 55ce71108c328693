// HTTP Tasks (`arn:aws:states:::http:invoke`) on the real local cloud: a small state machine
// made for these tests calls a local HTTP server with an EventBridge connection's credentials,
// as the state machine's role. Each path Step Functions documents: the answer as the output,
// a non-2xx answer caught by its States.Http.StatusCode.<code>, the connection's API key, Basic
// credentials and parameters sent, a missing connection, each permission the role lacks, a
// request or answer Step Functions refuses, and timeouts.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CreateConnectionCommand,
  DeleteConnectionCommand,
  EventBridgeClient,
} from '@aws-sdk/client-eventbridge';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Statement } from '../../local/iam/policy.js';
import { prepareDefinition } from '../../local/stepfunctions/definition.js';
import { httpInvoker } from '../../local/stepfunctions/http-task.js';
import { generatedRole } from '../../local/stepfunctions/machine-role.js';
import { TaskFailure } from '../../local/errors.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';

const REGION = 'us-east-1';
let handle: CloudHandle;
let events: EventBridgeClient;
let server: Server;
let base: string;
let keyConnection: string;
let basicConnection: string;
/** What the endpoint received, newest last. */
const received: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
  events = new EventBridgeClient({
    endpoint: handle.cloud.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      });
      const path = new URL(req.url!, 'http://x').pathname;
      if (path === '/hang') return; // never answers
      if (path === '/fail') {
        res.writeHead(503, 'Service Unavailable', { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ message: 'smoke test failed: 3 of 10 requests were 5xx' }));
      }
      if (path === '/text') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        return void res.end('all good');
      }
      if (path === '/image') {
        res.writeHead(200, { 'content-type': 'image/png' });
        return void res.end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
      }
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r-1' });
      res.end(JSON.stringify({ status: 'Succeeded', message: 'healthy' }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const key = await events.send(
    new CreateConnectionCommand({
      Name: 'smoke-key',
      AuthorizationType: 'API_KEY',
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'key-123' },
        InvocationHttpParameters: {
          HeaderParameters: [{ Key: 'x-team', Value: 'platform', IsValueSecret: false }],
          QueryStringParameters: [{ Key: 'tenant', Value: 'acme', IsValueSecret: false }],
          BodyParameters: [{ Key: 'source', Value: 'cutover', IsValueSecret: false }],
        },
      },
    }),
  );
  keyConnection = key.ConnectionArn!;
  const basic = await events.send(
    new CreateConnectionCommand({
      Name: 'smoke-basic',
      AuthorizationType: 'BASIC',
      AuthParameters: { BasicAuthParameters: { Username: 'cutover', Password: 'pa55' } },
    }),
  );
  basicConnection = basic.ConnectionArn!;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  events?.destroy();
  await handle?.stop();
});

beforeEach(() => {
  received.length = 0;
});

let machines = 0;

/** A state machine of one HTTP Task (then `after`), made as the plugin would make its role unless `statements` are given. */
function machine(
  task: Record<string, unknown>,
  options: { statements?: Statement[]; after?: Record<string, unknown> } = {},
) {
  const name = `http-test-${++machines}`;
  const arn = `arn:aws:states:${REGION}:${handle.cloud.scope.account}:stateMachine:${name}`;
  const asl = {
    StartAt: 'CallHook',
    States: {
      CallHook: {
        Type: 'Task',
        Resource: 'arn:aws:states:::http:invoke',
        ...task,
        End: true,
      },
      ...(options.after ?? {}),
    },
  };
  const role = generatedRole(asl, name, handle.cloud.scope);
  handle.cloud.stepFunctions.addStateMachine({
    name,
    arn,
    definition: JSON.stringify(asl),
    prepared: prepareDefinition(asl),
    createdAt: handle.cloud.clock.now(),
    role: options.statements === undefined ? role : { ...role, statements: options.statements },
  });
  return arn;
}

async function run(stateMachineArn: string, input: unknown = {}) {
  const sfn = handle.clients.sfn;
  const { executionArn } = await sfn.send(
    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify(input) }),
  );
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== 'RUNNING') {
      const { events: history = [] } = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      return { ...described, history };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

const get = (path: string, connection = () => keyConnection) => ({
  Parameters: {
    ApiEndpoint: `${base}${path}`,
    Method: 'GET',
    Authentication: { ConnectionArn: connection() },
  },
});

describe('an HTTP Task on the local cloud', () => {
  it('succeeds with the answer as its output, a JSON body parsed, and records Task events for http:invoke', async () => {
    const arn = machine({
      Parameters: {
        'ApiEndpoint.$': "States.Format('{}/hooks/{}', $.base, $.hook)",
        Method: 'GET',
        InvocationConfig: { ConnectionArn: keyConnection },
        QueryParameters: { deployment: 'd-1', tenant: 'overridden' },
      },
    });
    const execution = await run(arn, { base, hook: 'BeforeAllowTraffic' });
    expect(execution.status).toBe('SUCCEEDED');
    const output = JSON.parse(execution.output!) as Record<string, unknown>;
    expect(output).toMatchObject({
      ResponseBody: { status: 'Succeeded', message: 'healthy' },
      StatusCode: '200',
      StatusText: 'OK',
      Headers: { 'content-type': ['application/json; charset=utf-8'], 'x-request-id': ['r-1'] },
    });
    const types = execution.history.map((e) => e.type);
    expect(types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = execution.history.find((e) => e.type === 'TaskScheduled')!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'http', resource: 'invoke', region: REGION });
    expect(JSON.parse(scheduled.parameters!)).toMatchObject({
      ApiEndpoint: `${base}/hooks/BeforeAllowTraffic`,
    });
    expect(
      execution.history.find((e) => e.type === 'TaskSucceeded')!.taskSucceededEventDetails,
    ).toMatchObject({
      resourceType: 'http',
      resource: 'invoke',
    });
    // The connection's query parameter wins over the Task's.
    expect(received).toHaveLength(1);
    expect(received[0]!.url).toBe('/hooks/BeforeAllowTraffic?deployment=d-1&tenant=acme');
  });

  it('sends the API key and the connection’s headers, and the headers Step Functions sets', async () => {
    await run(machine(get('/ok')));
    expect(received[0]!.headers).toMatchObject({
      'x-api-key': 'key-123',
      'x-team': 'platform',
      'user-agent': `Amazon|StepFunctions|HttpInvoke|${REGION}`,
      range: 'bytes=0-262144',
    });
    expect(received[0]!.headers.authorization).toBeUndefined();
  });

  it('sends Basic credentials and a JSON body; a text answer stays text', async () => {
    const arn = machine({
      Parameters: {
        ApiEndpoint: `${base}/text`,
        Method: 'POST',
        Authentication: { ConnectionArn: basicConnection },
        RequestBody: { 'deployment.$': '$.id', hook: 'AfterAllowTestTraffic' },
      },
    });
    const execution = await run(arn, { id: 'd-7' });
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output!)).toMatchObject({ ResponseBody: 'all good', StatusCode: '200' });
    const [request] = received;
    expect(request!.headers.authorization).toBe(`Basic ${Buffer.from('cutover:pa55').toString('base64')}`);
    expect(request!.headers['content-type']).toBe('application/json; charset=UTF-8');
    expect(JSON.parse(request!.body)).toEqual({ deployment: 'd-7', hook: 'AfterAllowTestTraffic' });
  });

  it('merges the connection’s body parameters and URL-encodes the body when Transform asks', async () => {
    const arn = machine({
      Parameters: {
        ApiEndpoint: `${base}/ok`,
        Method: 'POST',
        Authentication: { ConnectionArn: keyConnection },
        Headers: { 'content-type': 'application/x-www-form-urlencoded' },
        RequestBody: { source: 'overridden', hooks: ['a', 'b'], meta: { by: 'ci bot' } },
        Transform: {
          RequestBodyEncoding: 'URL_ENCODED',
          RequestEncodingOptions: { ArrayFormat: 'BRACKETS' },
        },
      },
    });
    expect((await run(arn)).status).toBe('SUCCEEDED');
    expect(received[0]!.body).toBe('source=cutover&hooks%5B%5D=a&hooks%5B%5D=b&meta%5Bby%5D=ci%20bot');
  });

  it('fails a non-2xx answer with States.Http.StatusCode.<code>, which a Catch catches, the answer as the cause', async () => {
    const arn = machine(
      {
        ...get('/fail'),
        Catch: [{ ErrorEquals: ['States.Http.StatusCode.503'], ResultPath: '$.failure', Next: 'HookFailed' }],
      },
      { after: { HookFailed: { Type: 'Pass', End: true } } },
    );
    const execution = await run(arn);
    expect(execution.status).toBe('SUCCEEDED');
    const { failure } = JSON.parse(execution.output!) as { failure: { Error: string; Cause: string } };
    expect(failure.Error).toBe('States.Http.StatusCode.503');
    expect(JSON.parse(failure.Cause)).toMatchObject({
      StatusCode: '503',
      StatusText: 'Service Unavailable',
      ResponseBody: { message: 'smoke test failed: 3 of 10 requests were 5xx' },
    });
    expect(execution.history.find((e) => e.type === 'TaskFailed')!.taskFailedEventDetails).toMatchObject({
      resourceType: 'http',
      resource: 'invoke',
      error: 'States.Http.StatusCode.503',
    });
  });

  it('fails with Events.ConnectionResource.ResourceNotFound when the connection is gone, sending nothing', async () => {
    const gone = await events.send(
      new CreateConnectionCommand({
        Name: 'gone',
        AuthorizationType: 'BASIC',
        AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'p' } },
      }),
    );
    await events.send(new DeleteConnectionCommand({ Name: 'gone' }));
    const execution = await run(machine(get('/ok', () => gone.ConnectionArn!)));
    expect(execution).toMatchObject({
      status: 'FAILED',
      error: 'Events.ConnectionResource.ResourceNotFound',
    });
    expect(received).toEqual([]);
  });

  const asPlugin = () =>
    generatedRole(
      { States: { T: { ...get('/ok'), Resource: 'arn:aws:states:::http:invoke' } } },
      'x',
      handle.cloud.scope,
    ).statements;
  const without = (action: string) =>
    asPlugin().map((s) => ({ ...s, Action: [s.Action ?? []].flat().filter((a) => a !== action) }));

  it.each([
    ['events:RetrieveConnectionCredentials', 'Events.ConnectionResource.AccessDenied'],
    ['secretsmanager:DescribeSecret', 'Events.ConnectionResource.AccessDenied'],
    ['secretsmanager:GetSecretValue', 'Events.ConnectionResource.AccessDenied'],
    ['states:InvokeHTTPEndpoint', 'States.Permissions'],
  ])(
    'without %s, the role fails the Task with %s, naming the action, and nothing is sent',
    async (action, error) => {
      const execution = await run(machine(get('/ok'), { statements: without(action) }));
      expect(execution).toMatchObject({ status: 'FAILED', error });
      expect(execution.cause).toMatch(
        new RegExp(`assumed-role/http-test-\\d+-role/states is not authorized to perform: ${action}`),
      );
      expect(received).toEqual([]);
    },
  );

  it('holds states:InvokeHTTPEndpoint to its states:HTTPMethod and states:HTTPEndpoint conditions', async () => {
    const limited = (method: string, endpoint: string): Statement[] => [
      ...without('states:InvokeHTTPEndpoint'),
      {
        Effect: 'Allow',
        Action: 'states:InvokeHTTPEndpoint',
        Resource: `arn:aws:states:${REGION}:${handle.cloud.scope.account}:stateMachine:*`,
        Condition: {
          StringEquals: { 'states:HTTPMethod': method },
          StringLike: { 'states:HTTPEndpoint': endpoint },
        },
      },
    ];
    expect((await run(machine(get('/ok'), { statements: limited('GET', `${base}/*`) }))).status).toBe(
      'SUCCEEDED',
    );
    expect(await run(machine(get('/ok'), { statements: limited('POST', `${base}/*`) }))).toMatchObject({
      status: 'FAILED',
      error: 'States.Permissions',
    });
    expect(
      await run(machine(get('/ok'), { statements: limited('GET', 'https://hooks.example.com/*') })),
    ).toMatchObject({
      status: 'FAILED',
      error: 'States.Permissions',
    });
  });

  const refused: [string, () => Record<string, unknown>, RegExp][] = [
    [
      'a header Step Functions sets itself',
      () => ({ Headers: { Host: 'elsewhere' } }),
      /may not set the header Host/,
    ],
    ['an x-amz- header', () => ({ Headers: { 'X-Amz-Date': 'now' } }), /may not set the header X-Amz-Date/],
    [
      'plain http to another machine',
      () => ({ ApiEndpoint: 'http://hooks.example.com/ok' }),
      /must be an https:\/\/ URL/,
    ],
    ['an unknown method', () => ({ Method: 'TRACE' }), /Method must be one of/],
  ];
  // The cases are read once the connections exist: get() names one.
  it.each(refused)('fails %s with States.Runtime before sending anything', async (_what, change, cause) => {
    const execution = await run(machine({ Parameters: { ...get('/ok').Parameters, ...change() } }));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(execution.cause).toMatch(cause);
    expect(received).toEqual([]);
  });

  it('fails an image answer with States.Runtime', async () => {
    expect(await run(machine(get('/image')))).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
  });

  it('times out with States.Timeout after the Task’s TimeoutSeconds (real seconds at the speed asked for)', async () => {
    const execution = await run(machine({ ...get('/hang'), TimeoutSeconds: 1 }));
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
    expect(execution.history.map((e) => e.type)).toContain('TaskTimedOut');
  });

  it('names the state machine’s role in DescribeStateMachine', async () => {
    const arn = machine(get('/ok'));
    const described = await handle.clients.sfn.send(
      new DescribeStateMachineCommand({ stateMachineArn: arn }),
    );
    expect(described.roleArn).toBe(
      `arn:aws:iam::${handle.cloud.scope.account}:role/${arn.split(':').at(-1)}-role`,
    );
  });

  it('refuses, at creation, an HTTP Task with no connection', () => {
    expect(() =>
      prepareDefinition({
        StartAt: 'A',
        States: {
          A: {
            Type: 'Task',
            Resource: 'arn:aws:states:::http:invoke',
            Parameters: { ApiEndpoint: base, Method: 'GET' },
            End: true,
          },
        },
      }),
    ).toThrow(/state A: an HTTP Task .* needs a ConnectionArn/);
  });
});

describe('the HTTP Task’s own time limit', () => {
  it('ends a request that takes longer than the limit (60 s on AWS) with States.Http.Socket', async () => {
    const invoke = httpInvoker({
      region: REGION,
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
      connection: (arn) => handle.cloud.events.connections.byArn(arn),
      authorize: () => null,
      timeoutMs: 200,
    });
    const call = invoke(get('/hang').Parameters, new AbortController().signal);
    await expect(call).rejects.toBeInstanceOf(TaskFailure);
    await expect(call).rejects.toMatchObject({
      name: 'States.Http.Socket',
      message: /took longer than 0.2 seconds/,
    });
  });

  it('fails with States.Http.Socket when nothing listens', async () => {
    const port = await freePort();
    const invoke = httpInvoker({
      region: REGION,
      stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:m',
      connection: (arn) => handle.cloud.events.connections.byArn(arn),
      authorize: () => null,
    });
    const parameters = { ...get('/ok').Parameters, ApiEndpoint: `http://127.0.0.1:${port}/ok` };
    await expect(invoke(parameters, new AbortController().signal)).rejects.toMatchObject({
      name: 'States.Http.Socket',
    });
  });
});
