// Figure: the size of state.json as executions accumulate. Every finished execution is kept with
// its whole history, so before pruning state.json grew by a few hundred KB per deployment, without
// bound. Now the local Step Functions keeps the newest N finished executions per state machine
// (local/stepfunctions/retention.ts, default 100): the file should stop growing once N is reached.
//
// The executions run on the local Step Functions with a deployment-shaped state machine (30
// states, each passing on a 4 KB payload, so about 0.25 MB of history each, within the
// 0.2-0.8 MB a real deployment records), and state.json is written by the local cloud's own
// saveState after 100, 250, 500 and 1,000 of them. The rest of state.json (ECS, the load
// balancer, alarms) is left empty: it does not grow with deployments. The target: the file after
// 1,000 executions is at most 1.1 times its size after the first 100.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalStepFunctions } from '../local/aws/stepfunctions.js';
import { ScaledClock } from '../local/clock.js';
import { saveState, STATE_VERSION, statePath } from '../local/persistence.js';
import { prepareDefinition } from '../local/stepfunctions/definition.js';
import { DEFAULT_KEEP_EXECUTIONS } from '../local/stepfunctions/retention.js';
import { TokenRegistry } from '../local/stepfunctions/tokens.js';
import type { FigureResult, MeasureOptions } from './figures.js';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:bench-deployment';
const STATES = 30;

/** A chain of Pass states, each adding a step to the payload it passes on, as a deployment's steps do. */
function deploymentShaped(): Record<string, unknown> {
  const states: Record<string, unknown> = {};
  for (let i = 0; i < STATES; i++) {
    states[`Step${i}`] = {
      Type: 'Pass',
      Result: { step: i, at: 'shift-traffic' },
      ResultPath: `$.steps.s${i}`,
      ...(i === STATES - 1 ? { End: true } : { Next: `Step${i + 1}` }),
    };
  }
  return { StartAt: 'Step0', States: states };
}

export async function measure(options: MeasureOptions): Promise<FigureResult> {
  const checkpoints = options.quick ? [100, 250] : [100, 250, 500, 1000];
  const keep = DEFAULT_KEEP_EXECUTIONS;
  const definition = deploymentShaped();
  const sfn = new LocalStepFunctions({
    clock: new ScaledClock(1),
    tokens: new TokenRegistry(),
    resolve: () => () => Promise.resolve({}),
    keepExecutions: keep,
  });
  sfn.addStateMachine({
    name: 'bench-deployment',
    arn: MACHINE,
    definition: JSON.stringify(definition),
    prepared: prepareDefinition(definition),
    createdAt: 0,
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'cutover-bench-state-'));
  const input = JSON.stringify({ deployment: { plan: 'x'.repeat(4096) }, steps: {} });
  const rows = [];
  try {
    let run = 0;
    for (const checkpoint of checkpoints) {
      for (; run < checkpoint; run++) await execute(sfn, `deployment-${run}`, input);
      saveState(dataDir, {
        version: STATE_VERSION,
        simTime: 0,
        region: 'us-east-1',
        account: '000000000000',
        ecs: {},
        elb: {},
        cloudwatch: {},
        events: {},
        ecr: {},
        executions: sfn.snapshot(),
      });
      const bytes = statSync(statePath(dataDir)).size;
      const kept = sfn.snapshot().length;
      rows.push({
        executions: run,
        kept,
        'state.json MB': mb(bytes),
        'KB per kept execution': Math.round(bytes / kept / 1024),
      });
      console.log(`  after ${run} executions: ${kept} kept, state.json ${mb(bytes)} MB`);
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const first = rows[0]!;
  const last = rows.at(-1)!;
  const perExecution = Number(first['state.json MB']) / first.kept;
  // Flat: once the newest `keep` are kept, more executions do not grow the file (10% for noise in
  // the payloads' lengths, which is none here).
  const growth = Number(last['state.json MB']) / Number(first['state.json MB']);
  return {
    name: `state.json size as executions accumulate (newest ${keep} finished kept per state machine)`,
    rows,
    targets: [
      {
        what: `state.json after ${last.executions} executions, as a multiple of its size after ${first.executions}`,
        target: '≤ 1.1',
        actual: `${growth.toFixed(2)} (${last['state.json MB']} MB)`,
        met: growth <= 1.1,
      },
    ],
    notes: [
      `Flat once ${keep} is reached: ${first['state.json MB']} MB after ${first.executions}, ${last['state.json MB']} MB after ${last.executions}.`,
      `Without pruning, ${last.executions} executions would be about ${mb(perExecution * last.executions * 1024 * 1024)} MB (${Math.round(perExecution * 1024)} KB each).`,
      'Synthetic deployment-shaped executions (30 states, 4 KB payload); `cutover local start --keep-executions N` sets N.',
    ],
  };
}

async function execute(sfn: LocalStepFunctions, name: string, input: string): Promise<void> {
  sfn.start({ stateMachineArn: MACHINE, name, input });
  const done = sfn.runningExecutions().find((e) => e.name === name)?.done;
  await done;
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(2);
}
