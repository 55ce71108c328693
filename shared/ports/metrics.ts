// Port for the metrics canary analysis judges. Adapter: shared/aws/cloudwatch-metric-source.ts.

import type { AnalysisMetric } from '../domain/catalog-schema.js';
import type { MetricSeries } from '../domain/judge.js';

/** A span of time in ms since the epoch: `start` included, `end` excluded. */
export interface MetricWindow {
  start: number;
  end: number;
}

/** One side of the comparison: a target group, behind the load balancer of a listener (rule). */
export interface MetricTarget {
  targetGroupArn: string;
  /** The production listener or listener rule: it names the load balancer the metrics are kept under. */
  listenerArn: string;
}

/** A metric's values with the start of each value's period (ms since the epoch), oldest first. */
export interface TimedSeries extends MetricSeries {
  timestamps: readonly number[];
}

export interface MetricSource {
  /**
   * Each metric's values for one target group over a window, one value per period, oldest
   * first. Periods without data are left out, so a metric with no data has an empty series.
   */
  series(
    metrics: readonly AnalysisMetric[],
    target: MetricTarget,
    window: MetricWindow,
    periodSeconds: number,
  ): Promise<TimedSeries[]>;
}
