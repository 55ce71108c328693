// When the local load balancer's metrics reach CloudWatch: a minute at a time, once the minute
// has ended. "Elastic Load Balancing measures and sends its metrics in 60-second intervals"
// (CloudWatch metrics for your Application Load Balancer), so on AWS a minute that is still
// filling has no datapoint yet. The local cloud holds each minute's traffic until the minute is
// over, then publishes it as one datapoint: a query that reaches up to "now" finds its newest
// minute empty here too, instead of a partial count that reads like a quiet minute.
//
// It adds no delay beyond the minute's end. AWS documents no figure for how much later a
// datapoint becomes visible, and the local alarms evaluate each period once, as it ends; the
// analysis (shared/domain/analysis-plan.ts, ANALYSIS_LAG_MINUTES) allows for the delay instead.

import type { MetricSink } from './traffic.js';

const MINUTE = 60_000;

interface Pending {
  minute: number;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  values: number[];
  counts: number[] | undefined;
}

export type Publish = (
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  minute: number,
  values: number[],
  counts?: number[],
) => void;

export class MinutePublication implements MetricSink {
  private pending: Pending[] = [];

  constructor(private readonly publish: Publish) {}

  record(
    namespace: string,
    name: string,
    dimensions: Record<string, string>,
    timestamp: number,
    values: number[],
    counts?: number[],
  ): void {
    const minute = Math.floor(timestamp / MINUTE) * MINUTE;
    this.pending.push({ minute, namespace, name, dimensions, values, counts });
  }

  /** Publishes every minute that has ended by `now` (ms), oldest first. */
  flush(now: number): void {
    const ready = this.pending.filter((p) => p.minute + MINUTE <= now);
    if (ready.length === 0) return;
    this.pending = this.pending.filter((p) => p.minute + MINUTE > now);
    for (const p of ready) {
      if (p.counts === undefined) this.publish(p.namespace, p.name, p.dimensions, p.minute, p.values);
      else this.publish(p.namespace, p.name, p.dimensions, p.minute, p.values, p.counts);
    }
  }

  /** Minutes still filling (for tests). */
  get pendingMinutes(): number[] {
    return [...new Set(this.pending.map((p) => p.minute))].sort((a, b) => a - b);
  }
}
