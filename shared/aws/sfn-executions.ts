// Adapter: starts state machine executions with Step Functions StartExecution.

import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  StartExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import type { ExecutionSummary, Executions, StateMachineName } from '../ports/executions.js';
import { requireEnv } from '../runtime/env.js';
import { translateTransient } from './errors.js';

const ENV_BY_MACHINE: Record<StateMachineName, string> = {
  'blue-green': 'BLUE_GREEN_STATE_MACHINE_ARN',
  canary: 'CANARY_STATE_MACHINE_ARN',
  rolling: 'ROLLING_STATE_MACHINE_ARN',
};

export class SfnExecutions implements Executions {
  constructor(
    private readonly client: SFNClient,
    private readonly arnOf: (machine: StateMachineName) => string = (m) => requireEnv(ENV_BY_MACHINE[m]),
  ) {}

  async describe(machine: StateMachineName, name: string): Promise<ExecutionSummary | null> {
    const executionArn = `${this.arnOf(machine).replace(':stateMachine:', ':execution:')}:${name}`;
    try {
      const e = await this.client.send(new DescribeExecutionCommand({ executionArn }));
      return {
        status: e.status ?? 'RUNNING',
        error: e.error,
        cause: e.cause,
        startDate: e.startDate?.getTime() ?? 0,
        stopDate: e.stopDate?.getTime(),
      };
    } catch (error) {
      if (error instanceof ExecutionDoesNotExist) return null;
      return translateTransient('DescribeExecution', error);
    }
  }

  async start(machine: StateMachineName, name: string, input: unknown): Promise<'started' | 'exists'> {
    try {
      await this.client.send(
        new StartExecutionCommand({
          stateMachineArn: this.arnOf(machine),
          name,
          input: JSON.stringify(input),
        }),
      );
      return 'started';
    } catch (error) {
      // The name is derived from the request: an execution with it means this request already started one.
      if (error instanceof ExecutionAlreadyExists) return 'exists';
      return translateTransient('StartExecution', error);
    }
  }
}
