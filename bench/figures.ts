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

/** What bench/results/latest.json holds: the last result of every figure, by name, and where it was measured. */
export interface Results {
  figures: Record<
    string,
    FigureResult & {
      measuredAt: string;
      quick: boolean;
      seconds: number;
      environment: { node: string; platform: string; cpus: string };
    }
  >;
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
