// The statistics the local CloudWatch computes, as the API spells them, and their values over one
// period. Syntax and meaning follow "CloudWatch statistics definitions"
// (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/Statistics-definitions.html):
//
// - SampleCount, Sum, Average, Minimum, Maximum;
// - percentiles, pNN or pNN.NN (0 < NN ≤ 100);
// - percentile rank, PR(a:b), PR(:b) or PR(a:): the percentage of values v with a < v ≤ b, its
//   bounds values only, never percentages;
// - trimmed count, TC(a:b), TC(:b) or TC(a:) with absolute bounds (the values v with a < v ≤ b),
//   TC(a%:b%), TC(:b%) or TC(a%:) with percentages, and tcNN, the same as TC(:NN%). A range is
//   written in capitals and a single number in lowercase, as the documentation writes them.
//
// Bounds are numbers of up to 10 decimal places (percentages at most 100), both absolute or both
// percentages, the lower below the upper. The values of PR and TC come from the histogram, as
// percentiles do (metric-values.ts), and a period without one (negative values, or statistic sets
// of unequal values) has none.

import { countInRange, countInRankRange, percentile, percentileRank, type Bounds } from './metric-values.js';
import type { PeriodStats } from './metric-store.js';

export type { Bounds } from './metric-values.js';

/** The statistics GetMetricStatistics' Statistics and PutMetricAlarm's Statistic take. */
export const SIMPLE_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;
export type SimpleStatistic = (typeof SIMPLE_STATISTICS)[number];

export type Statistic =
  | { kind: SimpleStatistic }
  | { kind: 'percentile'; p: number }
  /** PR: the percentage of values in (lower, upper]. */
  | { kind: 'percentileRank'; bounds: Bounds }
  /** TC: the number of values in (lower, upper], or of ranks in (lower %, upper %] when `percent`. */
  | { kind: 'trimmedCount'; bounds: Bounds; percent: boolean };

export const isSimpleName = (text: string): text is SimpleStatistic =>
  (SIMPLE_STATISTICS as readonly string[]).includes(text);

export const isSimple = (statistic: Statistic): statistic is { kind: SimpleStatistic } =>
  isSimpleName(statistic.kind);

const USAGE =
  'use SampleCount, Average, Sum, Minimum, Maximum, a percentile such as p99 or p99.9, a percentile ' +
  'rank such as PR(:0.5) or PR(0.1:0.5), or a trimmed count such as TC(0.005:0.030), TC(10%:90%) or tc90';

/** A number of up to 10 decimal places, as the statistics' bounds are written. */
const NUMBER = String.raw`\d+(?:\.\d{1,10})?`;
/** pNN and tcNN: a percentage above 0 and at most 100. */
const SHORT = /^(p|tc)(\d{1,3}(?:\.\d{1,10})?)$/;
const RANGE = /^(PR|TC)\((.*)\)$/;
const BOUNDS = new RegExp(String.raw`^(?:(${NUMBER})(%?))?:(?:(${NUMBER})(%?))?$`);

/** Parses a statistic; undefined when it is not one. */
export function parseStatistic(text: string): Statistic | undefined {
  const read = readStatistic(text);
  return typeof read === 'string' ? undefined : read;
}

/** Parses a statistic, or says what is wrong with it (a sentence to follow "is not valid: "). */
export function readStatistic(text: string): Statistic | string {
  if (isSimpleName(text)) return { kind: text };
  const short = SHORT.exec(text);
  if (short !== null) {
    const p = Number(short[2]);
    if (!(p > 0 && p <= 100)) return `${short[1]}NN takes a percentage above 0 and at most 100`;
    return short[1] === 'p'
      ? { kind: 'percentile', p }
      : { kind: 'trimmedCount', bounds: { upper: p }, percent: true };
  }
  const range = RANGE.exec(text);
  return range === null ? USAGE : readRange(range[1] as 'PR' | 'TC', range[2]!);
}

/** The bounds of PR(…) or TC(…), between the parentheses. */
function readRange(name: 'PR' | 'TC', inside: string): Statistic | string {
  const usage =
    name === 'PR'
      ? 'write PR(a:b), PR(:b) or PR(a:), with values such as PR(:0.5) or PR(0.1:0.5)'
      : 'write TC(a:b), TC(:b) or TC(a:) with values such as TC(0.005:0.030), or with percentages such as TC(10%:90%)';
  const parts = BOUNDS.exec(inside);
  if (parts === null) return `${usage}; bounds are numbers of up to 10 decimal places`;
  const [, lowText, lowPercent, highText, highPercent] = parts;
  if (lowText === undefined && highText === undefined) return `give at least one bound: ${usage}`;
  const percent = lowPercent === '%' || highPercent === '%';
  if (name === 'PR' && percent) return `PR takes values, not percentages: ${usage}`;
  if (lowText !== undefined && highText !== undefined && lowPercent !== highPercent)
    return 'both bounds must be percentages, or neither';
  const lower = lowText === undefined ? undefined : Number(lowText);
  const upper = highText === undefined ? undefined : Number(highText);
  if (percent && Math.max(lower ?? 0, upper ?? 0) > 100) return 'a percentage bound is at most 100%';
  // An absent bound is open: below every value, or above; as percentages, 0 % and 100 %.
  const [from, to] = [lower ?? (percent ? 0 : -Infinity), upper ?? (percent ? 100 : Infinity)];
  if (from >= to)
    return 'the lower bound must be below the upper one (values equal to the lower bound are left out, those equal to the upper one counted)';
  const bounds: Bounds = {
    ...(lower === undefined ? {} : { lower }),
    ...(upper === undefined ? {} : { upper }),
  };
  return name === 'PR' ? { kind: 'percentileRank', bounds } : { kind: 'trimmedCount', bounds, percent };
}

/** The statistic's value over one period; undefined when the period cannot give it. */
export function statisticValue(stats: PeriodStats, statistic: Statistic): number | undefined {
  switch (statistic.kind) {
    case 'SampleCount':
      return stats.sampleCount;
    case 'Sum':
      return stats.sum;
    case 'Average':
      return stats.sampleCount > 0 ? stats.sum / stats.sampleCount : undefined;
    case 'Minimum':
      return stats.minimum;
    case 'Maximum':
      return stats.maximum;
    case 'percentile':
      return percentile(stats, statistic.p);
    case 'percentileRank':
      return percentileRank(stats, statistic.bounds);
    case 'trimmedCount':
      return statistic.percent
        ? countInRankRange(stats, statistic.bounds)
        : countInRange(stats, statistic.bounds);
  }
}
