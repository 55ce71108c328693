// Runs one execution of a prepared state machine with aws-local-stepfunctions,
// binding its Task states to local functions, pausing `.waitForTaskToken` states
// on real tokens, and measuring waits and timeouts on the given clock: all of them,
// unless the options name the ones a person's or a handler's real time bounds. Those are
// real seconds at the speed asked for: real time while the machine keeps up, more while the
// clock runs slower because it cannot (../clock-governor.ts), so a busy machine slows the
// clock rather than failing a handler that merely waited for its turn on the thread.

import './polyfill.js';
import { StateMachine } from 'aws-local-stepfunctions';
import type { SimClock } from '../clock.js';
import { TOKEN_MARKER, type LocalTask, type PreparedDefinition } from './definition.js';
import { History, type HistoryEvent } from './history.js';
import type { TokenRegistry } from './tokens.js';
import { ExecutionStopped, FunctionTimedOut, StatesTimeout } from '../errors.js';
import type { HandlerSlots } from './handler-slots.js';
import type { HttpInvoker } from './http-task.js';
import { TaskFailure } from '../errors.js';

/** A function in functions/, called the way Lambda calls a handler. */
export type LocalFunction = (event: unknown, context: unknown) => Promise<unknown>;

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface RunOptions {
  prepared: PreparedDefinition;
  stateMachineArn: string;
  name: string;
  input: unknown;
  resolve: (fn: string) => LocalFunction;
  clock: SimClock;
  tokens: TokenRegistry;
  /** Real milliseconds to pause per second of a Retry interval (default: none). */
  retryMsPerSecond?: number;
  /**
   * Measure the timeouts of plain Lambda tasks in real seconds at the speed asked for (above).
   * The local cloud runs the real handlers, whose running time is real, not simulated; a fast
   * clock would otherwise time out a handler that merely ran on a busy machine. Waits for task
   * tokens follow realTimeWaitsFor.
   */
  realTimeInvokeTimeouts?: boolean;
  /** A bound on the handlers running at once, shared by every execution (handler-slots.ts). */
  slots?: HandlerSlots;
  /**
   * Each function's own timeout in seconds (serverless.yml's `timeout`), as Lambda ends an
   * invocation that runs longer: `Sandbox.Timedout`. Measured as realTimeInvokeTimeouts measures
   * a Task's. Not set: only the Task's TimeoutSeconds bounds a call.
   */
  functionTimeoutSeconds?: (fn: string) => number | undefined;
  /**
   * Functions whose task token a person answers (an approval): their waits time out in real
   * time, so a person has the catalog's timeout in real seconds whatever the clock's speed (more,
   * while the clock runs slower than asked). Every other token wait (a bake) stays on the clock.
   */
  realTimeWaitsFor?: readonly string[];
  onEvent?: (event: HistoryEvent, execution: LocalExecution) => void;
  /** Makes an HTTP Task's request as the state machine's role (http-task.ts); without it, HTTP Tasks fail. */
  http?: HttpInvoker;
  /** A function's ARN, for the history's events (default: the function's own name, in the machine's account). */
  functionArn?: (fn: string) => string;
}

export interface LocalExecution {
  name: string;
  executionArn: string;
  stateMachineArn: string;
  input: unknown;
  startDate: number;
  stopDate?: number;
  status: ExecutionStatus;
  output?: unknown;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
  /** Settles when the execution has ended, whatever its status. */
  done: Promise<void>;
  stop(): void;
}

/**
 * Definitions the library has validated once. Its validator compiles a JSON schema each time
 * (a tenth of a second of the thread that serves every endpoint), so a definition is checked at
 * its first execution only: 100 deployments started at once spent 11 s of CPU on it.
 */
const validated = new WeakSet<PreparedDefinition>();

