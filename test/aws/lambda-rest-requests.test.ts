// The hook runner's signed REST-JSON Invoke (shared/aws/rest-json-requests.ts), against a
// stand-in for Lambda that checks signatures: the same method, path (an ARN's colons encoded),
// headers and payload the SDK's own Lambda client sends, X-Amz-Function-Error read as the
// SDK reads it, errors named as the SDK names them on the same answer, and an answer that
// does not come within a service's timeout abandoned as transient.

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AwsServiceError, ResourceNotFound, TransientError } from '../../shared/aws/errors.js';
import { LambdaHookRunner } from '../../shared/aws/lambda-hook-runner.js';
import { LAMBDA, RestJsonRequests } from '../../shared/aws/rest-json-requests.js';
import type { HookEvent } from '../../shared/ports/hooks.js';
import { CREDENTIALS, json, StandInAws, type Answer } from '../support/stand-in-aws.js';

const FUNCTION = 'arn:aws:lambda:eu-west-1:123456789012:function:smoke-test';
const EVENT: HookEvent = {
  deploymentId: 'dep-42',
  service: 'web',
  hook: 'BeforeAllowTraffic',
  image: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/web@sha256:${'1a'.repeat(32)}`,
};

let lambda: StandInAws;
beforeAll(async () => {
  lambda = await new StandInAws('lambda').start();
});
afterAll(() => lambda.stop());
beforeEach(() => lambda.reset());

const hooks = (maxAttempts = 1) =>
  new LambdaHookRunner(new RestJsonRequests(LAMBDA, lambda.config({ maxAttempts })));

async function viaSdk(): Promise<unknown> {
  const client = new LambdaClient(lambda.config());
  try {
    return await client.send(
      new InvokeCommand({
        FunctionName: FUNCTION,
        InvocationType: 'RequestResponse',
        Payload: new TextEncoder().encode(JSON.stringify(EVENT)),
      }),
    );
  } catch (error) {
    return error;
  } finally {
    client.destroy();
  }
}

describe('Invoke, as the SDK sends it', () => {
  it('POSTs the event to /2015-03-31/functions/{name}/invocations, signed for lambda', async () => {
    lambda.answer = () => json(200, { status: 'Succeeded', message: 'checked 3 routes' });
    await expect(hooks().run(FUNCTION, EVENT)).resolves.toEqual({
      status: 'Succeeded',
      message: 'checked 3 routes',
    });
    await viaSdk();
    const [ours, theirs] = lambda.received;

    expect(ours!.problem).toBeUndefined();
    expect(ours!.method).toBe('POST');
    expect(ours!.url).toBe(
      '/2015-03-31/functions/arn%3Aaws%3Alambda%3Aeu-west-1%3A123456789012%3Afunction%3Asmoke-test/invocations',
    );
    expect(ours!.url).toBe(theirs!.url);
    for (const header of ['x-amz-invocation-type', 'content-type'])
      expect(ours!.headers[header]).toBe(theirs!.headers[header]);
    expect(ours!.body).toBe(theirs!.body);
    expect(JSON.parse(ours!.body)).toEqual(EVENT);
  });

  it("fails the hook with the function's own error when X-Amz-Function-Error says it raised one", async () => {
    lambda.answer = () =>
      json(
        200,
        { errorType: 'SmokeTestError', errorMessage: 'GET /health answered 503' },
        { 'x-amz-function-error': 'Unhandled' },
      );
    await expect(hooks().run(FUNCTION, EVENT)).resolves.toEqual({
      status: 'Failed',
      message: 'SmokeTestError: GET /health answered 503',
    });
    expect(await viaSdk()).toMatchObject({ FunctionError: 'Unhandled' });
  });
});

describe('errors, named as the SDK names them', () => {
  const typed = (status: number, type: string, message: string): Answer =>
    json(status, { Type: status < 500 ? 'User' : 'Service', message }, { 'x-amzn-errortype': type });
  const CASES = [
    {
      answer: typed(404, 'ResourceNotFoundException', 'Function not found: smoke-test'),
      kind: ResourceNotFound,
    },
    { answer: typed(429, 'TooManyRequestsException', 'Rate exceeded'), kind: TransientError },
    { answer: typed(500, 'ServiceException', 'oops'), kind: TransientError },
    {
      answer: typed(400, 'InvalidRequestContentException', 'Could not parse request body'),
      kind: AwsServiceError,
    },
  ];

  it.each(CASES)('$answer.headers.x-amzn-errortype', async ({ answer, kind }) => {
    lambda.answer = () => answer;
    const name = answer.headers!['x-amzn-errortype'];
    const ours = await new RestJsonRequests(LAMBDA, lambda.config())
      .send({ method: 'POST', path: '/2015-03-31/functions/smoke-test/invocations', body: '{}' })
      .catch((e: unknown) => e);
    const theirs = await viaSdk();

    expect(theirs).toMatchObject({ name });
    expect(ours).toBeInstanceOf(AwsServiceError);
    expect(ours).toMatchObject({ name, $metadata: { httpStatusCode: answer.status } });
    await expect(hooks().run(FUNCTION, EVENT)).rejects.toBeInstanceOf(kind);
  });

  it('tries throttling 3 times in all, as the SDK does', async () => {
    lambda.answer = () => CASES[1]!.answer;
    await expect(hooks(3).run(FUNCTION, EVENT)).rejects.toBeInstanceOf(TransientError);
    expect(lambda.received).toHaveLength(3);
  });
});

describe('waiting for the answer', () => {
  it('waits up to 16 minutes for Invoke (a function may run 15), and abandons a silent service at its timeout', async () => {
    expect(LAMBDA.answerTimeoutMs).toBe(16 * 60_000);
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const requests = new RestJsonRequests(
        { ...LAMBDA, answerTimeoutMs: 200 },
        {
          endpoint: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
          region: 'eu-west-1',
          credentials: CREDENTIALS,
          maxAttempts: 1,
        },
      );
      const error = await requests
        .send({ method: 'POST', path: '/2015-03-31/functions/f/invocations', body: '{}' })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ name: 'TimeoutError', message: expect.stringContaining('within 0.2 s') });
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
