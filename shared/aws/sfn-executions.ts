// Adapter: starts state machine executions with Step Functions StartExecution.

import type { ExecutionSummary, Executions, StateMachineName } from '../ports/executions.js';
import { requireEnv, type Environment } from '../runtime/env.js';
import { translateTransient } from './errors.js';
import type { JsonRequests } from './json-requests.js';

/** DescribeExecution's answer, as the wire has it: dates in epoch seconds. */
interface DescribedExecution {
  status?: ExecutionSummary['status'];
  error?: string;
  cause?: string;
  startDate?: number;
  stopDate?: number;
}

/** The variable that names each state machine's ARN (serverless.yml sets them; so does the local cloud). */
export const ENV_BY_MACHINE: Record<StateMachineName, string> = {
  'blue-green': 'BLUE_GREEN_STATE_MACHINE_ARN',
  canary: 'CANARY_STATE_MACHINE_ARN',
  rolling: 'ROLLING_STATE_MACHINE_ARN',
};

export class SfnExecutions implements Executions {
  constructor(
    private readonly sfn: JsonRequests,
    private readonly arnOf: (machine: StateMachineName) => string,
  ) {}

  async describe(machine: StateMachineName, name: string): Promise<ExecutionSummary | null> {
    const executionArn = `${this.arnOf(machine).replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const e = await this.sfn.call<DescribedExecution>('DescribeExecution', { executionArn });
      return {
        status: e.status ?? 'RUNNING',
        error: e.error,
        cause: e.cause,
        startDate: epochMillis(e.startDate) ?? 0,
        stopDate: epochMillis(e.stopDate),
      };
    } catch (error) {
      if (error instanceof Error && error.name === 'ExecutionDoesNotExist') return null;
      return translateTransient('DescribeExecution', error);
    }
  }

  async start(machine: StateMachineName, name: string, input: unknown): Promise<'started' | 'exists'> {
    try {
      await this.sfn.call('StartExecution', {
        stateMachineArn: this.arnOf(machine),
        name,
        input: JSON.stringify(input),
      });
      return 'started';
    } catch (error) {
      // The name is derived from the request: an execution with it means this request already started one.
      if (error instanceof Error && error.name === 'ExecutionAlreadyExists') return 'exists';
      return translateTransient('StartExecution', error);
    }
  }
}

/** A date on the wire (epoch seconds, with a fraction) in milliseconds, rounded as the SDK rounds it. */
const epochMillis = (seconds: number | undefined) =>
  seconds === undefined ? undefined : Math.round(Number(seconds) * 1000);

/** Each state machine's ARN, as `env` names it (read at each call: a missing one fails that call). */
export const stateMachineArns =
  (env: Environment) =>
  (machine: StateMachineName): string =>
    requireEnv(ENV_BY_MACHINE[machine], env);
