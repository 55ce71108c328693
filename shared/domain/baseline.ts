// A real baseline (the catalog's `analysis.baseline`): a fresh task set of the stable revision,
// of the canary's size, serving from a target group of its own at the canary's weight, so that
// the judge compares like with like: two task sets started at the same time, at the same share
// of the same traffic (docs/analysis.md, "A real baseline").

import type { ServiceEntry, Strategy } from './catalog-schema.js';

/** Whether a deployment of this service by this strategy runs a baseline beside its canary. */
export function runsBaseline(entry: ServiceEntry, strategy: Strategy): boolean {
  return (
    entry.analysis.enabled &&
    entry.analysis.baseline &&
    entry.traffic.baselineTargetGroup !== undefined &&
    (strategy === 'canary' || strategy === 'linear')
  );
}

/**
 * The baseline's share of production at a canary weight: the canary's own, while the stable
 * task set has as much left to give; past 50%, what is left. At 100% it has none, and goes.
 */
export function baselineWeight(candidate: number): number {
  return Math.max(0, Math.min(candidate, 100 - candidate));
}

/** The baseline task set's externalId: found by it after a crash, as the canary is by its own. */
export function baselineExternalId(deploymentId: string): string {
  return `${deploymentId}-baseline`;
}
