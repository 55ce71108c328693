// Anytime-valid tests for the sequential canary judge (sequential-judge.ts). Each test is an
// e-process: a running product of likelihood ratios, mixed over the alternatives, whose value a
// null hypothesis keeps at 1 or below in expectation however long it runs and however often it
// is looked at. By Ville's inequality, the chance that it ever reaches 1/α is at most α, so the
// judge may look after every minute and stop at the first look that crosses.
//
// - Counts (errors, requests slower than a threshold): the rate-ratio test of Lindon, Sanden and
//   Shirikian, "Rapid Regression Detection in Software Deployments through Sequential Testing"
//   (KDD 2022, arXiv 2205.14762), section 3. Events of each side are Poisson with its exposure
//   (its requests); given a minute's total, the canary's events are binomial with
//   θ = n·r / (n·r + m), where n, m are the exposures and r the ratio of the rates. Their paper
//   mixes over r with a conjugate prior; exposures change from minute to minute here (the weight
//   moves), so the mixture is a fixed discrete one over a grid of log ratios, which is valid by
//   the same argument (Robbins' method of mixtures: an average of e-processes is one).
// - Per-minute values of any other metric: a sign test by betting, mixed over the chance that a
//   canary minute is worse than its baseline minute (the binomial case of the same paper's
//   multinomial test, after Lindon and Malek, "Anytime-valid inference for multinomial count
//   data", NeurIPS 2022, arXiv 2011.03567).
//
// Pure functions over plain numbers; no I/O.

/** The grid of log ratios the mixtures use: steps of 0.05, out to e^±4.6 (a ratio of 100). */
export const LOG_RATIO_STEP = 0.05;
export const LOG_RATIO_STEPS = 92;
/** The mixture's weight on an alternative falls with its distance d in log ratio as e^(−d²/2). */
const PRIOR_SCALE = 1;

/** One minute of one count metric: events and exposure (requests) of each side. */
export interface CountMinute {
  canaryEvents: number;
  canaryExposure: number;
  baselineEvents: number;
  baselineExposure: number;
}

export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  const max = Math.max(a, b);
  return max + Math.log1p(Math.exp(-Math.abs(a - b)));
}

/** The log-likelihood of the rate ratio e^logRatio, given each minute's total events. */
export function rateRatioLogLikelihood(minutes: readonly CountMinute[], logRatio: number): number {
  let sum = 0;
  for (const m of minutes) {
    // A minute without events, or with a side that served nothing, says nothing about r.
    if (m.canaryEvents + m.baselineEvents === 0 || m.canaryExposure <= 0 || m.baselineExposure <= 0) continue;
    const canary = Math.log(m.canaryExposure) + logRatio;
    const baseline = Math.log(m.baselineExposure);
    const total = logAddExp(canary, baseline);
    sum += m.canaryEvents * (canary - total) + m.baselineEvents * (baseline - total);
  }
  return sum;
}

const WEIGHTS = mixtureWeights();

function mixtureWeights(): number[] {
  const raw = Array.from({ length: LOG_RATIO_STEPS }, (_, i) => {
    const d = ((i + 1) * LOG_RATIO_STEP) / PRIOR_SCALE;
    return Math.exp(-(d * d) / 2);
  });
  const total = raw.reduce((s, w) => s + w, 0);
  return raw.map((w) => Math.log(w / total));
}

/** How far a kept likelihood reaches each side of its centre, in grid steps: the tests at the
 * centre need LOG_RATIO_STEPS, and the interval's candidates as many again beyond them. */
export const GRID_SPAN = 2 * LOG_RATIO_STEPS;

/**
 * The log-likelihood of the rate ratio at centre × e^((k − GRID_SPAN) × LOG_RATIO_STEP), for k
 * from 0 to 2 × GRID_SPAN. It is a sum over minutes, so a look adds its new minutes to what the
 * looks before kept: the deployment keeps this, of a fixed size however long the rollout.
 */
export interface LikelihoodGrid {
  centre: number;
  values: number[];
}

