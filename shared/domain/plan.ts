// A deployment plan: the ordered steps a state machine will take for one service
// and strategy. `cutover plan` prints it; the state machines follow the same order.
//
// Order (CodeDeploy's ECS lifecycle, plus Cutover's bakes):
//   check alarms → register task definition → create task set → wait healthy
//   → BeforeAllowTestTraffic → test traffic → AfterAllowTestTraffic → approval
//   → BeforeAllowTraffic → shift/bake … → shift 100% → AfterAllowTraffic
//   → final bake → promote → termination wait → clean up
// Rolling replaces tasks in batches within one target group instead of shifting:
//   … create task set (no tasks) → approval → BeforeAllowTraffic → batch, wait healthy …
//   → AfterAllowTraffic → final bake → promote → clean up
//
// The catalog's gates are a floor (gates.ts): a plan whose strategy or preset comes from
// the request must keep every gate the catalog requires, or it is refused, naming them.

import { DeploymentRequestInvalid, type Problem } from './errors.js';
import { baselineWeight, runsBaseline } from './baseline.js';
import { matchWords, runsHeaderStep, withHeaderStep } from './header-step.js';
import { bakeTimeoutSeconds } from './bake-schedule.js';
import { withFirstLook } from './analysis-plan.js';
import { alarmNames, STRATEGIES, type HookName, type ServiceEntry, type Strategy } from './catalog-schema.js';
import { gatesOf, listGates, requiredGates, type Gate } from './gates.js';
import { isPresetName, unknownPreset, type PresetName, type TrafficStep } from './schedule.js';
import { hookTargetName } from './webhook.js';
import { resolveStrategy, strategyForPreset, strategyProblems, type StrategyChoice } from './strategy.js';

export type PlanStep =
  | { kind: 'check-alarms'; alarms: string[] }
  | { kind: 'register-task-definition' }
  | {
      kind: 'create-task-set';
      targetGroup: 'idle' | 'stable';
      scalePercent: number;
      /** A baseline task set of the stable revision starts beside it (domain/baseline.ts). */
      baseline?: true;
    }
  | { kind: 'wait-healthy' }
  | { kind: 'hook'; hook: HookName; function: string; timeoutSeconds: number }
  | { kind: 'test-traffic' }
  | { kind: 'approval'; timeoutSeconds: number }
  | {
      kind: 'shift';
      weight: number;
      atSeconds: number;
      /** The baseline task set's share at this step, when the deployment runs one. */
      baseline?: number;
      /** The header-routed step: which requests go to the new task set (`requests with header …`). */
      header?: string;
    }
  | { kind: 'bake'; seconds: number; alarms: string[]; analysis: boolean; final: boolean }
  | { kind: 'scale-batch'; batch: number; candidatePercent: number; stablePercent: number }
  | { kind: 'promote' }
  | { kind: 'termination-wait'; seconds: number }
  | { kind: 'clean-up' };

export interface DeploymentPlan {
  service: string;
  strategy: Strategy;
  /** A preset name, `custom`, or `rolling`. */
  scheduleSource: PresetName | 'custom' | 'rolling';
  schedule: TrafficStep[] | null;
  steps: PlanStep[];
  /** Bakes and waits added up; health checks, hooks and approval add to this. */
  minimumSeconds: number;
  /** The final bake task's TimeoutSeconds (the state machines read it): the bake, then a margin. */
  finalBakeTimeoutSeconds: number;
}

export interface PlanOptions {
  strategy?: string | undefined;
  preset?: string | undefined;
  batchPercent?: number | undefined;
}

/**
 * Builds the plan. Throws DeploymentRequestInvalid when the options do not fit the service,
 * or when they choose a strategy that would skip a gate the catalog requires.
 */
export function planDeployment(
  service: string,
  entry: ServiceEntry,
  options: PlanOptions = {},
): DeploymentPlan {
  const plan = buildPlan(service, entry, options);
  const missing = missingGates(entry, plan.steps);
  if (missing.length > 0) {
    throw new DeploymentRequestInvalid([floorProblem(service, entry, options, plan, missing)]);
  }
  return plan;
}

