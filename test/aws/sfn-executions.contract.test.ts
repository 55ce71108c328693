// Contract tests of SfnExecutions against moto_server: StartExecution by state machine,
// and a second start with the same name (a replayed request) that starts nothing.

import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JsonRequests, STEP_FUNCTIONS } from '../../shared/aws/json-requests.js';
import { SfnExecutions } from '../../shared/aws/sfn-executions.js';
import type { StateMachineName } from '../../shared/ports/executions.js';
import { emulatorClientConfig, motoAvailable, startMoto, type Emulator } from '../../harness/emulators.js';

const DEFINITION = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Succeed' } } });

describe.skipIf(!motoAvailable())('SfnExecutions against moto_server', () => {
  let moto: Emulator;
  let sfn: SFNClient;
  let requests: JsonRequests;
  const arns = {} as Record<StateMachineName, string>;

  beforeAll(async () => {
    moto = await startMoto();
    sfn = new SFNClient(emulatorClientConfig(moto.endpoint));
    requests = new JsonRequests(STEP_FUNCTIONS, emulatorClientConfig(moto.endpoint));
    for (const machine of ['blue-green', 'canary', 'rolling'] as const) {
      const created = await sfn.send(
        new CreateStateMachineCommand({
          name: `cutover-test-${machine}`,
          definition: DEFINITION,
          roleArn: 'arn:aws:iam::123456789012:role/cutover-test',
        }),
      );
      arns[machine] = created.stateMachineArn!;
    }
  });

  afterAll(async () => {
    sfn?.destroy();
    await moto?.stop();
  });

  it('starts an execution of the named state machine, with the input as JSON', async () => {
    const executions = new SfnExecutions(requests, (m) => arns[m]);
    expect(await executions.start('rolling', 'worker-abc123', { service: 'worker' })).toBe('started');
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arns.rolling }));
    expect(listed.executions?.map((e) => e.name)).toEqual(['worker-abc123']);
  });

  it('answers "exists" for a name already used with other input, and starts nothing more', async () => {
    const executions = new SfnExecutions(requests, (m) => arns[m]);
    expect(await executions.start('canary', 'web-0a1b2c3d4e5f', { service: 'web' })).toBe('started');
    expect(await executions.start('canary', 'web-0a1b2c3d4e5f', { service: 'web', actor: 'replay' })).toBe(
      'exists',
    );
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arns.canary }));
    expect(listed.executions).toHaveLength(1);
  });

  // AWS answers a start with the name and input of a running execution with that execution
  // (ExecutionAlreadyExists only once it has closed, or for other input); either way nothing new
  // starts. https://docs.aws.amazon.com/step-functions/latest/apireference/API_StartExecution.html
  it('starts nothing for the name and input of a running execution', async () => {
    const executions = new SfnExecutions(requests, (m) => arns[m]);
    await executions.start('blue-green', 'api-0a1b2c3d4e5f', { service: 'api' });
    await executions.start('blue-green', 'api-0a1b2c3d4e5f', { service: 'api' });
    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: arns['blue-green'] }));
    expect(listed.executions).toHaveLength(1);
  });

  it('describes an execution as the SDK reads it, dates to the millisecond', async () => {
    const executions = new SfnExecutions(requests, (m) => arns[m]);
    await executions.start('rolling', 'described-0a1b2c', { service: 'described' });
    const executionArn = `${arns.rolling.replace(':stateMachine:', ':execution:')}:described-0a1b2c`;
    const sdk = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const described = await executions.describe('rolling', 'described-0a1b2c');
    expect(described).toEqual({
      status: sdk.status,
      error: sdk.error,
      cause: sdk.cause,
      startDate: sdk.startDate!.getTime(),
      stopDate: sdk.stopDate?.getTime(),
    });
    expect(described!.startDate).toBeGreaterThan(Date.parse('2020-01-01'));
  });

  it('describes an execution that was never started as none, not as an error', async () => {
    const executions = new SfnExecutions(requests, (m) => arns[m]);
    expect(await executions.describe('canary', 'never-started')).toBeNull();
  });
});
