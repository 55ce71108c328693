// The local Lambda, through the SDK's LambdaClient as the hook runner reaches it: results,
// function errors and timeouts answered as Lambda answers them, names and ARNs resolved as
// Lambda resolves them, Lambda's limits, and IAM asked about `lambda:InvokeFunction` on the
// function's ARN.

import { InvokeCommand, LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalLambda, type LocalHandler } from '../../local/aws/lambda.js';
import { ScaledClock } from '../../local/clock.js';
import { authorizationsFor } from '../../local/iam/requests.js';
import { clientConfig, serve, type RunningServer } from '../support/local-server.js';

const SCOPE = { partition: 'aws', region: 'us-east-1', account: '000000000000' };
const ARN = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;

/** The local cloud's clock at 1000×: a 3 s timeout is 3 ms. */
const fastClock = new ScaledClock(1000);

const asked: { prefix: string; action: string; input: Record<string, unknown> }[] = [];
let server: RunningServer;
let client: LambdaClient;

function register(lambda: LocalLambda, name: string, handler: LocalHandler, timeoutSeconds = 3) {
  lambda.register({ name, handler, timeoutSeconds });
}

beforeAll(async () => {
  const lambda = new LocalLambda(SCOPE, fastClock);
  register(lambda, 'echo', (event, context) => ({
    event,
    name: context.functionName,
    arn: context.invokedFunctionArn,
  }));
  register(lambda, 'nothing', () => undefined);
  register(lambda, 'throws', () => {
    throw new TypeError('smoke test: GET /health answered 500');
  });
  register(lambda, 'rejects', () => Promise.reject(new Error('database check failed')));
  register(lambda, 'hangs', () => new Promise(() => {}), 3);
  register(lambda, 'huge', () => 'x'.repeat(7 * 1024 * 1024));
  server = await serve({
    lambda,
    authorize: (req, prefix, action, input) => {
      asked.push({ prefix, action, input });
      return String(req.headers.authorization).includes('Credential=denied/')
        ? `User: denied is not authorized to perform: ${prefix}:${action} on resource: ${String(input.FunctionName)}`
        : null;
    },
  });
  client = new LambdaClient({ ...clientConfig(server.endpoint), maxAttempts: 1 });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
});

const invoke = (
  FunctionName: string,
  payload: unknown = {},
  InvocationType?: 'RequestResponse' | 'DryRun' | 'Event',
) =>
  client.send(
    new InvokeCommand({
      FunctionName,
      ...(InvocationType === undefined ? {} : { InvocationType }),
      Payload: new TextEncoder().encode(typeof payload === 'string' ? payload : JSON.stringify(payload)),
    }),
  );

const payloadOf = (output: InvokeCommandOutput) =>
  JSON.parse(new TextDecoder().decode(output.Payload)) as unknown;

const refusal = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the invocation to be refused');
    },
    (error: Error & { $metadata?: { httpStatusCode?: number } }) => ({
      name: error.name,
      message: error.message,
      status: error.$metadata?.httpStatusCode,
    }),
  );

