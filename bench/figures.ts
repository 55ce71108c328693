// The shape every benchmark figure shares. A figure module in bench/ exports
// `measure`, which returns rows for a table, the targets it checks, and notes;
// bench/run.ts prints them and keeps them in bench/results/latest.json.

export interface MeasureOptions {
  /** Fewer repetitions, for a quick look; the published figures are not quick. */
  quick: boolean;
}

export type Cell = string | number | boolean;

export interface Target {
  what: string;
  target: string;
  actual: string;
  met: boolean;
  /** Why it could not be measured: then `met` is false and `actual` says "not measured". */
  notMeasured?: string;
}

/** A target whose figure (or the part of it that judges the target) could not be measured. */
export function unmeasuredTarget(what: string, target: string, reason: string): Target {
  return { what, target, actual: 'not measured', met: false, notMeasured: reason };
}

export interface FigureResult {
  name: string;
  rows: Record<string, Cell>[];
  targets?: Target[];
  notes?: string[];
}

export interface FigureModule {
  measure(options: MeasureOptions): Promise<FigureResult>;
}

export interface Environment {
  node: string;
  platform: string;
  cpus: string;
}

/** A figure as bench/results/latest.json keeps it: what it measured, when, and on what. */
export interface RecordedFigure extends FigureResult {
  /** The day of the run (for a figure not measured, the day it was tried). */
  measuredAt: string;
  quick: boolean;
  seconds: number;
  environment: Environment;
  /** Why the figure could not be measured in its last run: its rows are empty. */
  notMeasured?: string;
  /** When `notMeasured`: the last run that did measure it, if there was one. */
  lastMeasured?: RecordedFigure;
}

/** What bench/results/latest.json holds: the last result of every figure, by name, and where it was measured. */
export interface Results {
  figures: Record<string, RecordedFigure>;
}

/** The median of a non-empty list of numbers. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The p-th percentile (0 < p ≤ 100) of a non-empty list, by nearest rank: a value that was measured. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