export function runExecution(options: RunOptions): LocalExecution {
  const { prepared, clock, tokens } = options;
  const executionArn = options.stateMachineArn.replace(':stateMachine:', ':execution:') + `:${options.name}`;
  const abort = new AbortController();
  const [, , , region = '', account = ''] = options.stateMachineArn.split(':');
  const functionArn =
    options.functionArn ?? ((fn: string) => `arn:aws:lambda:${region}:${account}:function:${fn}`);
  // Each HTTP Task's resolved Parameters, for its TaskScheduled event.
  const httpParameters = new Map<string, unknown>();
  const history = new History(
    prepared.types,
    prepared.tasks,
    () => clock.now(),
    functionArn,
    region,
    (state) => httpParameters.get(state),
  );

  const handlers: Record<string, (input: unknown) => Promise<unknown>> = {};
  for (const [state, task] of prepared.tasks) {
    handlers[state] = (input) => {
      if (task.kind === 'http') httpParameters.set(state, (input as Record<string, unknown>).__payload);
      return callTask(task, input as Record<string, unknown>);
    };
  }
  const startTime = new Date(clock.now()).toISOString();
  const begin = () => {
    const machine = new StateMachine(prepared.definition as never, {
      validationOptions: validated.has(prepared)
        ? { noValidate: true }
        : { checkArn: true, checkPaths: true },
    });
    validated.add(prepared);
    return machine.run(options.input as never, {
      overrides: { taskResourceLocalHandlers: handlers as never, retryIntervalOverrides: retryOverrides() },
      context: {
        Execution: {
          Id: executionArn,
          Name: options.name,
          Input: options.input as never,
          StartTime: startTime,
        },
        StateMachine: { Id: options.stateMachineArn, Name: options.stateMachineArn.split(':').at(-1) },
      },
    });
  };
  // As on AWS, StartExecution answers before the execution runs: its first state (and the
  // handler it calls) begins in a later turn of the event loop, after the answer is written.
  // An execution stopped before then still begins, and ends ABORTED at once.
  let run: ReturnType<typeof begin> | undefined;
  // A definition the library refuses fails the execution, rather than throwing in a later turn
  // with nothing to catch it and leaving the execution RUNNING for good.
  const begun = new Promise<ReturnType<typeof begin>>((resolve, reject) =>
    setImmediate(() => {
      try {
        run = begin();
      } catch (error) {
        reject(error instanceof Error ? error : new Error(String(error)));
        return;
      }
      if (abort.signal.aborted) run.abort();
      resolve(run);
    }),
  );

  const execution: LocalExecution = {
    name: options.name,
    executionArn,
    stateMachineArn: options.stateMachineArn,
    input: options.input,
    startDate: clock.now(),
    status: 'RUNNING',
    history: history.events,
    done: Promise.resolve(),
    stop: () => {
      abort.abort();
      run?.abort();
    },
  };

  async function consumeEvents(): Promise<void> {
    const started = await begun.catch(() => undefined);
    if (started === undefined) return; // it never began: settle() records why
    for await (const event of started.eventLogs) {
      const before = history.events.length;
      history.record(event);
      for (const recorded of history.events.slice(before)) options.onEvent?.(recorded, execution);
    }
  }

  const consumed = consumeEvents();

  async function settle(): Promise<void> {
    try {
      execution.output = await (await begun).result;
      execution.status = 'SUCCEEDED';
    } catch (error) {
      // The error and cause are in the ExecutionFailed event: read them once the log is complete.
      await consumed;
      execution.status = abort.signal.aborted ? 'ABORTED' : 'FAILED';
      const failed = history.events.findLast((e) => e.type === 'ExecutionFailed');
      const details = failed?.executionFailedEventDetails as { error: string; cause: string } | undefined;
      execution.error = details?.error ?? (error as Error).name;
      execution.cause = details?.cause ?? (error as Error).message;
    }
    execution.stopDate = clock.now();
  }

  execution.done = Promise.all([consumed, settle()]).then(() => abort.abort());
  return execution;

  async function callTask(task: LocalTask, input: Record<string, unknown>): Promise<unknown> {
    // A stopped execution starts nothing: the library may still retry the task that it cut off.
    if (abort.signal.aborted) throw new ExecutionStopped();
    if (task.kind === 'wait') {
      await clock.sleep(waitMs(input), abort.signal);
      return null;
    }
    // Aborted when the task ends, however it ends: its timer, its token and every listener it
    // added go with it, so none is left on the execution's signal while later tasks run. The
    // library keeps a timer of LIBRARY_TIMEOUT_SECONDS for each task and clears it only when the
    // task settles: this is also what ends a task of a stopped execution at once.
    const ended = new AbortController();
    abort.signal.addEventListener('abort', () => ended.abort(), { once: true, signal: ended.signal });
    const stopped = new Promise<never>((_, reject) =>
      ended.signal.addEventListener('abort', () => reject(new ExecutionStopped()), { once: true }),
    );
    // Raced below; but a call stopped while it waits for a slot never gets to the race.
    stopped.catch(() => undefined);
    // A plain Task's handler waits for a slot before its timeout starts (handler-slots.ts).
    let release = () => {};
    try {
      if (task.kind === 'invoke' && options.slots !== undefined)
        release = await options.slots.acquire(ended.signal);
      const work =
        task.kind === 'token'
          ? waitForToken(task, input.__payload, ended.signal)
          : task.kind === 'http'
            ? callHttp(input.__payload, ended.signal)
            : invoke(task.fn, input.__payload);
      const timeoutSeconds = input.__timeoutSeconds as number | undefined;
      const racers = [work, stopped];
      if (timeoutSeconds !== undefined) racers.push(timeoutOf(task, timeoutSeconds * 1000, ended.signal));
      return await Promise.race(racers);
    } finally {
      release();
      ended.abort();
    }
  }

  /** Throws States.Timeout after `ms`, unless the task ends first (then it never settles). */
  async function timeoutOf(task: LocalTask, ms: number, ended: AbortSignal): Promise<never> {
    // An HTTP request, like a handler, takes real time.
    if (task.kind === 'invoke' || task.kind === 'http')
      await (options.realTimeInvokeTimeouts === true ? askedSpeedSleep(ms, ended) : clock.sleep(ms, ended));
    else if (options.realTimeWaitsFor?.includes(task.fn) === true) await askedSpeedSleep(ms, ended);
    else await clock.sleep(ms, ended);
    if (ended.aborted) return new Promise<never>(() => undefined);
    throw new StatesTimeout();
  }

  /**
   * Real time for a person or a handler: `ms` at the clock's speed asked for, which is `speed`
   * times as long on the clock. So a person's wait ends at the deadline the deployment shows
   * (shared/engine/approval.ts), and a clock slowed for a busy machine gives more real time,
   * never less. A clock with no speed (a test's, moved by hand) leaves it on the wall clock.
   */
  function askedSpeedSleep(ms: number, ended: AbortSignal): Promise<void> {
    return clock.speed === undefined ? realSleep(ms, ended) : clock.sleep(ms * clock.speed, ended);
  }

  /** Hands a token to the task's function and waits for its answer; the token lives as long as the task. */
  async function waitForToken(task: LocalTask, payload: unknown, ended: AbortSignal): Promise<unknown> {
    const token = tokens.issue();
    // Wait first, then hand the token out: an answer that comes at once is not missed.
    const answer = tokens.wait(token);
    answer.catch(() => undefined);
    // A task that timed out or was stopped is over: a late answer finds nothing, as on AWS.
    ended.addEventListener('abort', () => tokens.forget(token), { once: true });
    // Its handler holds a slot while it runs, not while the token is out.
    const release = options.slots === undefined ? () => {} : await options.slots.acquire(ended);
    try {
      await invoke(task.fn, withToken(payload, token));
    } finally {
      release();
    }
    return answer;
  }

  async function callHttp(parameters: unknown, ended: AbortSignal): Promise<unknown> {
    if (options.http === undefined)
      throw new TaskFailure('States.Runtime', 'This local Step Functions makes no HTTP requests.');
    return options.http(parameters, ended);
  }

  async function invoke(fn: string, payload: unknown): Promise<unknown> {
    const handler = options.resolve(fn);
    const called = handler(payload, lambdaContext(fn, functionArn(fn)));
    const seconds = options.functionTimeoutSeconds?.(fn);
    const result = seconds === undefined ? await called : await withinTimeout(called, seconds);
    return JSON.parse(JSON.stringify(result ?? null)) as unknown;
  }

  /**
   * The invocation's result, or Lambda's `Sandbox.Timedout` once it has run `seconds` (at the
   * speed asked for). As on Lambda, the handler is not waited for after that; unlike Lambda,
   * it is not stopped either: it runs on in this process, and what it does then is ignored.
   */
  async function withinTimeout(called: Promise<unknown>, seconds: number): Promise<unknown> {
    const done = new AbortController();
    const timedOut = askedSpeedSleep(seconds * 1000, done.signal).then(() => {
      if (!done.signal.aborted) throw new FunctionTimedOut(seconds);
    });
    try {
      return await Promise.race([called, timedOut]);
    } finally {
      done.abort();
    }
  }

  function waitMs(input: Record<string, unknown>): number {
    if (typeof input.__seconds === 'number') return input.__seconds * 1000;
    if (typeof input.__timestamp === 'string')
      return Math.max(0, Date.parse(input.__timestamp) - clock.now());
    return 0;
  }

  function retryOverrides(): Record<string, number> {
    const msPerSecond = options.retryMsPerSecond ?? 0;
    const intervals: Record<string, number> = {};
    for (const [name, state] of Object.entries(statesOf(prepared.definition))) {
      const retry = state.Retry as { IntervalSeconds?: number }[] | undefined;
      if (retry !== undefined) intervals[name] = (retry[0]?.IntervalSeconds ?? 1) * msPerSecond;
    }
    return intervals;
  }
}

