// A handler's time on the local cloud: a Task's TimeoutSeconds and the function's own timeout
// (serverless.yml) are real seconds at the speed asked for. While the clock runs slower because
// the machine cannot keep up, a handler gets more real time, never less; at the speed asked for,
// the function's timeout ends the call as Lambda ends it. Real time here is the test's fake wall
// clock, which the local cloud's clock follows.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ScaledClock } from '../../local/clock.js';
import { prepareDefinition } from '../../local/stepfunctions/definition.js';
import { HandlerSlots } from '../../local/stepfunctions/handler-slots.js';
import { runExecution, type LocalExecution } from '../../local/stepfunctions/run.js';
import { TokenRegistry } from '../../local/stepfunctions/tokens.js';

const SPEED = 600;
const ONE_STEP = prepareDefinition({
  StartAt: 'Step',
  States: {
    Step: {
      Type: 'Task',
      Resource: { 'Fn::GetAtt': ['SlowLambdaFunction', 'Arn'] },
      TimeoutSeconds: 60,
      End: true,
    },
  },
});

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Runs the one step, whose handler answers after `handlerMs` of real time; the clock at `speed`. */
function run(handlerMs: number, speed = SPEED) {
  const clock = new ScaledClock(SPEED);
  if (speed !== SPEED) clock.setSpeed(speed);
  const contexts: Record<string, unknown>[] = [];
  const execution = runExecution({
    prepared: ONE_STEP,
    stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:timeouts',
    name: 'one',
    input: {},
    resolve: () => async (_event, context) => {
      contexts.push(context as Record<string, unknown>);
      await new Promise((resolve) => setTimeout(resolve, handlerMs));
      return { answered: true };
    },
    clock,
    tokens: new TokenRegistry(),
    realTimeInvokeTimeouts: true,
    functionTimeoutSeconds: () => 30,
  });
  return { execution, contexts };
}

/** Lets real time pass in small steps until the execution ends; returns the real ms it took. */
async function untilEnded(execution: LocalExecution, ms = 600_000): Promise<number> {
  const start = Date.now();
  while (execution.status === 'RUNNING' && Date.now() - start < ms) {
    await vi.advanceTimersByTimeAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await execution.done;
  return Date.now() - start;
}

describe("a handler's timeouts on the local cloud", () => {
  it('at the speed asked for, a call past the function timeout fails as Lambda fails it', async () => {
    const { execution } = run(45_000);
    const took = await untilEnded(execution);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('Sandbox.Timedout');
    expect(execution.cause).toBe('Task timed out after 30.00 seconds');
    expect(took).toBeGreaterThanOrEqual(30_000);
    expect(took).toBeLessThan(31_000);
  });

  it('with the clock slowed to a tenth, the same 45 real seconds are 4.5 at the speed asked for', async () => {
    const { execution } = run(45_000, SPEED / 10);
    await untilEnded(execution);
    expect(execution.error).toBeUndefined();
    expect(execution.status).toBe('SUCCEEDED');
    expect(execution.output).toEqual({ answered: true });
  });

  it("the Task's TimeoutSeconds is measured the same way", async () => {
    // No function timeout here: the Task's 60 s alone bounds the call, 600 real seconds at a tenth.
    const clock = new ScaledClock(SPEED);
    clock.setSpeed(SPEED / 10);
    const execution = runExecution({
      prepared: ONE_STEP,
      stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:timeouts',
      name: 'two',
      input: {},
      resolve: () => () => new Promise(() => undefined),
      clock,
      tokens: new TokenRegistry(),
      realTimeInvokeTimeouts: true,
    });
    const took = await untilEnded(execution, 700_000);
    expect(execution.error).toBe('States.Timeout');
    expect(took).toBeGreaterThanOrEqual(599_000);
    expect(took).toBeLessThan(602_000);
  });

  /** Executions of the one step sharing one slot; each handler says when it started, and runs `ms`. */
  function slotted() {
    const clock = new ScaledClock(SPEED);
    const slots = new HandlerSlots(1);
    const asked = Date.now();
    const startedAt: Record<string, number> = {};
    const execution = (name: string, ms: number) =>
      runExecution({
        prepared: ONE_STEP,
        stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:timeouts',
        name,
        input: {},
        resolve: () => async () => {
          startedAt[name] = Date.now() - asked;
          await new Promise((resolve) => setTimeout(resolve, ms));
          return { answered: name };
        },
        clock,
        tokens: new TokenRegistry(),
        realTimeInvokeTimeouts: true,
        slots,
      });
    return { slots, startedAt, execution };
  }

  it('a call waiting for a slot has not started: its Task timeout starts when it runs', async () => {
    // One slot, two executions, each Task bound by 60 s at the speed asked for: 100 real ms. The
    // second waits the first's 90 ms, then runs 20: 110 ms from asking, yet it succeeds.
    const { startedAt, execution } = slotted();
    const first = execution('first', 90);
    const second = execution('second', 20);
    await untilEnded(first);
    await untilEnded(second);
    expect(startedAt.first).toBe(0);
    expect(startedAt.second).toBeGreaterThanOrEqual(90);
    expect(second.status).toBe('SUCCEEDED');
    expect(second.output).toEqual({ answered: 'second' });
  });

  it('an execution stopped while its call waits for a slot ends ABORTED, and the call never runs', async () => {
    // Found by the API benchmark: the task's own stop signal was left unhandled, and the
    // process died with an unhandled ExecutionStopped.
    const { slots, startedAt, execution } = slotted();
    const first = execution('first', 50);
    const second = execution('second', 50);
    await vi.advanceTimersByTimeAsync(10);
    second.stop();
    await untilEnded(first);
    await second.done;
    expect(second.status).toBe('ABORTED');
    expect(first.status).toBe('SUCCEEDED');
    expect(Object.keys(startedAt)).toEqual(['first']);
    expect(slots.queued).toBe(0);
  });

  it('gives handlers no getRemainingTimeInMillis, which middy would turn into a wall-clock timer', async () => {
    // With one, the handlers' middy fails a call with its own TimeoutError when that many real
    // milliseconds have passed, however slow the clock: the runner keeps the timeout instead.
    const { execution, contexts } = run(10);
    await untilEnded(execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(contexts).toHaveLength(1);
    expect(contexts[0]!.functionName).toBe('slow');
    expect(contexts[0]).not.toHaveProperty('getRemainingTimeInMillis');
  });
});
