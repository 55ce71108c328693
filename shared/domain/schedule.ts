// Traffic schedules: when production traffic moves to the new task set, and how far.
//
// The five presets carry AWS CodeDeploy's predefined ECS deployment configurations
// with the same semantics:
// - AllAtOnce shifts all traffic at once.
// - CanaryP%Nm shifts P% first, then the remaining traffic N minutes later.
// - LinearP%EveryNm shifts P% at the start of each N-minute interval until 100%.
// A schedule is plain data: an ordered list of `{ weight, atSeconds, bakeSeconds }`,
// where `weight` is the percentage of production traffic on the new task set,
// `atSeconds` is when the shift happens (from the first shift), and `bakeSeconds`
// is how long traffic stays at that weight before the next step. The last step is
// always 100% with a bake of 0: the bake after full traffic is the service's own
// `bakeSeconds`, which the plan adds.

import { ScheduleInvalid, type Problem } from './errors.js';

export interface TrafficStep {
  weight: number;
  atSeconds: number;
  bakeSeconds: number;
  /** The header-routed step (catalog `headerStep`): weight 0, matching requests only. */
  header?: true;
}

/** A custom canary: explicit steps, each held for `bakeSeconds` before the next. */
export interface CanaryScheduleSpec {
  type: 'canary';
  steps: { weight: number; bakeSeconds?: number | undefined }[];
}

/** A custom linear schedule: `percentage` more traffic at the start of every interval. */
export interface LinearScheduleSpec {
  type: 'linear';
  percentage: number;
  intervalSeconds: number;
}

export interface AllAtOnceScheduleSpec {
  type: 'all-at-once';
}

export type ScheduleSpec = AllAtOnceScheduleSpec | CanaryScheduleSpec | LinearScheduleSpec;

export const PRESET_NAMES = [
  'AllAtOnce',
  'Canary10Percent5Minutes',
  'Canary10Percent15Minutes',
  'Linear10PercentEvery1Minutes',
  'Linear10PercentEvery3Minutes',
] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

/** The longest a schedule may take to reach 100%: CodeDeploy's 2,880-minute interval limit. */
export const MAX_SCHEDULE_SECONDS = 2880 * 60;

const PRESETS: Record<PresetName, ScheduleSpec> = {
  AllAtOnce: { type: 'all-at-once' },
  Canary10Percent5Minutes: { type: 'canary', steps: [{ weight: 10, bakeSeconds: 300 }, { weight: 100 }] },
  Canary10Percent15Minutes: { type: 'canary', steps: [{ weight: 10, bakeSeconds: 900 }, { weight: 100 }] },
  Linear10PercentEvery1Minutes: { type: 'linear', percentage: 10, intervalSeconds: 60 },
  Linear10PercentEvery3Minutes: { type: 'linear', percentage: 10, intervalSeconds: 180 },
};

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** The problem with a preset name that is none: the name, and the ones there are. */
export function unknownPreset(name: string): string {
  return `unknown preset "${name}"; the presets are ${PRESET_NAMES.join(', ')}`;
}

export function presetSpec(name: PresetName): ScheduleSpec {
  return structuredClone(PRESETS[name]);
}

/** Every problem with a spec, with paths relative to the spec (e.g. `steps[2].weight`). */
export function scheduleProblems(spec: ScheduleSpec): Problem[] {
  switch (spec.type) {
    case 'all-at-once':
      return [];
    case 'canary':
      return canaryProblems(spec);
    case 'linear':
      return linearProblems(spec);
  }
}

/** Turns a spec into timed steps. Throws ScheduleInvalid listing every problem. */
export function buildSchedule(spec: ScheduleSpec): TrafficStep[] {
  const problems = scheduleProblems(spec);
  if (problems.length > 0) throw new ScheduleInvalid(problems);
  switch (spec.type) {
    case 'all-at-once':
      return [{ weight: 100, atSeconds: 0, bakeSeconds: 0 }];
    case 'canary':
      return timed(spec.steps.map((s) => ({ weight: s.weight, bakeSeconds: s.bakeSeconds ?? 0 })));
    case 'linear':
      return timed(
        linearWeights(spec.percentage).map((weight) => ({ weight, bakeSeconds: spec.intervalSeconds })),
      );
  }
}