describe('the local Lambda answers Invoke as Lambda does', () => {
  it('runs the handler with the event and a context, and answers its result', async () => {
    const output = await invoke('echo', { deploymentId: 'd-1' });
    expect(output.StatusCode).toBe(200);
    expect(output.FunctionError).toBeUndefined();
    expect(output.ExecutedVersion).toBe('$LATEST');
    expect(payloadOf(output)).toEqual({ event: { deploymentId: 'd-1' }, name: 'echo', arn: ARN('echo') });
  });

  it('answers null for a handler that returns nothing', async () => {
    expect(payloadOf(await invoke('nothing'))).toBeNull();
  });

  it.each([
    ['throws', 'TypeError', 'smoke test: GET /health answered 500'],
    ['rejects', 'Error', 'database check failed'],
  ])(
    'a handler that %s is a 200 marked Unhandled, with its error type and message',
    async (name, type, message) => {
      const output = await invoke(name);
      expect(output.StatusCode).toBe(200);
      expect(output.FunctionError).toBe('Unhandled');
      expect(payloadOf(output)).toMatchObject({
        errorType: type,
        errorMessage: message,
        trace: expect.any(Array),
      });
    },
  );

  it('a handler past its timeout fails the invocation as Lambda does: Sandbox.Timedout', async () => {
    const output = await invoke('hangs');
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toMatchObject({
      errorType: 'Sandbox.Timedout',
      errorMessage: expect.stringMatching(/Task timed out after 3\.00 seconds$/),
    });
  });

  it('a result over 6 MB fails the invocation', async () => {
    const output = await invoke('huge');
    expect(output.FunctionError).toBe('Unhandled');
    expect(payloadOf(output)).toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
  });

  it('a DryRun answers 204 and runs nothing', async () => {
    const output = await invoke('throws', {}, 'DryRun');
    expect(output.StatusCode).toBe(204);
    expect(output.FunctionError).toBeUndefined();
  });

  it('an Event invocation is refused with a message that says it is not served locally', async () => {
    expect(await refusal(invoke('echo', {}, 'Event'))).toMatchObject({
      name: 'InvalidParameterValueException',
      message: expect.stringContaining('Event (asynchronous) is not served locally'),
    });
  });
});

describe('names, ARNs and limits', () => {
  it.each([ARN('echo'), '000000000000:function:echo', `${ARN('echo')}:$LATEST`])(
    '%s names the function',
    async (name) => {
      expect(payloadOf(await invoke(name))).toMatchObject({ name: 'echo' });
    },
  );

  it.each([
    ['an unknown name', 'no-such-function'],
    ['an ARN in another account', 'arn:aws:lambda:us-east-1:111111111111:function:echo'],
    ['an ARN in another region', 'arn:aws:lambda:eu-west-1:000000000000:function:echo'],
    ['a version the local cloud does not keep', `${ARN('echo')}:3`],
  ])('%s is ResourceNotFoundException (404)', async (_, name) => {
    expect(await refusal(invoke(name))).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });

  it('a payload that is not JSON is InvalidRequestContentException', async () => {
    expect(await refusal(invoke('echo', '{not json'))).toMatchObject({
      name: 'InvalidRequestContentException',
      status: 400,
    });
  });

  it('a payload over 6 MB is RequestTooLargeException', async () => {
    expect(await refusal(invoke('echo', 'x'.repeat(6 * 1024 * 1024 + 1)))).toMatchObject({
      name: 'RequestTooLargeException',
      status: 413,
    });
  });
});

describe('IAM', () => {
  it('asks about lambda:InvokeFunction on the function ARN, with the qualifier when one is given', async () => {
    asked.length = 0;
    await invoke('echo');
    await invoke(`${ARN('echo')}:$LATEST`);
    expect(asked).toEqual([
      { prefix: 'lambda', action: 'InvokeFunction', input: { FunctionName: ARN('echo') } },
      { prefix: 'lambda', action: 'InvokeFunction', input: { FunctionName: `${ARN('echo')}:$LATEST` } },
    ]);
    expect(authorizationsFor('lambda', 'InvokeFunction', { FunctionName: ARN('echo') }, SCOPE)).toEqual([
      { action: 'lambda:InvokeFunction', resource: ARN('echo') },
    ]);
  });

  it('a denied caller gets AccessDeniedException (403), and the handler does not run', async () => {
    const denied = new LambdaClient({
      ...clientConfig(server.endpoint),
      credentials: { accessKeyId: 'denied', secretAccessKey: 'x' },
      maxAttempts: 1,
    });
    try {
      expect(await refusal(denied.send(new InvokeCommand({ FunctionName: 'throws' })))).toMatchObject({
        name: 'AccessDeniedException',
        status: 403,
        message: expect.stringContaining(`lambda:InvokeFunction on resource: ${ARN('throws')}`),
      });
    } finally {
      denied.destroy();
    }
  });
});
