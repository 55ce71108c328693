// Figure 2, Step Functions state transitions per successful deployment: one deployment
// per pattern and preset (with and without canary analysis; blue-green with and without
// approval) through the real ASL and handlers over fakes (bench/deployment-run.ts),
// counted from the execution history (bench/transition-count.ts), and compared with a
// design that polls the alarms every 15 s during bakes. Deterministic: --quick changes nothing.

import type { FigureResult, MeasureOptions, Target } from './figures.js';
import type { Scenario } from './deployment-run.js';
import {
  bakesIn,
  billedTransitions,
  repeatedStates,
  retriesIn,
  statesEnteredIn,
  withPollingBakes,
} from './transition-count.js';

/** US East (N. Virginia), Standard workflows: $0.025 per 1,000 state transitions. */
const DOLLARS_PER_TRANSITION = 0.025 / 1000;
const TARGET = { preset: 'Linear10PercentEvery1Minutes', most: 45 };

interface Row extends Scenario {
  pattern: string;
  preset: string;
}

const presets: [pattern: string, preset: string][] = [
  ['canary', 'Canary10Percent5Minutes'],
  ['canary', 'Canary10Percent15Minutes'],
  ['linear', 'Linear10PercentEvery1Minutes'],
  ['linear', 'Linear10PercentEvery3Minutes'],
  ['all-at-once', 'AllAtOnce'],
];

const scenarios: Row[] = [
  ...(['on', 'off'] as const).flatMap((approval) =>
    (['off', 'on'] as const).map((analysis): Row => ({
      pattern: 'blue-green',
      preset: '—',
      service: 'api',
      machine: 'blue-green',
      approval,
      analysis,
    })),
  ),
  ...presets.flatMap(([pattern, preset]) =>
    // All at once has no bake to judge: a service with analysis on cannot be deployed so.
    (pattern === 'all-at-once' ? (['off'] as const) : (['on', 'off'] as const)).map((analysis): Row => ({
      pattern,
      preset,
      service: 'web',
      machine: 'canary',
      input: { preset },
      analysis,
    })),
  ),
  { pattern: 'rolling', preset: '25% batches', service: 'worker', machine: 'rolling' },
];

/** What the handler modules read when imported (as vitest.config.ts sets for the tests). */
function setHandlerEnvironment(): void {
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    LEDGER_TABLE: 'cutover-bench-ledger',
    LEDGER_KEY_ID: 'arn:aws:kms:us-east-1:123456789012:key/00000000-0000-4000-8000-000000000001',
    LEDGER_ANCHOR_BUCKET: 'cutover-anchors',
    DEPLOYMENTS_TABLE: 'cutover-bench-deployments',
    CUTOVER_CATALOG: 'examples/catalog.yml',
    BAKE_SCHEDULE_GROUP: 'cutover-bench-bakes',
    BAKE_SCHEDULER_ROLE_ARN: 'arn:aws:iam::123456789012:role/cutover-bench-bake-scheduler',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [name, value] of Object.entries(env)) process.env[name] ??= value;
}

export async function measure(_options: MeasureOptions): Promise<FigureResult> {
  setHandlerEnvironment();
  const { runDeployment } = await import('./deployment-run.js');
  const rows = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  let retries = 0;
  for (const scenario of scenarios) {
    const { history } = await runDeployment(scenario);
    const transitions = billedTransitions(history);
    const bakes = bakesIn(history);
    const polling = withPollingBakes(transitions, bakes);
    retries += retriesIn(history);
    const analysis = scenario.analysis === undefined ? 'n/a' : scenario.analysis;
    rows.push({
      pattern: scenario.pattern,
      preset: scenario.preset,
      service: scenario.service,
      analysis,
      approval: scenario.approval ?? 'n/a',
      transitions,
      bakes: bakes.length,
      // A healthy bake ends by its schedule's success; a TaskTimedOut here reads as a failure.
      'bakes timed out': history.filter((e) => e.type === 'TaskTimedOut').length,
      'bake time (s)': bakes.reduce((sum, b) => sum + b.seconds, 0),
      'polling design': polling,
      'polling ÷ ours': Math.round((polling / transitions) * 10) / 10,
      '$ per 1,000 deployments': `$${(transitions * DOLLARS_PER_TRANSITION * 1000).toFixed(2)}`,
    });
    if (scenario.preset === TARGET.preset) {
      targets.push({
        what: `${TARGET.preset} deployment (web, analysis ${analysis})`,
        target: `≤ ${TARGET.most}`,
        actual: String(transitions),
        met: transitions <= TARGET.most,
      });
      const states = statesEnteredIn(history);
      const repeated = repeatedStates(states);
      const inRepeats = repeated.reduce((sum, [, n]) => sum + n, 0);
      notes.push(
        `${TARGET.preset}, analysis ${analysis}: ${states.length - inRepeats} transitions in states entered once, ` +
          `${inRepeats} in states entered more than once: ${repeated.map(([s, n]) => `${s} ×${n}`).join(', ')}.`,
      );
    }
  }
  notes.push(
    `Billed transitions = *StateEntered events + retries (${retries} retries in these runs: the fakes do not fail).`,
    `Bakes timed out: TaskTimedOut events in the history. A healthy bake ends with its schedule's ` +
      `SendTaskSuccess (TaskSucceeded), at no cost in transitions: the bake is one Task either way.`,
    `Polling design: each bake of B seconds becomes ceil(B/15) polls of 3 transitions (Wait, check Task, Choice) ` +
      `instead of one .waitForTaskToken Task. Cost at $0.025 per 1,000 transitions (us-east-1), free tier ignored.`,
    `Health checks: the fakes report a new task set steady at its second check, so WaitForTasks, CheckTaskSet and ` +
      `TaskSetHealthy? run twice (rolling: twice for the first batch, once for the others). On AWS tasks take ` +
      `longer to start: each further look adds 3 transitions to every row. The waits back off (10, 20, 40 s, ` +
      `then 40 s), so a task set steady after a minute costs 3 looks, not 6 at a fixed 10 s.`,
  );
  return { name: 'Step Functions state transitions per successful deployment', rows, targets, notes };
}