function buildPlan(service: string, entry: ServiceEntry, options: PlanOptions): DeploymentPlan {
  const { choice, batchPercent } = chooseStrategy(entry, options);
  const resolved = resolveStrategy(choice);
  const steps: PlanStep[] = [
    { kind: 'check-alarms', alarms: alarmNames(entry) },
    { kind: 'register-task-definition' },
  ];
  if (
    entry.analysis.enabled &&
    entry.analysis.method === 'sequential' &&
    resolved.strategy === 'blue-green'
  ) {
    throw new DeploymentRequestInvalid([
      {
        path: 'strategy',
        message:
          `${service}'s sequential analysis compares two task sets serving production at once, which ` +
          'blue-green never does: deploy it by canary or linear',
      },
    ]);
  }
  if (entry.analysis.enabled && entry.analysis.baseline && resolved.strategy === 'blue-green') {
    throw new DeploymentRequestInvalid([
      {
        path: 'strategy',
        message:
          `${service}'s analysis judges the canary against a baseline task set serving beside it, which ` +
          'blue-green never does: deploy it by canary or linear',
      },
    ]);
  }
  const schedule = scheduleFor(entry, resolved.strategy, resolved.schedule);
  if (schedule === null) {
    steps.push(...rollingSteps(entry, batchPercent));
  } else {
    steps.push(...shiftingSteps(entry, resolved.strategy, schedule));
  }
  return {
    service,
    strategy: resolved.strategy,
    scheduleSource: resolved.source,
    schedule,
    steps,
    minimumSeconds: steps.reduce((sum, s) => sum + waitSeconds(s), 0),
    finalBakeTimeoutSeconds: bakeTimeoutSeconds(entry.bakeSeconds),
  };
}

/** The schedule as rolled out: under the sequential judge, its first step holds for the first look. */
function scheduleFor(
  entry: ServiceEntry,
  strategy: Strategy,
  schedule: TrafficStep[] | null,
): TrafficStep[] | null {
  const sequential =
    entry.analysis.enabled &&
    entry.analysis.method === 'sequential' &&
    (strategy === 'canary' || strategy === 'linear');
  if (schedule === null) return null;
  const looked = sequential ? withFirstLook(schedule) : schedule;
  const { headerStep } = entry;
  return headerStep !== undefined && runsHeaderStep(entry, strategy)
    ? withHeaderStep(looked, headerStep)
    : looked;
}

function missingGates(entry: ServiceEntry, steps: readonly PlanStep[]): Gate[] {
  const present = gatesOf(steps);
  return requiredGates(entry).filter((gate) => !present.has(gate));
}

/** Names what the chosen strategy would skip, what it keeps, and the strategies that keep it all. */
function floorProblem(
  service: string,
  entry: ServiceEntry,
  options: PlanOptions,
  plan: DeploymentPlan,
  missing: Gate[],
): Problem {
  const byPreset = options.strategy === undefined && options.preset !== undefined;
  const chosen = byPreset
    ? `preset ${options.preset} (strategy ${plan.strategy})`
    : `strategy ${plan.strategy}`;
  const kept = [...gatesOf(plan.steps)].filter((gate) => requiredGates(entry).includes(gate));
  const keeps = kept.length > 0 ? ` (${plan.strategy} keeps ${listGates(kept)})` : '';
  const fitting = STRATEGIES.filter((strategy) => {
    try {
      return missingGates(entry, buildPlan(service, entry, { strategy }).steps).length === 0;
    } catch {
      return false;
    }
  });
  const others =
    fitting.length > 0 ? `, or choose a strategy that keeps every gate: ${fitting.join(', ')}` : '';
  return {
    path: byPreset ? 'preset' : 'strategy',
    message:
      `${chosen} would skip ${listGates(missing)}, which the catalog requires of ${service}${keeps}; ` +
      `leave it out to deploy as the catalog says (${entry.strategy})${others}`,
  };
}

function chooseStrategy(
  entry: ServiceEntry,
  options: PlanOptions,
): { choice: StrategyChoice; batchPercent: number } {
  const problems: Problem[] = [];
  const known: readonly string[] = STRATEGIES;
  if (options.strategy !== undefined && !known.includes(options.strategy)) {
    problems.push({ path: 'strategy', message: `must be one of: ${known.join(', ')}` });
  }
  if (options.preset !== undefined && !isPresetName(options.preset)) {
    problems.push({ path: 'preset', message: unknownPreset(options.preset) });
  }
  const batch = options.batchPercent ?? entry.rolling?.batchPercent ?? 25;
  if (!Number.isInteger(batch) || batch < 1 || batch > 100) {
    problems.push({ path: 'batchPercent', message: 'must be a whole number from 1 to 100' });
  }
  if (problems.length > 0) throw new DeploymentRequestInvalid(problems);

  const preset = options.preset as PresetName | undefined;
  const strategy =
    (options.strategy as Strategy | undefined) ??
    (preset === undefined ? entry.strategy : strategyForPreset(preset, entry.strategy));
  // An override of strategy or preset replaces the catalog's schedule; otherwise keep the catalog's.
  const overridden = options.strategy !== undefined || preset !== undefined;
  const choice: StrategyChoice = overridden
    ? { strategy, preset: preset ?? defaultPresetFor(strategy, entry) }
    : { strategy, preset: entry.preset, schedule: entry.schedule };
  const choiceProblems = strategyProblems(choice);
  if (options.batchPercent !== undefined && strategy !== 'rolling') {
    choiceProblems.push({
      path: 'batchPercent',
      message: `applies only to rolling deployments; this one is ${strategy} (leave it out, or send strategy: rolling)`,
    });
  }
  if (choiceProblems.length > 0) throw new DeploymentRequestInvalid(choiceProblems);
  return { choice, batchPercent: batch };
}

