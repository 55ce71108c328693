// The simulated canaries of the analysis study (docs/analysis.md, "The simulation study"): one
// service behind a load balancer, its production traffic moved to the new version by the demo's
// linear plan (10% more each minute), every request drawn one by one. Each run starts its
// rollout at a random second of a minute, as a real deployment does.
//
// Kinds of canary, all against the same baseline (requests' latency log-normal around 100 ms,
// σ = 0.5; 0.5% answered 5xx):
// - healthy: the canary is the baseline's twin;
// - faulty: the canary answers 2 points more of its requests 5xx (2.5%);
// - slow: every canary request takes 1.5× as long (so its p99 is 1.5× the baseline's);
// - noisy: healthy, but 3% of all requests take a heavy-tailed extra (Pareto, shape 1.5), and one
//   minute in ten is a burst shared by both versions: 8× the errors, latency ×1.3.

import type { Random } from './random.js';
import { presetSchedule, type TrafficStep } from '../../shared/domain/schedule.js';

export type Kind = 'healthy' | 'faulty' | 'slow' | 'noisy';
export const KINDS: readonly Kind[] = ['healthy', 'faulty', 'slow', 'noisy'];

export const KIND_LABELS: Record<Kind, string> = {
  healthy: 'healthy',
  faulty: 'faulty (+2% 5xx)',
  slow: 'slow (p99 ×1.5)',
  noisy: 'noisy but healthy',
};

/** The demo's linear plan: 10% more every minute, from the first shift; 100% at the tenth step. */
export const PLAN = presetSchedule('Linear10PercentEvery1Minutes');
/** How many minutes a run simulates after the first shift: past the last step of either schedule. */
const RUN_MINUTES = 14;
/** Minutes of baseline traffic before the rollout, from which latency thresholds are read. */
export const PRE_MINUTES = 3;

const MEDIAN_SECONDS = 0.1;
const SIGMA = 0.5;
const BASE_ERROR_RATE = 0.005;

export interface SideMinute {
  requests: number;
  errors: number;
  latencies: Float64Array;
}

export interface Minute {
  /** The minute's start, ms since the run's epoch. */
  at: number;
  canary: SideMinute;
  baseline: SideMinute;
}

export interface Run {
  /** When production traffic first reached the canary, ms since the run's epoch. */
  trafficStartedAt: number;
  /** The baseline's p50, p90 and p99 latency over the minutes before the rollout, in seconds. */
  thresholds: { p50: number; p90: number; p99: number };
  minutes: Minute[];
}

/** The canary's weight, in percent, at `ms`, in a rollout by `schedule`. */
export function weightAt(schedule: readonly TrafficStep[], trafficStartedAt: number, ms: number): number {
  let weight = 0;
  for (const step of schedule) if (ms >= trafficStartedAt + step.atSeconds * 1000) weight = step.weight;
  return weight;
}

/** One canary's requests, minute by minute, as the canary's weight follows `schedule`. */
export function simulateRun(kind: Kind, random: Random, rps: number, schedule: readonly TrafficStep[]): Run {
  const preMs = PRE_MINUTES * 60_000;
  const trafficStartedAt = preMs + Math.floor(random.uniform() * 60_000);
  const pre = Float64Array.from({ length: Math.round(rps * 60 * PRE_MINUTES) }, () =>
    latency(kind, 'baseline', random, false),
  ).sort();
  const at = (q: number): number => pre[Math.min(pre.length - 1, Math.floor(q * pre.length))]!;
  const minutes: Minute[] = [];
  const first = Math.floor(trafficStartedAt / 60_000);
  for (let m = first; m <= first + RUN_MINUTES; m++) {
    let share = 0;
    for (let second = 0; second < 60; second++) {
      share += weightAt(schedule, trafficStartedAt, m * 60_000 + second * 1000) / 100 / 60;
    }
    const burst = kind === 'noisy' && random.uniform() < 0.1;
    // Each request goes to the canary with the weight's chance: two independent Poisson counts.
    minutes.push({
      at: m * 60_000,
      canary: side(kind, 'canary', random.poisson(rps * 60 * share), burst, random),
      baseline: side(kind, 'baseline', random.poisson(rps * 60 * (1 - share)), burst, random),
    });
  }
  return { trafficStartedAt, thresholds: { p50: at(0.5), p90: at(0.9), p99: at(0.99) }, minutes };
}

function side(
  kind: Kind,
  who: 'canary' | 'baseline',
  requests: number,
  burst: boolean,
  random: Random,
): SideMinute {
  const latencies = new Float64Array(requests);
  let errors = 0;
  let errorRate = BASE_ERROR_RATE * (burst ? 8 : 1);
  if (kind === 'faulty' && who === 'canary') errorRate += 0.02;
  for (let i = 0; i < requests; i++) {
    latencies[i] = latency(kind, who, random, burst);
    if (random.uniform() < errorRate) errors++;
  }
  return { requests, errors, latencies };
}

function latency(kind: Kind, who: 'canary' | 'baseline', random: Random, burst: boolean): number {
  let value = MEDIAN_SECONDS * Math.exp(SIGMA * random.normal());
  if (kind === 'slow' && who === 'canary') value *= 1.5;
  if (kind === 'noisy') {
    if (random.uniform() < 0.03) value *= Math.pow(1 - random.uniform(), -1 / 1.5);
    if (burst) value *= 1.3;
  }
  return value;
}
