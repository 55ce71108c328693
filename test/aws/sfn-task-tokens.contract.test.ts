// Contract tests of SfnTaskTokens against moto_server: moto runs a real state machine whose bake
// state waits on `.waitForTaskToken`; the token is read from the execution history, signalled
// through the adapter, and the execution's outcome read back through the SDK.

import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRequests, STEP_FUNCTIONS } from '../../shared/aws/json-requests.js';
import { MAX_CAUSE_LENGTH, MAX_ERROR_LENGTH, SfnTaskTokens } from '../../shared/aws/sfn-task-tokens.js';
import { emulatorClientConfig, motoAvailable, startMoto, type Emulator } from '../../harness/emulators.js';

/**
 * moto 5.2 deep-copies a region's whole Step Functions backend on StartExecution, which fails
 * (500) once an execution is running in that region; so each case runs in a region of its own.
 */
const REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'eu-west-1',
  'eu-west-2',
  'eu-central-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'sa-east-1',
];

interface Bake {
  sfn: SFNClient;
  tokens: SfnTaskTokens;
  executionArn: string;
  token: string;
}

describe.skipIf(!motoAvailable())('SfnTaskTokens against moto_server', () => {
  let moto: Emulator;
  const clients: SFNClient[] = [];

  beforeAll(async () => {
    moto = await startMoto();
    // Without this, moto stores executions but never runs them.
    const response = await fetch(`${moto.endpoint}/moto-api/config`, {
      method: 'POST',
      body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
    });
    expect(response.ok).toBe(true);
  });

  afterAll(async () => {
    for (const client of clients) client.destroy();
    await moto?.stop();
  });

  /** Starts a bake, as the state machines do, and returns its task token once it waits. */
  async function startBake(timeoutSeconds = 300): Promise<Bake> {
    const region = REGIONS[clients.length];
    if (region === undefined) throw new Error('out of regions: add one to REGIONS');
    const sfn = new SFNClient({ ...emulatorClientConfig(moto.endpoint), region });
    clients.push(sfn);
    const machine = await sfn.send(
      new CreateStateMachineCommand({
        name: 'bake',
        roleArn: 'arn:aws:iam::123456789012:role/cutover-state-machine',
        definition: JSON.stringify({
          StartAt: 'Bake',
          States: {
            Bake: {
              Type: 'Task',
              Resource: 'arn:aws:states:::events:putEvents.waitForTaskToken',
              Parameters: {
                Entries: [
                  { Source: 'cutover', DetailType: 'BakeStarted', Detail: { 'token.$': '$$.Task.Token' } },
                ],
              },
              TimeoutSeconds: timeoutSeconds,
              End: true,
            },
          },
        }),
      }),
    );
    const execution = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: machine.stateMachineArn, name: 'dep-1', input: '{}' }),
    );
    const executionArn = execution.executionArn ?? '';
    return {
      sfn,
      tokens: new SfnTaskTokens(
        new JsonRequests(STEP_FUNCTIONS, { ...emulatorClientConfig(moto.endpoint), region }),
      ),
      executionArn,
      token: await waitForToken(sfn, executionArn),
    };
  }

  async function waitForToken(sfn: SFNClient, executionArn: string): Promise<string> {
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const scheduled = history.events?.find((event) => event.type === 'TaskScheduled');
      const parameters = scheduled?.taskScheduledEventDetails?.parameters;
      if (parameters !== undefined) {
        const parsed = JSON.parse(parameters) as { Entries: { Detail: { token: string } }[] };
        const token = parsed.Entries[0]?.Detail.token;
        if (token !== undefined) return token;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`execution ${executionArn} never scheduled its bake task`);
  }

  async function waitUntilEnded(bake: Bake): Promise<DescribeExecutionCommandOutput> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const execution = await bake.sfn.send(
        new DescribeExecutionCommand({ executionArn: bake.executionArn }),
      );
      if (execution.status !== 'RUNNING') return execution;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`execution ${bake.executionArn} is still running`);
  }

  it('resumes the waiting state with the output as JSON', async () => {
    const bake = await startBake();

    await expect(bake.tokens.succeed(bake.token, { verdict: 'baked', minutes: 10 })).resolves.toBe(
      'delivered',
    );

    const execution = await waitUntilEnded(bake);
    expect(execution.status).toBe('SUCCEEDED');
    expect(JSON.parse(execution.output ?? 'null')).toEqual({ verdict: 'baked', minutes: 10 });
  });

  it('fails the waiting state with the error', async () => {
    const bake = await startBake();

    await expect(bake.tokens.fail(bake.token, 'AlarmFired', 'Alarm web-5xx went to ALARM')).resolves.toBe(
      'delivered',
    );

    await expect(waitUntilEnded(bake)).resolves.toMatchObject({ status: 'FAILED', error: 'AlarmFired' });
  });

  // sfn-task-tokens.test.ts checks the cause, and its cut, on the local Step Functions.
  // known moto gap: moto 5.2 drops the `cause` of SendTaskFailure (its execution and history carry
  // only the error), vs AWS documents that the cause is recorded and reported by DescribeExecution, see
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html and
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeExecution.html
  it.fails('fails the waiting state with the cause', async () => {
    const bake = await startBake();

    await bake.tokens.fail(bake.token, 'AlarmFired', 'Alarm web-5xx went to ALARM');

    await expect(waitUntilEnded(bake)).resolves.toMatchObject({ cause: 'Alarm web-5xx went to ALARM' });
  });

  it('cuts the error to the 256 characters SendTaskFailure accepts', async () => {
    const bake = await startBake();
    const error = `AlarmFired${'!'.repeat(400)}`;

    await expect(bake.tokens.fail(bake.token, error, 'cause')).resolves.toBe('delivered');

    const execution = await waitUntilEnded(bake);
    expect(execution.error).toHaveLength(MAX_ERROR_LENGTH);
    expect(execution.error).toBe(error.slice(0, MAX_ERROR_LENGTH));
  });

  // known moto gap: moto 5.2 drops the `cause` of SendTaskFailure, so its length cannot be read
  // back, vs AWS documents a cause of up to 32,768 characters, reported by DescribeExecution, see
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
  it.fails('cuts the cause to the 32,768 characters SendTaskFailure accepts', async () => {
    const bake = await startBake();

    await expect(
      bake.tokens.fail(bake.token, 'AlarmFired', 'x'.repeat(MAX_CAUSE_LENGTH + 5_000)),
    ).resolves.toBe('delivered');

    expect((await waitUntilEnded(bake)).cause).toHaveLength(MAX_CAUSE_LENGTH);
  });

  it('reports a second success for the same task as gone', async () => {
    const bake = await startBake();
    await bake.tokens.succeed(bake.token, { verdict: 'baked' });
    await waitUntilEnded(bake);

    await expect(bake.tokens.succeed(bake.token, { verdict: 'baked' })).resolves.toBe('gone');
  });

  // known moto gap: moto 5.2 accepts SendTaskFailure for a task that already succeeded and answers
  // 200, vs AWS documents TaskTimedOut (or TaskDoesNotExist) for a task that is no longer
  // running, see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
  it.fails('reports a failure for a task that already succeeded as gone', async () => {
    const bake = await startBake();
    await bake.tokens.succeed(bake.token, { verdict: 'baked' });
    await waitUntilEnded(bake);

    await expect(bake.tokens.fail(bake.token, 'AlarmFired', 'too late')).resolves.toBe('gone');
  });

  it('reports a success for a task that timed out as gone', async () => {
    const bake = await startBake(1);
    const execution = await waitUntilEnded(bake);
    expect(execution).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });

    await expect(bake.tokens.succeed(bake.token, { verdict: 'baked' })).resolves.toBe('gone');
  });

  // known moto gap: moto 5.2 accepts SendTaskFailure for a task that timed out and answers 200,
  // vs AWS documents TaskTimedOut, see
  // https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
  it.fails('reports a failure for a task that timed out as gone', async () => {
    const bake = await startBake(1);
    await waitUntilEnded(bake);

    await expect(bake.tokens.fail(bake.token, 'AlarmFired', 'too late')).resolves.toBe('gone');
  });

  it('reports a token Step Functions never issued as gone', async () => {
    const bake = await startBake();

    await expect(bake.tokens.succeed('not-a-task-token', {})).resolves.toBe('gone');
    await expect(bake.tokens.fail('not-a-task-token', 'AlarmFired', 'none')).resolves.toBe('gone');
    expect(
      (await bake.sfn.send(new DescribeExecutionCommand({ executionArn: bake.executionArn }))).status,
    ).toBe('RUNNING');
  });
});