/** With `--strategy` alone, keep the catalog's preset when it fits, else the strategy's first preset. */
function defaultPresetFor(strategy: Strategy, entry: ServiceEntry): PresetName | undefined {
  if (strategy === 'rolling') return undefined;
  if (strategy === 'canary')
    return entry.preset?.startsWith('Canary') ? entry.preset : 'Canary10Percent5Minutes';
  if (strategy === 'linear') {
    return entry.preset?.startsWith('Linear') ? entry.preset : 'Linear10PercentEvery1Minutes';
  }
  return 'AllAtOnce';
}

function shiftingSteps(entry: ServiceEntry, strategy: Strategy, schedule: TrafficStep[]): PlanStep[] {
  const baseline = runsBaseline(entry, strategy);
  const steps: PlanStep[] = [
    { kind: 'create-task-set', targetGroup: 'idle', scalePercent: 100, ...(baseline ? { baseline } : {}) },
    { kind: 'wait-healthy' },
  ];
  const hook = (name: HookName) => hookStep(entry, name);
  if (entry.traffic.testListenerRule !== undefined) {
    steps.push(...hook('BeforeAllowTestTraffic'), { kind: 'test-traffic' }, ...hook('AfterAllowTestTraffic'));
  }
  if (entry.approval.required)
    steps.push({ kind: 'approval', timeoutSeconds: entry.approval.timeoutSeconds });
  steps.push(...hook('BeforeAllowTraffic'));
  const analysisEachStep = entry.analysis.enabled && strategy !== 'blue-green';
  for (const step of schedule) {
    const header =
      step.header === true && entry.headerStep !== undefined ? matchWords(entry.headerStep) : null;
    steps.push({
      kind: 'shift',
      weight: step.weight,
      atSeconds: step.atSeconds,
      ...(baseline ? { baseline: baselineWeight(step.weight) } : {}),
      ...(header === null ? {} : { header }),
    });
    if (step.bakeSeconds > 0) {
      steps.push({
        kind: 'bake',
        seconds: step.bakeSeconds,
        alarms: alarmNames(entry),
        analysis: analysisEachStep,
        final: false,
      });
    }
  }
  steps.push(...hook('AfterAllowTraffic'));
  steps.push(...finalBake(entry, entry.analysis.enabled && strategy === 'blue-green'));
  steps.push(
    { kind: 'promote' },
    { kind: 'termination-wait', seconds: entry.terminationWaitSeconds },
    { kind: 'clean-up' },
  );
  return steps;
}

/** Rolling has no test listener and no second target group to judge, but it waits for approval. */
function rollingSteps(entry: ServiceEntry, batchPercent: number): PlanStep[] {
  const steps: PlanStep[] = [{ kind: 'create-task-set', targetGroup: 'stable', scalePercent: 0 }];
  // Before the first batch: in one target group, the first new task takes production traffic.
  if (entry.approval.required)
    steps.push({ kind: 'approval', timeoutSeconds: entry.approval.timeoutSeconds });
  steps.push(...hookStep(entry, 'BeforeAllowTraffic'));
  let batch = 0;
  for (let candidate = batchPercent; ; candidate = Math.min(100, candidate + batchPercent)) {
    batch += 1;
    steps.push(
      { kind: 'scale-batch', batch, candidatePercent: candidate, stablePercent: 100 - candidate },
      { kind: 'wait-healthy' },
    );
    if (candidate === 100) break;
  }
  steps.push(...hookStep(entry, 'AfterAllowTraffic'), ...finalBake(entry, false));
  steps.push({ kind: 'promote' }, { kind: 'clean-up' });
  return steps;
}

function hookStep(entry: ServiceEntry, hook: HookName): PlanStep[] {
  const target = entry.hooks[hook];
  return target === undefined
    ? []
    : [{ kind: 'hook', hook, function: hookTargetName(target), timeoutSeconds: entry.hookTimeoutSeconds }];
}

function finalBake(entry: ServiceEntry, analysis: boolean): PlanStep[] {
  if (entry.bakeSeconds === 0) return [];
  return [{ kind: 'bake', seconds: entry.bakeSeconds, alarms: alarmNames(entry), analysis, final: true }];
}

function waitSeconds(step: PlanStep): number {
  if (step.kind === 'bake' || step.kind === 'termination-wait') return step.seconds;
  return 0;
}
