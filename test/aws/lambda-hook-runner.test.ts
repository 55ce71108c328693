// LambdaHookRunner's verdicts, over the local cloud's Lambda (local/aws/lambda.ts), which runs
// hook functions in this process: the cases the moto contract test cannot run, as moto runs no
// function without Docker (lambda-hook-runner.contract.test.ts names that gap).

import { LambdaClient } from '@aws-sdk/client-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import { LambdaHookRunner } from '../../shared/aws/lambda-hook-runner.js';
import type { HookEvent } from '../../shared/ports/hooks.js';
import { LocalLambda, type LocalHandler } from '../../local/aws/lambda.js';
import { ScaledClock } from '../../local/clock.js';
import { clientConfig, serve, type RunningServer } from '../support/local-server.js';

const EVENT: HookEvent = {
  deploymentId: 'dep-42',
  service: 'web',
  hook: 'BeforeAllowTraffic',
  image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'1a'.repeat(32)}`,
};

class SmokeTestError extends Error {
  override readonly name = 'SmokeTestError';
}

let server: RunningServer;
let hooks: LambdaHookRunner;
let lambda: LambdaClient;
/** The events the `passes` function was invoked with. */
const received: unknown[] = [];

const HOOK_FUNCTIONS: Record<string, LocalHandler> = {
  passes: (event) => {
    received.push(event);
    return { status: 'Succeeded' };
  },
  'passes-with-a-note': () => ({ status: 'Succeeded', message: 'checked 3 routes' }),
  fails: () => ({ status: 'Failed', message: 'GET /health answered 503' }),
  'fails-silently': () => ({ status: 'Failed' }),
  'returns-anything': (event) => ({ checked: (event as HookEvent).image }),
  'returns-nothing': () => undefined,
  throws: () => {
    throw new SmokeTestError('smoke test crashed');
  },
  'says-too-much': () => ({ status: 'Failed', message: 'x'.repeat(5_000) }),
  'ecs-succeeds': () => ({ hookStatus: 'SUCCEEDED' }),
  'ecs-fails': () => ({ hookStatus: 'FAILED' }),
  'ecs-in-progress': (event) => ({
    hookStatus: 'IN_PROGRESS',
    callBackDelay: 15,
    hookDetails: { checks: (((event as HookEvent).hookDetails?.checks as number | undefined) ?? 0) + 1 },
  }),
  'typo-in-status': () => ({ status: 'Succeded' }),
};

beforeAll(async () => {
  const local = new LocalLambda(
    { partition: 'aws', region: 'us-east-1', account: '000000000000' },
    new ScaledClock(1),
  );
  for (const [name, handler] of Object.entries(HOOK_FUNCTIONS))
    local.register({ name, handler, timeoutSeconds: 30 });
  server = await serve({ lambda: local });
  lambda = new LambdaClient({ ...clientConfig(server.endpoint), maxAttempts: 1 });
  hooks = new LambdaHookRunner(lambda);
});

afterAll(async () => {
  lambda.destroy();
  await server.close();
});

describe('LambdaHookRunner', () => {
  it('sends the hook event to the function as JSON, synchronously', async () => {
    await hooks.run('passes', EVENT);
    expect(received.at(-1)).toEqual(EVENT);
  });

  it('reports Succeeded when the hook returns {status: "Succeeded"}, with its message if any', async () => {
    await expect(hooks.run('passes', EVENT)).resolves.toEqual({ status: 'Succeeded' });
    await expect(hooks.run('passes-with-a-note', EVENT)).resolves.toEqual({
      status: 'Succeeded',
      message: 'checked 3 routes',
    });
  });

  it('reports Failed, with its message, when the hook returns {status: "Failed"}', async () => {
    await expect(hooks.run('fails', EVENT)).resolves.toEqual({
      status: 'Failed',
      message: 'GET /health answered 503',
    });
    await expect(hooks.run('fails-silently', EVENT)).resolves.toEqual({
      status: 'Failed',
      message: 'the hook answered Failed without a message',
    });
  });

  it("reads ECS's lifecycle-hook contract: SUCCEEDED, FAILED, and IN_PROGRESS with its delay and details", async () => {
    await expect(hooks.run('ecs-succeeds', EVENT)).resolves.toEqual({ status: 'Succeeded' });
    await expect(hooks.run('ecs-fails', EVENT)).resolves.toEqual({
      status: 'Failed',
      message: 'the hook answered hookStatus FAILED',
    });
    await expect(hooks.run('ecs-in-progress', { ...EVENT, hookDetails: { checks: 2 } })).resolves.toEqual({
      status: 'InProgress',
      callBackDelaySeconds: 15,
      hookDetails: { checks: 3 },
    });
  });

  it('fails closed: anything else, nothing, or a typo fails the hook, with the answer quoted', async () => {
    await expect(hooks.run('returns-anything', EVENT)).resolves.toEqual({
      status: 'Failed',
      message: `the hook answered {"checked":"${EVENT.image}"}, which is neither Cutover's {status: 'Succeeded' | 'Failed'} nor ECS's {hookStatus: 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS'}`,
    });
    await expect(hooks.run('returns-nothing', EVENT)).resolves.toMatchObject({
      status: 'Failed',
      message: expect.stringContaining('the hook answered null, which is neither'),
    });
    await expect(hooks.run('typo-in-status', EVENT)).resolves.toMatchObject({
      status: 'Failed',
      message: expect.stringContaining(`the hook answered status "Succeded", not 'Succeeded' or 'Failed'`),
    });
  });

  it('reports Failed with "errorType: errorMessage" when the hook throws', async () => {
    await expect(hooks.run('throws', EVENT)).resolves.toEqual({
      status: 'Failed',
      message: 'SmokeTestError: smoke test crashed',
    });
  });

  it('cuts a message to 1,000 characters, ending it with an ellipsis', async () => {
    const result = await hooks.run('says-too-much', EVENT);
    const message = result.status === 'Failed' ? result.message : undefined;
    expect(message).toHaveLength(1_000);
    expect(message).toBe(`${'x'.repeat(999)}…`);
  });

  it('throws ResourceNotFound naming a hook function that does not exist', async () => {
    const error = await hooks.run('never-deployed', EVENT).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ResourceNotFound);
    expect((error as Error).message).toContain('never-deployed');
  });
});
