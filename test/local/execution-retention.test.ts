// The local Step Functions keeps the newest N finished executions of each state machine and
// forgets older ones, so state.json stops growing once N is reached; a running execution is
// never forgotten. Checked on the pure rule and on LocalStepFunctions running real executions.

import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalStepFunctions } from '../../local/aws/stepfunctions.js';
import { ScaledClock } from '../../local/clock.js';
import { prepareDefinition } from '../../local/stepfunctions/definition.js';
import { retainExecutions, type Retained } from '../../local/stepfunctions/retention.js';
import { TokenRegistry } from '../../local/stepfunctions/tokens.js';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:retention';
const OTHER = 'arn:aws:states:us-east-1:000000000000:stateMachine:other';

const finished = (machine: string, stopDate: number): Retained & { id: string } => ({
  id: `${machine.split(':').at(-1)}-${stopDate}`,
  stateMachineArn: machine,
  status: stopDate % 2 === 0 ? 'SUCCEEDED' : 'FAILED',
  startDate: stopDate - 1,
  stopDate,
});

describe('retainExecutions', () => {
  it('keeps exactly the N that ended last in each state machine, and every running one', () => {
    const running = { id: 'running', stateMachineArn: MACHINE, status: 'RUNNING', startDate: 0 };
    const executions = [
      running,
      ...[5, 1, 9, 3, 7, 2].map((t) => finished(MACHINE, t)),
      ...[4, 8].map((t) => finished(OTHER, t)),
    ];
    const kept = retainExecutions(executions, 3);
    expect(kept.map((e) => e.id)).toEqual([
      'running',
      'retention-5',
      'retention-9',
      'retention-7',
      'other-4',
      'other-8',
    ]);
  });

  it('keeps running executions even beyond N, and forgets every finished one past it', () => {
    const running: Retained[] = [1, 2, 3].map((t) => ({
      stateMachineArn: MACHINE,
      status: 'RUNNING',
      startDate: t,
    }));
    const kept = retainExecutions<Retained>([...running, finished(MACHINE, 10), finished(MACHINE, 11)], 1);
    expect(kept.filter((e) => e.status === 'RUNNING')).toHaveLength(3);
    expect(kept.filter((e) => e.status !== 'RUNNING').map((e) => e.stopDate)).toEqual([11]);
  });
});

describe('LocalStepFunctions with keepExecutions', () => {
  // `hold` waits a simulated hour (an hour of real time at speed 1): the execution stays running.
  const definition = {
    StartAt: 'Hold?',
    States: {
      'Hold?': {
        Type: 'Choice',
        Choices: [{ Variable: '$.hold', BooleanEquals: true, Next: 'Wait' }],
        Default: 'Done',
      },
      Wait: { Type: 'Wait', Seconds: 3600, Next: 'Done' },
      Done: { Type: 'Pass', Result: { payload: 'x'.repeat(1000) }, End: true },
    },
  };
  const sfn = new LocalStepFunctions({
    clock: new ScaledClock(1),
    tokens: new TokenRegistry(),
    resolve: () => () => Promise.resolve({}),
    keepExecutions: 3,
  });
  sfn.addStateMachine({
    name: 'retention',
    arn: MACHINE,
    definition: JSON.stringify(definition),
    prepared: prepareDefinition(definition),
    createdAt: 0,
  });

  afterEach(async () => {
    for (const execution of sfn.runningExecutions()) execution.stop();
    await Promise.all(sfn.runningExecutions().map((e) => e.done));
  });

  async function run(name: string, hold = false): Promise<void> {
    sfn.start({ stateMachineArn: MACHINE, name, input: JSON.stringify({ hold }) });
    if (hold) return;
    while (sfn.snapshot().find((e) => e.name === name)?.status !== 'SUCCEEDED')
      await new Promise((resolve) => setTimeout(resolve, 2));
  }

  it('keeps the newest 3 finished executions and the running one, in state and in ListExecutions', async () => {
    await run('held', true);
    for (let i = 1; i <= 10; i++) await run(`run-${i}`);
    const snapshot = sfn.snapshot();
    expect(snapshot.map((e) => [e.name, e.status])).toEqual([
      ['held', 'RUNNING'],
      ['run-8', 'SUCCEEDED'],
      ['run-9', 'SUCCEEDED'],
      ['run-10', 'SUCCEEDED'],
    ]);
    const listed = (await sfn.service.operations.ListExecutions!({ stateMachineArn: MACHINE })) as {
      executions: { name: string }[];
    };
    expect(listed.executions.map((e) => e.name).sort()).toEqual(['held', 'run-10', 'run-8', 'run-9']);
    // A forgotten execution is gone, as on AWS once its retention has passed.
    expect(() =>
      sfn.service.operations.DescribeExecution!({
        executionArn: `${MACHINE.replace(':stateMachine:', ':execution:')}:run-1`,
      }),
    ).toThrow('Execution Does Not Exist');
  });

  it('saves the same executions as text, made as it is written: a running one as it was at the snapshot', async () => {
    await run('held-saved', true);
    await run('done-saved');
    const text = sfn.snapshotText();
    const before = JSON.parse(JSON.stringify(sfn.snapshot())) as unknown;
    sfn
      .runningExecutions()
      .find((e) => e.name === 'held-saved')!
      .stop();
    await Promise.all(sfn.runningExecutions().map((e) => e.done));
    expect(JSON.stringify(sfn.snapshot())).not.toBe(JSON.stringify(before));
    expect(JSON.parse([...text.pieces()].join(''))).toEqual(before);
  });

  it('prunes a restored state file saved with more', () => {
    const saved = sfn.snapshot().filter((e) => e.status !== 'RUNNING');
    const many = Array.from({ length: 20 }, (_, i) => ({ ...saved[0]!, name: `old-${i}`, stopDate: i }));
    sfn.restore([...many, { ...saved[0]!, name: 'was-running', status: 'RUNNING' }]);
    // The running one is aborted by the restart, so it counts as finished, and ended last.
    expect(sfn.snapshot().map((e) => e.name)).toEqual(['old-18', 'old-19', 'was-running']);
  });
});

describe('cutover local start --keep-executions', () => {
  it.each(['0', '2.5', 'many'])('%s is refused: exit 2, saying what it takes', (value) => {
    const cli = new URL('../../cli/cutover.mjs', import.meta.url).pathname;
    const run = spawnSync(process.execPath, [cli, 'local', 'start', '--keep-executions', value], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`--keep-executions must be a whole number of at least 1, not ${value}`);
  });
});