/** `previous` with `minutes` added (a new grid around `centre` when there is none). */
export function likelihoodGrid(
  minutes: readonly CountMinute[],
  centre: number,
  previous?: LikelihoodGrid,
): LikelihoodGrid {
  if (previous !== undefined && previous.centre !== centre) {
    throw new RangeError(`a likelihood kept around ${previous.centre} cannot take minutes around ${centre}`);
  }
  const at = Math.log(centre);
  const values = Array.from(
    { length: 2 * GRID_SPAN + 1 },
    (_, k) =>
      (previous?.values[k] ?? 0) + rateRatioLogLikelihood(minutes, at + (k - GRID_SPAN) * LOG_RATIO_STEP),
  );
  return { centre, values };
}

/** The mixture's log e-value at grid index i, against alternatives on one side of it. */
function mixtureAt(values: readonly number[], i: number, sign: 1 | -1): number {
  let log = -Infinity;
  for (let j = 0; j < LOG_RATIO_STEPS; j++) {
    const k = i + sign * (j + 1);
    // Alternatives past the grid's end are left out: the e-value only gets smaller.
    if (k < 0 || k >= values.length) break;
    log = logAddExp(log, WEIGHTS[j]! + values[k]! - values[i]!);
  }
  return log;
}

/**
 * The log e-value against "the canary's rate is at most `centre` × the baseline's" (side
 * 'above': evidence that it is higher) or "at least" (side 'below'). Large means the data
 * speak against the bound; e^value ≥ 1/α rejects it at level α, at any look.
 */
export function gridLogE(grid: LikelihoodGrid, side: 'above' | 'below'): number {
  return mixtureAt(grid.values, GRID_SPAN, side === 'above' ? 1 : -1);
}

/** gridLogE over minutes given at once. */
export function rateRatioLogE(
  minutes: readonly CountMinute[],
  bound: number,
  side: 'above' | 'below',
): number {
  return gridLogE(likelihoodGrid(minutes, bound), side);
}

/**
 * The confidence sequence for the rate ratio at level α: every ratio on the grid that neither
 * one-sided test (each at α/2) rejects. It holds the true ratio at every look at once, with
 * probability 1 − α. Null when the data say nothing of the ratio (no events).
 */
export function gridInterval(grid: LikelihoodGrid, alpha: number): { low: number; high: number } | null {
  const { values } = grid;
  if (Math.max(...values) - Math.min(...values) < 1e-9) return null;
  const limit = Math.log(2 / alpha);
  let low: number | undefined;
  let high: number | undefined;
  for (let i = 0; i < values.length; i++) {
    if (mixtureAt(values, i, 1) >= limit || mixtureAt(values, i, -1) >= limit) continue;
    low ??= i;
    high = i;
  }
  if (low === undefined || high === undefined) return null;
  const ratio = (i: number): number => grid.centre * Math.exp((i - GRID_SPAN) * LOG_RATIO_STEP);
  return { low: ratio(low), high: ratio(high) };
}

/** gridInterval over minutes given at once, around a ratio of 1. */
export function rateRatioInterval(
  minutes: readonly CountMinute[],
  alpha: number,
): { low: number; high: number } | null {
  return gridInterval(likelihoodGrid(minutes, 1), alpha);
}

/** The grid of chances the sign test mixes over: 0.51 to 0.99 beyond a half, in steps of 0.01. */
const SIGN_GRID = Array.from({ length: 49 }, (_, i) => 0.51 + i * 0.01);

/**
 * The log e-value against "a canary minute is worse than its baseline minute at most half the
 * time", from `worse` minutes that were and `better` that were not (ties left out). Side 'above'
 * weighs evidence that worse minutes are more common; 'below', that they are rarer.
 */
export function signLogE(worse: number, better: number, side: 'above' | 'below'): number {
  const [hits, misses] = side === 'above' ? [worse, better] : [better, worse];
  let log = -Infinity;
  for (const p of SIGN_GRID) {
    const lr = hits * Math.log(2 * p) + misses * Math.log(2 * (1 - p));
    log = logAddExp(log, lr - Math.log(SIGN_GRID.length));
  }
  return log;
}
