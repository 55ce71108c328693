// A local AWS Step Functions (AWS JSON 1.0, target prefix AWSStepFunctions). Its
// state machines are the ASL files in statemachines/, run by the local runner with
// their Task states bound to the real handlers in functions/. Task tokens really
// pause and resume. A wait for a person and a handler's run time out in real seconds at the
// speed asked for (longer while the clock is slowed for a busy machine); Wait states, bakes
// and every other wait, on the simulated clock. Histories are kept in
// GetExecutionHistory's shape. The newest finished
// executions of each state machine are kept, and older ones forgotten (../stepfunctions/retention.ts).

import type { SimClock } from '../clock.js';
import type { PreparedDefinition } from '../stepfunctions/definition.js';
import type { HistoryEvent } from '../stepfunctions/history.js';
import type { HttpInvoker } from '../stepfunctions/http-task.js';
import type { Statement } from '../iam/policy.js';
import { functionTimeoutSeconds } from '../functions.js';
import { HandlerSlots } from '../stepfunctions/handler-slots.js';
import { DEFAULT_KEEP_EXECUTIONS, retainExecutions } from '../stepfunctions/retention.js';
import { runExecution, type LocalExecution, type LocalFunction } from '../stepfunctions/run.js';
import type { TokenRegistry } from '../stepfunctions/tokens.js';
import { optionalNumber, optionalString, requireString, validation, type LocalService } from './service.js';
import { AwsError } from '../errors.js';
import { arrayPieces, JsonText } from '../json-pieces.js';

export interface StateMachineEntry {
  name: string;
  arn: string;
  definition: string;
  prepared: PreparedDefinition;
  createdAt: number;
  /** The role its executions act as: what its HTTP Tasks are authorized as. */
  role?: { arn: string; statements: Statement[] };
}

interface StoredExecution {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: string;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  history: HistoryEvent[];
}

const MAX_INPUT = 256 * 1024;
/**
 * The functions whose task token a person answers. Their waits time out in real time: the
 * catalog's one-hour approval window is a real hour for the person, whatever the speed (more,
 * while the clock runs slower than asked).
 */
export const WAITS_FOR_A_PERSON = ['request-approval'] as const;

export class LocalStepFunctions {
  readonly service: LocalService;
  readonly machines = new Map<string, StateMachineEntry>();
  private readonly running = new Map<string, LocalExecution>();
  private finished: StoredExecution[] = [];
  private readonly slots: HandlerSlots | undefined;

  constructor(
    private readonly options: {
      clock: SimClock;
      tokens: TokenRegistry;
      resolve: (fn: string) => LocalFunction;
      retryMsPerSecond?: number;
      /** Finished executions kept per state machine (default DEFAULT_KEEP_EXECUTIONS). */
      keepExecutions?: number;
      onEvent?: (event: HistoryEvent, execution: LocalExecution) => void;
      onEnd?: (execution: LocalExecution) => void;
      /** A function's ARN, as the history's events name it. */
      functionArn?: (fn: string) => string;
      /** At most this many Task handlers at once across every execution (handler-slots.ts); no bound if unset. */
      handlerSlots?: number;
      /** What makes a state machine's HTTP Tasks' requests, as its role; without it, HTTP Tasks fail. */
      http?: (machine: StateMachineEntry) => HttpInvoker | undefined;
    },
  ) {
    this.slots = options.handlerSlots === undefined ? undefined : new HandlerSlots(options.handlerSlots);
    this.service = {
      name: 'states',
      operations: {
        ListStateMachines: () => ({
          stateMachines: [...this.machines.values()].map((m) => ({
            stateMachineArn: m.arn,
            name: m.name,
            type: 'STANDARD',
            creationDate: new Date(m.createdAt),
          })),
        }),
        DescribeStateMachine: (i) => this.describeStateMachine(requireString(i, 'stateMachineArn')),
        StartExecution: (i) => this.start(i),
        DescribeExecution: (i) => describe(this.execution(requireString(i, 'executionArn'))),
        ListExecutions: (i) => this.list(i),
        GetExecutionHistory: (i) => this.history(i),
        StopExecution: (i) => this.stop(i),
        SendTaskSuccess: (i) => this.answer(i, 'success'),
        SendTaskFailure: (i) => this.answer(i, 'failure'),
        SendTaskHeartbeat: (i) => this.heartbeat(requireString(i, 'taskToken')),
      },
    };
  }

  addStateMachine(entry: StateMachineEntry): void {
    this.machines.set(entry.arn, entry);
  }

  /** Executions still running, for the local cloud to watch and to stop on shutdown. */
  runningExecutions(): LocalExecution[] {
    return [...this.running.values()];
  }