export function presetSchedule(name: PresetName): TrafficStep[] {
  return buildSchedule(presetSpec(name));
}

/** Seconds from the first shift until traffic is fully on the new task set. */
export function scheduleDurationSeconds(steps: readonly TrafficStep[]): number {
  return steps.at(-1)?.atSeconds ?? 0;
}

function timed(steps: { weight: number; bakeSeconds: number }[]): TrafficStep[] {
  let at = 0;
  return steps.map((step, i) => {
    const last = i === steps.length - 1;
    const out = { weight: step.weight, atSeconds: at, bakeSeconds: last ? 0 : step.bakeSeconds };
    at += out.bakeSeconds;
    return out;
  });
}

function linearWeights(percentage: number): number[] {
  const weights: number[] = [];
  for (let w = percentage; w < 100; w += percentage) weights.push(w);
  weights.push(100);
  return weights;
}

function canaryProblems(spec: CanaryScheduleSpec): Problem[] {
  const problems: Problem[] = [];
  if (spec.steps.length === 0) {
    return [{ path: 'steps', message: 'needs at least one step; the last one must shift to 100' }];
  }
  let previous = 0;
  spec.steps.forEach((step, i) => {
    const at = `steps[${i}]`;
    if (!isWholeNumber(step.weight) || step.weight < 1 || step.weight > 100) {
      problems.push({ path: `${at}.weight`, message: 'must be a whole number from 1 to 100' });
    } else if (step.weight <= previous) {
      problems.push({ path: `${at}.weight`, message: 'must be greater than the previous step' });
    }
    if (step.bakeSeconds !== undefined && (!isWholeNumber(step.bakeSeconds) || step.bakeSeconds < 0)) {
      problems.push({ path: `${at}.bakeSeconds`, message: 'must be a whole number of seconds, 0 or more' });
    }
    previous = Math.max(previous, isWholeNumber(step.weight) ? step.weight : previous);
  });
  const lastIndex = spec.steps.length - 1;
  const last = spec.steps[lastIndex];
  if (last && last.weight !== 100) {
    problems.push({ path: `steps[${lastIndex}].weight`, message: 'the last step must shift to 100' });
  }
  if (last?.bakeSeconds) {
    problems.push({
      path: `steps[${lastIndex}].bakeSeconds`,
      message: "the last step's bake is the service's bakeSeconds; leave it out here",
    });
  }
  const total = spec.steps.slice(0, -1).reduce((sum, s) => sum + (s.bakeSeconds ?? 0), 0);
  if (total > MAX_SCHEDULE_SECONDS) problems.push(tooLong('steps', total));
  return problems;
}

function linearProblems(spec: LinearScheduleSpec): Problem[] {
  const problems: Problem[] = [];
  const percentageOk = isWholeNumber(spec.percentage) && spec.percentage >= 1 && spec.percentage <= 99;
  if (!percentageOk) {
    problems.push({
      path: 'percentage',
      message: 'must be a whole number from 1 to 99 (use all-at-once for 100)',
    });
  }
  const intervalOk = isWholeNumber(spec.intervalSeconds) && spec.intervalSeconds >= 0;
  if (!intervalOk) {
    problems.push({ path: 'intervalSeconds', message: 'must be a whole number of seconds, 0 or more' });
  }
  if (percentageOk && intervalOk) {
    const total = (linearWeights(spec.percentage).length - 1) * spec.intervalSeconds;
    if (total > MAX_SCHEDULE_SECONDS) problems.push(tooLong('intervalSeconds', total));
  }
  return problems;
}

function tooLong(path: string, total: number): Problem {
  return {
    path,
    message: `reaching 100% would take ${total} s; the most allowed is ${MAX_SCHEDULE_SECONDS} s (48 hours)`,
  };
}

function isWholeNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n);
}
