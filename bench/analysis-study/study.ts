// The study itself: `runs` simulated canaries of each kind, each judged by both methods, and
// what the docs report of them: detection rates, delays in minutes and in production weight,
// false fails with their 95% interval, and how often the sequential judge was no later.

import { Random } from './random.js';
import { detect, METHODS, SCHEDULES, type Detection, type Method } from './methods.js';
import { KIND_LABELS, KINDS, simulateRun, type Kind } from './world.js';

export interface StudyOptions {
  seed: number;
  runs: number;
  rps: number;
}

export interface KindResult {
  kind: Kind;
  label: string;
  runs: number;
  /** For each method, each run's detection, or null where the canary reached 100%. */
  detections: Record<Method, (Detection | null)[]>;
}

export function runStudy({ seed, runs, rps }: StudyOptions): KindResult[] {
  return KINDS.map((kind, index) => {
    const detections: Record<Method, (Detection | null)[]> = { sequential: [], 'mann-whitney': [] };
    for (let i = 0; i < runs; i++) {
      // Both methods see the same draws (the same start, the same requests) until their
      // schedules part: each run's stream depends on the seed, the kind and the run alone.
      const stream = (seed * 1_000_003 + index * 100_003 + i) >>> 0;
      for (const method of METHODS) {
        const run = simulateRun(kind, new Random(stream), rps, SCHEDULES[method]);
        detections[method].push(detect(method, run));
      }
    }
    return { kind, label: KIND_LABELS[kind], runs, detections };
  });
}

export interface MethodSummary {
  detected: number;
  share: number;
  /** Clopper-Pearson-free Wilson 95% interval of the share detected. */
  interval: [number, number];
  medianMinutes: number | null;
  p90Minutes: number | null;
  medianWeight: number | null;
  /** Share of runs detected at or before 20% production weight. */
  atOrBefore20: number;
}

export function summarize(result: KindResult, method: Method): MethodSummary {
  const found = result.detections[method].filter((d): d is Detection => d !== null);
  const minutes = found.map((d) => d.minutes).sort((a, b) => a - b);
  const weights = found.map((d) => d.weight).sort((a, b) => a - b);
  const pick = (xs: number[], q: number): number | null =>
    xs.length === 0 ? null : xs[Math.min(xs.length - 1, Math.ceil(q * xs.length) - 1)]!;
  return {
    detected: found.length,
    share: found.length / result.runs,
    interval: wilson(found.length, result.runs),
    medianMinutes: pick(minutes, 0.5),
    p90Minutes: pick(minutes, 0.9),
    medianWeight: pick(weights, 0.5),
    atOrBefore20: found.filter((d) => d.weight <= 20).length / result.runs,
  };
}

/**
 * Of the runs Mann-Whitney stopped, the share the sequential judge stopped too, no later;
 * null where Mann-Whitney stopped none.
 */
export function noLaterShare(result: KindResult): number | null {
  const pairs = result.detections['mann-whitney'].flatMap((mw, i) =>
    mw === null ? [] : [[mw, result.detections.sequential[i] ?? null] as const],
  );
  if (pairs.length === 0) return null;
  return pairs.filter(([mw, seq]) => seq !== null && seq.minutes <= mw.minutes).length / pairs.length;
}

/** Wilson's score interval at 95% for `k` of `n`. */
export function wilson(k: number, n: number): [number, number] {
  if (n === 0) return [0, 1];
  const z = 1.959964;
  const p = k / n;
  const centre = (p + (z * z) / (2 * n)) / (1 + (z * z) / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / (1 + (z * z) / n);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
