// Port for Step Functions task tokens: resuming or failing a paused state.
// Adapter: shared/aws/sfn-task-tokens.ts.

export interface TaskTokens {
  succeed(token: string, output: unknown): Promise<TokenOutcome>;
  fail(token: string, error: string, cause: string): Promise<TokenOutcome>;
}

/** `gone`: the task already ended (timed out, or another signal won); not an error. */
export type TokenOutcome = 'delivered' | 'gone';
