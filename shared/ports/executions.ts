// Port for starting state machine executions. Adapter: shared/aws/sfn-executions.ts.

export type StateMachineName = 'blue-green' | 'canary' | 'rolling';

export interface ExecutionSummary {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';
  error?: string | undefined;
  cause?: string | undefined;
  startDate: number;
  stopDate?: number | undefined;
}

export interface Executions {
  /** The execution named `name` of a state machine, or null if there is none. */
  describe(machine: StateMachineName, name: string): Promise<ExecutionSummary | null>;
  /**
   * Starts an execution named `name`. An execution with that name that already exists
   * (a replayed event) is not an error: the result says so and nothing new starts.
   */
  start(machine: StateMachineName, name: string, input: unknown): Promise<'started' | 'exists'>;
}
