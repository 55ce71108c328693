// The plan a deployment carries (ValidateInput's spec.plan, which `cutover plan` prints and
// status renders) against the states its execution enters: for every pattern and preset, the
// steps the states do, in order, are the plan's steps. plan.ts says the state machines follow
// its order; a Choice state that skipped a gate, or a plan that listed one the machine never
// runs, fails here. (Shown once: with plan.ts listing the termination wait before Promote, every
// row but rolling failed.) It found that blue-green and canary entered BeforeAllowTestTraffic
// when the catalog names no such hook, a transition that did nothing; they no longer do.

import { describe, expect, it } from 'vitest';
import { runDeployment, type Scenario } from '../../bench/deployment-run.js';
import type { PlanStep } from '../../shared/domain/plan.js';
import type { HistoryEvent } from '../../local/stepfunctions/history.js';

const HOOK_STATES = new Set([
  'BeforeAllowTestTraffic',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
]);

/** What each state does, as plan steps; a state not listed routes or waits and does no step. */
function stepsOfState(state: string): string[] {
  if (HOOK_STATES.has(state)) return [`hook ${state}`];
  switch (state) {
    case 'CheckAlarms':
      return ['check-alarms'];
    case 'CreateTaskSet':
      return ['register-task-definition', 'create-task-set'];
    case 'AllowTestTraffic':
      return ['test-traffic'];
    case 'WaitForApproval':
      return ['approval'];
    case 'ShiftTraffic':
      return ['shift'];
    case 'Bake':
      return ['bake'];
    case 'FinalBake':
      return ['final bake'];
    case 'ScaleBatch':
      return ['scale-batch'];
    case 'Promote':
      return ['promote'];
    case 'TerminationWait':
      return ['termination-wait'];
    case 'CleanUp':
      return ['clean-up'];
    default:
      return [];
  }
}

function nameOf(step: PlanStep): string {
  if (step.kind === 'hook') return `hook ${step.hook}`;
  if (step.kind === 'bake' && step.final) return 'final bake';
  return step.kind;
}

/** The steps the run did: each state's steps, and a health wait once where a look found it steady. */
function stepsRun(history: readonly HistoryEvent[]): string[] {
  const steps: string[] = [];
  for (const event of history) {
    if (event.type === 'TaskStateExited') {
      const { name, output } = event.stateExitedEventDetails as { name: string; output: string };
      const health = (JSON.parse(output) as { progress?: { health?: { steady?: boolean } } }).progress
        ?.health;
      if (LOOKS.has(name) && health?.steady === true) steps.push('wait-healthy');
    }
    // A hook state the catalog names no function for does nothing (run-hook answers Skipped).
    if (event.type === 'LambdaFunctionSucceeded' && steps.at(-1)?.startsWith('hook ')) {
      const { output } = event.lambdaFunctionSucceededEventDetails as { output: string };
      if ((JSON.parse(output) as { status?: string } | null)?.status === 'Skipped') steps.pop();
    }
    if (event.type.endsWith('StateEntered')) {
      steps.push(...stepsOfState((event.stateEnteredEventDetails as { name: string }).name));
    }
  }
  return steps;
}

/** The states that look at the new task set's health (each run's last look finds it steady). */
const LOOKS = new Set(['CheckTaskSet', 'CheckBatch']);

function planOf(history: readonly HistoryEvent[]): PlanStep[] {
  const exited = history.find((e) => e.type === 'TaskStateExited')!;
  const { output } = exited.stateExitedEventDetails as { name: string; output: string };
  return (JSON.parse(output) as { spec: { plan: { steps: PlanStep[] } } }).spec.plan.steps;
}

const presets = [
  'Canary10Percent5Minutes',
  'Canary10Percent15Minutes',
  'Linear10PercentEvery1Minutes',
  'Linear10PercentEvery3Minutes',
  'AllAtOnce',
];

const scenarios: [string, Scenario][] = [
  ...(['on', 'off'] as const).map((approval): [string, Scenario] => [
    `blue-green, approval ${approval}`,
    { service: 'api', machine: 'blue-green', approval },
  ]),
  ...presets.map((preset): [string, Scenario] => [
    preset,
    { service: 'web', machine: 'canary', input: { preset }, analysis: 'off' },
  ]),
  ['rolling', { service: 'worker', machine: 'rolling' }],
];

describe('the states a deployment enters follow its plan', () => {
  it.each(scenarios)('%s', async (_name, scenario) => {
    const { history } = await runDeployment(scenario);
    expect(stepsRun(history)).toEqual(planOf(history).map(nameOf));
  });
});
