// Adapter: starts state machine executions with Step Functions StartExecution.

import { ExecutionAlreadyExists, StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import type { Executions, StateMachineName } from '../ports/executions.js';
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