  start(input: Record<string, unknown>) {
    const machine = this.machine(requireString(input, 'stateMachineArn'));
    const name = optionalString(input, 'name') ?? crypto.randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new AwsError('InvalidName', `Invalid Name: '${name}'`);
    const text = optionalString(input, 'input') ?? '{}';
    if (Buffer.byteLength(text) > MAX_INPUT)
      throw new AwsError('InvalidExecutionInput', 'input is larger than 256 KB');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new AwsError(
        'InvalidExecutionInput',
        `Invalid State Machine Execution Input: '${text.slice(0, 100)}'`,
      );
    }
    const arn = `${machine.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const http = this.options.http?.(machine);
    const existing = this.running.get(arn);
    if (existing !== undefined && JSON.stringify(existing.input) === JSON.stringify(parsed)) {
      // A replayed start of a running execution answers with that execution, as AWS does.
      return { executionArn: arn, startDate: new Date(existing.startDate) };
    }
    if (existing !== undefined || this.finished.some((e) => e.executionArn === arn)) {
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const execution = runExecution({
      prepared: machine.prepared,
      stateMachineArn: machine.arn,
      name,
      input: parsed,
      resolve: this.options.resolve,
      clock: this.options.clock,
      tokens: this.options.tokens,
      retryMsPerSecond: this.options.retryMsPerSecond ?? 0,
      realTimeInvokeTimeouts: true,
      functionTimeoutSeconds,
      realTimeWaitsFor: WAITS_FOR_A_PERSON,
      ...(this.slots === undefined ? {} : { slots: this.slots }),
      ...(this.options.onEvent ? { onEvent: this.options.onEvent } : {}),
      ...(this.options.functionArn ? { functionArn: this.options.functionArn } : {}),
      ...(http === undefined ? {} : { http }),
    });
    this.running.set(arn, execution);
    void execution.done.then(() => {
      this.running.delete(arn);
      this.finished.push(stored(execution));
      this.prune();
      this.options.onEnd?.(execution);
    });
    return { executionArn: arn, startDate: new Date(execution.startDate) };
  }

  private describeStateMachine(arn: string) {
    const machine = this.machine(arn);
    return {
      stateMachineArn: machine.arn,
      name: machine.name,
      status: 'ACTIVE',
      definition: machine.definition,
      roleArn: machine.role?.arn ?? `arn:aws:iam::000000000000:role/${machine.name}`,
      type: 'STANDARD',
      creationDate: new Date(machine.createdAt),
    };
  }

  private list(input: Record<string, unknown>) {
    const arn = requireString(input, 'stateMachineArn');
    this.machine(arn);
    const status = optionalString(input, 'statusFilter');
    const all = this.all()
      .filter((e) => e.stateMachineArn === arn && (status === undefined || e.status === status))
      .sort((a, b) => b.startDate - a.startDate);
    const max = optionalNumber(input, 'maxResults') || 100;
    const start = Number(optionalString(input, 'nextToken') ?? '0');
    const page = all.slice(start, start + max).map((e) => {
      const { input: _input, output: _output, ...summary } = describe(e);
      return summary;
    });
    return { executions: page, ...(start + max < all.length ? { nextToken: String(start + max) } : {}) };
  }

  private history(input: Record<string, unknown>) {
    const execution = this.execution(requireString(input, 'executionArn'));
    const events = execution.history.map((e) => ({ ...e, timestamp: new Date(e.timestamp) }));
    if (input.reverseOrder === true) events.reverse();
    const max = optionalNumber(input, 'maxResults') || 1000;
    const start = Number(optionalString(input, 'nextToken') ?? '0');
    return {
      events: events.slice(start, start + max),
      ...(start + max < events.length ? { nextToken: String(start + max) } : {}),
    };
  }

  private stop(input: Record<string, unknown>) {
    const arn = requireString(input, 'executionArn');
    const execution = this.running.get(arn);
    if (execution === undefined) {
      this.execution(arn);
      return { stopDate: new Date(this.options.clock.now()) };
    }
    execution.stop();
    return { stopDate: new Date(this.options.clock.now()) };
  }

  private async answer(input: Record<string, unknown>, kind: 'success' | 'failure') {
    const token = limited(input, 'taskToken', TOKEN_ANSWER_LIMITS.taskToken) as string;
    if (token === undefined) throw validation('taskToken is required');
    const outcome =
      kind === 'success'
        ? await this.options.tokens.succeed(token, parsedOutput(input))
        : await this.options.tokens.fail(
            token,
            limited(input, 'error', TOKEN_ANSWER_LIMITS.error) ?? '',
            limited(input, 'cause', TOKEN_ANSWER_LIMITS.cause) ?? '',
          );
    if (outcome === 'gone') throw new AwsError('TaskTimedOut', 'Task Timed Out: the task has already ended');
    return {};
  }

  private heartbeat(token: string) {
    if (!this.options.tokens.isWaiting(token))
      throw new AwsError('TaskTimedOut', 'Task Timed Out: the task has already ended');
    return {};
  }

  private machine(arn: string): StateMachineEntry {
    const machine = this.machines.get(arn);
    if (machine === undefined)
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  private execution(arn: string): StoredExecution {
    const running = this.running.get(arn);
    if (running !== undefined) return stored(running);
    const found = this.finished.find((e) => e.executionArn === arn);
    if (found === undefined)
      throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return found;
  }

  private all(): StoredExecution[] {
    return [...[...this.running.values()].map(stored), ...this.finished];
  }

  snapshot(): StoredExecution[] {
    return this.all();
  }

  /**
   * The same as JSON text, made as it is written: a running execution's history is copied now
   * (its events are never changed once recorded, so a copy of the list is enough), and a
   * finished execution is never changed.
   */
  snapshotText(): JsonText {
    const running = [...this.running.values()].map((e) => ({ ...stored(e), history: [...e.history] }));
    const executions = [...running, ...this.finished];
    return JsonText.later(() => arrayPieces(executions, executionPieces));
  }

  /**
   * Executions that were running when the local cloud stopped did not survive it: they are
   * aborted. A state file from before pruning, or saved with a larger setting, is pruned now.
   */
  restore(executions: StoredExecution[]): void {
    this.finished = executions.map((e) =>
      e.status === 'RUNNING'
        ? {
            ...e,
            status: 'ABORTED',
            stopDate: this.options.clock.now(),
            error: 'States.Runtime',
            cause: 'the local cloud stopped while the execution ran',
          }
        : e,
    );
    this.prune();
  }

  /** Forgets all but the newest finished executions of each state machine. */
  private prune(): void {
    this.finished = retainExecutions(this.finished, this.options.keepExecutions ?? DEFAULT_KEEP_EXECUTIONS);
  }
}

function stored(execution: LocalExecution): StoredExecution {
  return {
    executionArn: execution.executionArn,
    stateMachineArn: execution.stateMachineArn,
    name: execution.name,
    status: execution.status,
    startDate: execution.startDate,
    ...(execution.stopDate === undefined ? {} : { stopDate: execution.stopDate }),
    input: JSON.stringify(execution.input),
    ...(execution.output === undefined ? {} : { output: JSON.stringify(execution.output) }),
    ...(execution.error === undefined ? {} : { error: execution.error }),
    ...(execution.cause === undefined ? {} : { cause: execution.cause }),
    history: execution.history,
  };
}

/** An execution's text, its history a few events at a time. */
function* executionPieces({ history, ...rest }: StoredExecution): Generator<string> {
  yield `${JSON.stringify(rest).slice(0, -1)},"history":`;
  yield* arrayPieces(history, (event) => [JSON.stringify(event)]);
  yield '}';
}

function describe(e: StoredExecution) {
  return {
    executionArn: e.executionArn,
    stateMachineArn: e.stateMachineArn,
    name: e.name,
    status: e.status,
    startDate: new Date(e.startDate),
    ...(e.stopDate === undefined ? {} : { stopDate: new Date(e.stopDate) }),
    input: e.input,
    ...(e.output === undefined ? {} : { output: e.output }),
    ...(e.error === undefined ? {} : { error: e.error }),
    ...(e.cause === undefined ? {} : { cause: e.cause }),
  };
}

/**
 * SendTaskSuccess and SendTaskFailure refuse a member longer than the API allows, as AWS does
 * (ValidationException): a token of 1 to 2,048 characters, an `error` of up to 256, a `cause`
 * of up to 32,768, an `output` of up to 262,144.
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
 */
export const TOKEN_ANSWER_LIMITS = { taskToken: 2_048, error: 256, cause: 32_768, output: 262_144 } as const;

function limited(input: Record<string, unknown>, field: string, max: number): string | undefined {
  const value = optionalString(input, field);
  if (value !== undefined && value.length > max) {
    throw validation(
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: ` +
        `Member must have length less than or equal to ${max}`,
    );
  }
  return value;
}

/** SendTaskSuccess's `output` must be JSON; AWS answers InvalidOutput when it is not. */
function parsedOutput(input: Record<string, unknown>): unknown {
  const output = limited(input, 'output', TOKEN_ANSWER_LIMITS.output);
  if (output === undefined) throw validation('output is required');
  try {
    return JSON.parse(output) as unknown;
  } catch {
    throw new AwsError('InvalidOutput', 'Invalid Output: the output is not valid JSON');
  }
}
