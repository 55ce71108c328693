// Which traffic schedule a deployment follows, from the service's defaults and
// the overrides a deploy request may carry (`--strategy`, `--preset`).

import type { Problem } from './errors.js';
import { buildSchedule, isPresetName, presetSpec, scheduleProblems, unknownPreset } from './schedule.js';
import type { PresetName, ScheduleSpec, TrafficStep } from './schedule.js';
import type { Strategy } from './catalog-schema.js';

export interface StrategyChoice {
  strategy: Strategy;
  preset?: PresetName | undefined;
  schedule?: ScheduleSpec | undefined;
}

export interface ResolvedStrategy {
  strategy: Strategy;
  /** Listener-weight steps; null for rolling, which replaces tasks in batches instead. */
  schedule: TrafficStep[] | null;
  /** Where the schedule came from: a preset name, `custom`, or `rolling`. */
  source: PresetName | 'custom' | 'rolling';
}

const PRESETS_BY_STRATEGY: Record<Strategy, readonly PresetName[]> = {
  'blue-green': ['AllAtOnce'],
  'all-at-once': ['AllAtOnce'],
  canary: ['Canary10Percent5Minutes', 'Canary10Percent15Minutes'],
  linear: ['Linear10PercentEvery1Minutes', 'Linear10PercentEvery3Minutes'],
  rolling: [],
};

const SCHEDULE_TYPE_BY_STRATEGY: Record<Strategy, ScheduleSpec['type'] | null> = {
  'blue-green': 'all-at-once',
  'all-at-once': 'all-at-once',
  canary: 'canary',
  linear: 'linear',
  rolling: null,
};

/** The strategy a preset implies, used when a request names a preset but no strategy. */
export function strategyForPreset(preset: PresetName, fallback: Strategy): Strategy {
  if (PRESETS_BY_STRATEGY[fallback].includes(preset)) return fallback;
  if (preset === 'AllAtOnce') return 'all-at-once';
  return preset.startsWith('Canary') ? 'canary' : 'linear';
}

/**
 * Problems with a strategy and its schedule; paths are `strategy`, `preset`,
 * `schedule` or inside the schedule (`schedule.steps[2].weight`).
 */
export function strategyProblems(choice: StrategyChoice): Problem[] {
  const { strategy, preset, schedule } = choice;
  if (preset !== undefined && schedule !== undefined) {
    return [{ path: 'schedule', message: 'give either preset or schedule, not both' }];
  }
  if (strategy === 'rolling') {
    if (preset === undefined && schedule === undefined) return [];
    return [
      {
        path: preset === undefined ? 'schedule' : 'preset',
        message:
          'a rolling deployment replaces tasks in batches (see rolling.batchPercent); it takes no traffic schedule',
      },
    ];
  }
  if (preset !== undefined) {
    if (!isPresetName(preset)) return [{ path: 'preset', message: unknownPreset(String(preset)) }];
    if (PRESETS_BY_STRATEGY[strategy].includes(preset)) return [];
    return [
      {
        path: 'preset',
        message: `${preset} does not fit strategy ${strategy}; use one of: ${PRESETS_BY_STRATEGY[strategy].join(', ')}`,
      },
    ];
  }
  if (schedule !== undefined) {
    const wanted = SCHEDULE_TYPE_BY_STRATEGY[strategy];
    if (schedule.type !== wanted) {
      return [{ path: 'schedule.type', message: `strategy ${strategy} needs a schedule of type ${wanted}` }];
    }
    return scheduleProblems(schedule).map((p) => ({ path: `schedule.${p.path}`, message: p.message }));
  }
  if (strategy === 'canary' || strategy === 'linear') {
    return [
      {
        path: 'preset',
        message: `strategy ${strategy} needs a preset (${PRESETS_BY_STRATEGY[strategy].join(', ')}) or a custom schedule`,
      },
    ];
  }
  return [];
}

/** Resolves a valid choice to its schedule. Call strategyProblems first. */
export function resolveStrategy(choice: StrategyChoice): ResolvedStrategy {
  const { strategy, preset, schedule } = choice;
  if (strategy === 'rolling') return { strategy, schedule: null, source: 'rolling' };
  if (schedule !== undefined) return { strategy, schedule: buildSchedule(schedule), source: 'custom' };
  const name: PresetName = preset ?? 'AllAtOnce';
  return { strategy, schedule: buildSchedule(presetSpec(name)), source: name };
}

/** The state machine that runs a strategy: canary also runs linear and all-at-once. */
export function stateMachineFor(strategy: Strategy): 'blue-green' | 'canary' | 'rolling' {
  if (strategy === 'blue-green' || strategy === 'rolling') return strategy;
  return 'canary';
}