/** Resolves after `ms` of real time, or at once when `signal` aborts. */
function realSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

function statesOf(definition: Record<string, unknown>): Record<string, Record<string, unknown>> {
  return definition.States as Record<string, Record<string, unknown>>;
}

function withToken(value: unknown, token: string): unknown {
  if (value === TOKEN_MARKER) return token;
  if (Array.isArray(value)) return value.map((v) => withToken(v, token));
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withToken(v, token)]));
}

/**
 * The context a handler is called with. It has no getRemainingTimeInMillis: with one, the
 * handlers' middy sets a timer of that many real milliseconds and fails the call with its own
 * `TimeoutError` ("[AbortError]: The operation was aborted.") when it fires. That timer cannot
 * follow the clock, so on a machine too busy to keep up it cut off handlers that were only
 * waiting for their turn on the thread (500 services at 60x: 497 deployments lost so). The
 * function's timeout is kept by the runner instead (functionTimeoutSeconds).
 */
function lambdaContext(fn: string, arn: string) {
  return {
    functionName: fn,
    functionVersion: '$LATEST',
    // What a handler that schedules its own next call (run-hook) names as the target.
    invokedFunctionArn: arn,
    memoryLimitInMB: '256',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${fn}`,
    logStreamName: 'local',
    callbackWaitsForEmptyEventLoop: false,
  };
}
