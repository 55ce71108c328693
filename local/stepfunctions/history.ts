// Execution history in the shape of Step Functions' GetExecutionHistory, built
// from aws-local-stepfunctions' event log: the same event types and details AWS
// records, so tests and tools read one format.

import type { LocalTask, StateType } from './definition.js';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: string;
  [details: string]: unknown;
}

/** The part of aws-local-stepfunctions' event log this reads. */
export interface LibraryEvent {
  type: string;
  state?: { name: string; type: string; input?: unknown; output?: unknown };
  input?: unknown;
  output?: unknown;
  Error?: string;
  Cause?: unknown;
}

export class History {
  readonly events: HistoryEvent[] = [];
  /** Task states whose current attempt failed: their exit (after a Catch) is no success. */
  private readonly failed = new Set<string>();
  /** The last input or output text recorded (see `text`). */
  private lastText = '';

  /**
   * `tasks`: each Task state's function; `functionArn` names a function as AWS would (the
   * resource of its events); `region`: the state machine's, which token tasks' events name.
   */
  constructor(
    private readonly types: Map<string, StateType>,
    private readonly tasks: Map<string, LocalTask>,
    private readonly now: () => number,
    private readonly functionArn: (fn: string) => string,
    private readonly region: string,
    /** An HTTP Task's resolved Parameters, as its TaskScheduled event records them. */
    private readonly parametersOf: (state: string) => unknown = () => undefined,
  ) {}

  record(event: LibraryEvent): void {
    const state = event.state;
    switch (event.type) {
      case 'ExecutionStarted':
        return this.add('ExecutionStarted', {
          executionStartedEventDetails: { input: this.text(event.input) },
        });
      case 'ExecutionSucceeded':
        return this.add('ExecutionSucceeded', {
          executionSucceededEventDetails: { output: this.text(event.output) },
        });
      case 'ExecutionFailed':
        return this.add('ExecutionFailed', { executionFailedEventDetails: errorDetails(event) });
      case 'ExecutionAborted':
        return this.add('ExecutionAborted', { executionAbortedEventDetails: {} });
      case 'ExecutionTimeout':
        return this.add('ExecutionTimedOut', { executionTimedOutEventDetails: {} });
    }
    if (state === undefined) return;
    const type = this.types.get(state.name) ?? (state.type as StateType);
    const isTask = type === 'Task';
    const kind = this.tasks.get(state.name)?.kind;
    // Token and HTTP Tasks are service integrations: Task* events, naming their resource.
    const token = kind === 'token' || kind === 'http';
    switch (event.type) {
      case 'StateEntered':
        this.add(`${type}StateEntered`, {
          stateEnteredEventDetails: { name: state.name, input: this.text(state.input) },
        });
        if (isTask) this.scheduled(token, state.name, state.input);
        return;
      case 'StateRetried':
        this.failed.delete(state.name);
        if (isTask) this.scheduled(token, state.name, state.input);
        return;
      case 'StateFailed':
        this.failed.add(state.name);
        if (isTask) this.taskFailed(token, event, kind);
        return;
      case 'StateExited':
        if (isTask && !this.failed.delete(state.name)) {
          const output = this.text(state.output);
          if (token)
            this.add('TaskSucceeded', { taskSucceededEventDetails: { ...resourceOf(kind), output } });
          else this.add('LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output } });
        }
        if (type !== 'Fail') {
          this.add(`${type}StateExited`, {
            stateExitedEventDetails: { name: state.name, output: this.text(state.output) },
          });
        }
        return;
    }
  }

  /** As AWS records it: a token task's resolved parameters, a plain task's function and input. */
  private scheduled(token: boolean, name: string, input: unknown): void {
    const functionArn = this.functionArn(this.tasks.get(name)?.fn ?? name);
    if (this.tasks.get(name)?.kind === 'http') {
      this.add('TaskScheduled', {
        taskScheduledEventDetails: {
          ...HTTP_RESOURCE,
          region: this.region,
          parameters: json(this.parametersOf(name) ?? input),
        },
      });
      this.add('TaskStarted', { taskStartedEventDetails: { ...HTTP_RESOURCE } });
    } else if (token) {
      this.add('TaskScheduled', {
        taskScheduledEventDetails: {
          ...TOKEN_RESOURCE,
          region: this.region,
          parameters: json({ FunctionName: functionArn, Payload: input }),
        },
      });
      this.add('TaskStarted', { taskStartedEventDetails: { ...TOKEN_RESOURCE } });
    } else {
      this.add('LambdaFunctionScheduled', {
        lambdaFunctionScheduledEventDetails: { resource: functionArn, input: this.text(input) },
      });
      this.add('LambdaFunctionStarted', {});
    }
  }

  private taskFailed(token: boolean, event: LibraryEvent, kind?: LocalTask['kind']): void {
    const timedOut = event.Error === 'States.Timeout';
    const type = token
      ? timedOut
        ? 'TaskTimedOut'
        : 'TaskFailed'
      : timedOut
        ? 'LambdaFunctionTimedOut'
        : 'LambdaFunctionFailed';
    this.add(type, { [detailsKey(type)]: { ...(token ? resourceOf(kind) : {}), ...errorDetails(event) } });
  }

  /**
   * A value's JSON text, the very string of the last one when it is the same: a state's input
   * is its task's, then its task's output its own and often the next state's input, so an
   * execution's events share one copy of each (at 100 deployments, a few MB each time).
   */
  private text(value: unknown): string {
    const text = json(value);
    if (text === this.lastText) return this.lastText;
    return (this.lastText = text);
  }

  private add(type: string, details: Record<string, unknown>): void {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: id - 1, timestamp: this.now(), type, ...details });
  }
}

/** What every event of a `lambda:invoke.waitForTaskToken` task names. */
const TOKEN_RESOURCE = { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' } as const;
/** What every event of an HTTP Task (`arn:aws:states:::http:invoke`) names. */
const HTTP_RESOURCE = { resourceType: 'http', resource: 'invoke' } as const;

function resourceOf(kind: LocalTask['kind'] | undefined) {
  return kind === 'http' ? HTTP_RESOURCE : TOKEN_RESOURCE;
}

function detailsKey(type: string): string {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

function errorDetails(event: LibraryEvent): { error: string; cause: string } {
  const cause =
    typeof event.Cause === 'string' ? event.Cause : event.Cause === undefined ? '' : json(event.Cause);
  return { error: event.Error ?? 'States.Runtime', cause };
}

function json(value: unknown): string {
  return JSON.stringify(value ?? null);
}
