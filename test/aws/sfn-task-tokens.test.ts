// SfnTaskTokens against the local cloud's Step Functions endpoint, which holds SendTaskSuccess
// and SendTaskFailure to AWS's limits and reports the error and cause a waiting task receives:
// the cases the moto contract test cannot check, as moto drops the cause
// (sfn-task-tokens.contract.test.ts names that gap).

import { SendTaskFailureCommand, SFNClient } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRequests, STEP_FUNCTIONS } from '../../shared/aws/json-requests.js';
import { MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, SfnTaskTokens } from '../../shared/aws/sfn-task-tokens.js';
import { ManualClock } from '../../local/clock.js';
import { LocalStepFunctions, TOKEN_ANSWER_LIMITS } from '../../local/aws/stepfunctions.js';
import { TokenRegistry } from '../../local/stepfunctions/tokens.js';
import { clientConfig, serve, type RunningServer } from '../support/local-server.js';

let server: RunningServer;
let sfn: SFNClient;
let tokens: SfnTaskTokens;
const registry = new TokenRegistry();

beforeAll(async () => {
  const stepFunctions = new LocalStepFunctions({
    clock: new ManualClock(),
    tokens: registry,
    resolve: () => {
      throw new Error('no function runs here');
    },
  });
  server = await serve({
    json: { AWSStepFunctions: { service: stepFunctions.service, contentType: 'application/x-amz-json-1.0' } },
  });
  sfn = new SFNClient({ ...clientConfig(server.endpoint), maxAttempts: 1 });
  tokens = new SfnTaskTokens(
    new JsonRequests(STEP_FUNCTIONS, { ...clientConfig(server.endpoint), maxAttempts: 1 }),
  );
});

afterAll(async () => {
  sfn.destroy();
  await server.close();
});

/** A task paused on a fresh token, and what it is answered with. */
function waitingTask() {
  const token = registry.issue();
  const answer = registry.wait(token).then(
    (output) => ({ output }),
    (error: Error) => ({ error: error.name, cause: error.message }),
  );
  return { token, answer };
}

describe('SfnTaskTokens on the local Step Functions', () => {
  it('holds the local endpoint to the limits the adapter cuts to', () => {
    expect(TOKEN_ANSWER_LIMITS).toMatchObject({ error: MAX_ERROR_LENGTH, cause: MAX_CAUSE_LENGTH });
  });

  it('fails the waiting task with the error and the cause', async () => {
    const task = waitingTask();
    await expect(tokens.fail(task.token, 'AlarmFired', 'Alarm web-5xx went to ALARM')).resolves.toBe(
      'delivered',
    );
    await expect(task.answer).resolves.toEqual({ error: 'AlarmFired', cause: 'Alarm web-5xx went to ALARM' });
  });

  it('cuts the cause to the 32,768 characters SendTaskFailure accepts, which refuses one more', async () => {
    const cause = 'x'.repeat(MAX_CAUSE_LENGTH + 5_000);
    const refused = waitingTask();
    await expect(
      sfn.send(new SendTaskFailureCommand({ taskToken: refused.token, error: 'AlarmFired', cause })),
    ).rejects.toMatchObject({ name: 'ValidationException' });

    await expect(tokens.fail(refused.token, 'AlarmFired', cause)).resolves.toBe('delivered');
    expect(await refused.answer).toEqual({ error: 'AlarmFired', cause: cause.slice(0, MAX_CAUSE_LENGTH) });
  });

  it('cuts the error to 256 characters', async () => {
    const task = waitingTask();
    const error = `AlarmFired${'!'.repeat(400)}`;
    await expect(tokens.fail(task.token, error, 'cause')).resolves.toBe('delivered');
    expect(await task.answer).toEqual({ error: error.slice(0, MAX_ERROR_LENGTH), cause: 'cause' });
  });

  it('never cuts a character in half', async () => {
    const task = waitingTask();
    const cause = `${'x'.repeat(MAX_CAUSE_LENGTH - 1)}😀 and more`;
    await tokens.fail(task.token, 'AlarmFired', cause);
    expect(await task.answer).toEqual({ error: 'AlarmFired', cause: 'x'.repeat(MAX_CAUSE_LENGTH - 1) });
  });

  it('resumes the waiting task with its output as JSON, null for none', async () => {
    const task = waitingTask();
    await expect(tokens.succeed(task.token, { verdict: 'baked' })).resolves.toBe('delivered');
    expect(await task.answer).toEqual({ output: { verdict: 'baked' } });
    const empty = waitingTask();
    await tokens.succeed(empty.token, undefined);
    expect(await empty.answer).toEqual({ output: null });
  });

  it('reports a task already answered, and a token never issued, as gone', async () => {
    const task = waitingTask();
    await tokens.succeed(task.token, {});
    await expect(tokens.fail(task.token, 'AlarmFired', 'too late')).resolves.toBe('gone');
    await expect(tokens.succeed(task.token, {})).resolves.toBe('gone');
    await expect(tokens.fail('not-a-task-token', 'AlarmFired', 'none')).resolves.toBe('gone');
  });
});
