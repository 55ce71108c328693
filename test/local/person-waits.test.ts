// Which clock times out a task-token wait on the local Step Functions. A wait for a person
// (request-approval) is bounded in real time: at 600x the catalog's window would otherwise
// close in a blink. A bake's wait stays on the simulated clock. And a task that ends leaves
// nothing behind: its token is dead for late answers and no listener stays on the execution.

import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/aws/stepfunctions.js';
import { ScaledClock } from '../../local/clock.js';
import { prepareDefinition } from '../../local/stepfunctions/definition.js';
import { TokenRegistry } from '../../local/stepfunctions/tokens.js';

const SPEED = 600;
const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:waits';
const WAIT_FOR_TOKEN = 'arn:aws:states:::lambda:invoke.waitForTaskToken';

/** A Task that hands its token to `fn` and waits for it, `timeoutSeconds` at most. */
const tokenTask = (fn: string, timeoutSeconds: number, next?: string) => ({
  Type: 'Task',
  Resource: WAIT_FOR_TOKEN,
  Parameters: { FunctionName: fn, Payload: { 'token.$': '$$.Task.Token' } },
  TimeoutSeconds: timeoutSeconds,
  ...(next === undefined
    ? { End: true }
    : { Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: next }], Next: next }),
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let stopAll: (() => void) | undefined;
afterEach(() => stopAll?.());

/** The local Step Functions at 600x, with one state machine; `tokens` are those handed out, in order. */
function cloudWith(definition: Record<string, unknown>) {
  const registry = new TokenRegistry();
  const tokens: string[] = [];
  const sfn = new LocalStepFunctions({
    clock: new ScaledClock(SPEED),
    tokens: registry,
    resolve: () => (event) => {
      tokens.push((event as { token: string }).token);
      return Promise.resolve({});
    },
  });
  sfn.addStateMachine({
    name: 'waits',
    arn: MACHINE,
    definition: JSON.stringify(definition),
    prepared: prepareDefinition(definition),
    createdAt: 0,
  });
  stopAll = () => sfn.runningExecutions().forEach((e) => e.stop());
  const start = () => {
    const arn = sfn.start({ stateMachineArn: MACHINE }).executionArn;
    const execution = sfn.runningExecutions().find((e) => e.executionArn === arn)!;
    return { execution, startedAt: Date.now() };
  };
  const answer = (token: string) =>
    sfn.service.operations.SendTaskSuccess!({ taskToken: token, output: '{}' });
  return { sfn, registry, tokens, start, answer };
}

const approval = { StartAt: 'Approve', States: { Approve: tokenTask('request-approval', 2) } };

describe('a wait for a person on the local cloud', () => {
  it('is still open long after its timeout on the fast clock, and times out after its real seconds', async () => {
    const { start, tokens, registry, answer } = cloudWith(approval);
    const { execution, startedAt } = start();
    // 1 real second is 600 simulated ones: 300 times the timeout, were it on the simulated clock.
    await sleep(1000);
    expect(execution.status).toBe('RUNNING');
    expect(registry.isWaiting(tokens[0]!)).toBe(true);

    await execution.done;
    const took = Date.now() - startedAt;
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('States.Timeout');
    expect(took).toBeGreaterThanOrEqual(1900);
    expect(took).toBeLessThan(10_000);
    // A late answer finds the task over, as AWS answers it.
    await expect(answer(tokens[0]!)).rejects.toMatchObject({ code: 'TaskTimedOut' });
  });

  it('still takes an answer within its real window', async () => {
    const { start, tokens, answer } = cloudWith(approval);
    const { execution } = start();
    await sleep(600);
    expect(execution.status).toBe('RUNNING');
    await answer(tokens[0]!);
    await execution.done;
    expect(execution.status).toBe('SUCCEEDED');
  });

  it('ends at once, token and timer with it, when the execution is stopped', async () => {
    const long = { StartAt: 'Approve', States: { Approve: tokenTask('request-approval', 60) } };
    const { start, tokens, registry } = cloudWith(long);
    const { execution, startedAt } = start();
    await sleep(100);
    execution.stop();
    await execution.done;
    expect(execution.status).toBe('ABORTED');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
    expect(registry.isWaiting(tokens[0]!)).toBe(false);
  });
});

describe('every other token wait on the local cloud', () => {
  it("times out on the simulated clock: a bake's 60 seconds take a tenth of a real second at 600x", async () => {
    const { start } = cloudWith({ StartAt: 'Bake', States: { Bake: tokenTask('start-bake', 60) } });
    const { execution, startedAt } = start();
    await execution.done;
    expect(execution.error).toBe('States.Timeout');
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('leaves no token alive and no listener on the execution after each of many timed-out bakes', async () => {
    const count = 15;
    const states: Record<string, unknown> = { Done: { Type: 'Succeed' } };
    for (let i = 0; i < count; i += 1)
      states[`Bake${i}`] = tokenTask('start-bake', 1, i + 1 < count ? `Bake${i + 1}` : 'Done');
    const { start, tokens, registry } = cloudWith({ StartAt: 'Bake0', States: states });
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(`${warning.name}: ${warning.message}`);
    process.on('warning', onWarning);
    try {
      const { execution } = start();
      await execution.done;
      expect(execution.status).toBe('SUCCEEDED');
    } finally {
      process.off('warning', onWarning);
    }
    expect(tokens).toHaveLength(count);
    expect(tokens.filter((t) => registry.isWaiting(t))).toEqual([]);
    expect(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning'))).toEqual([]);
  });
});
