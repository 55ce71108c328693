// Port for starting state machine executions. Adapter: shared/aws/sfn-executions.ts.

export type StateMachineName = 'blue-green' | 'canary' | 'rolling';

export interface Executions {
  /**
   * Starts an execution named `name`. An execution with that name that already exists
   * (a replayed event) is not an error: the result says so and nothing new starts.
   */
  start(machine: StateMachineName, name: string, input: unknown): Promise<'started' | 'exists'>;
}
