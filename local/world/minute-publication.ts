// When the local load balancer's metrics reach CloudWatch: a minute at a time, once the minute
// has ended. "Elastic Load Balancing measures and sends its metrics in 60-second intervals"
// (CloudWatch metrics for your Application Load Balancer), so on AWS a minute that is still
// filling has no datapoint yet. The local cloud holds each minute's traffic until the minute is
// over, then publishes it as one datapoint: a query that reaches up to "now" finds its newest
// minute empty here too, instead of a partial count that reads like a quiet minute.
//
// Each metric's values of a minute are gathered as they come (a ValueSet: count, sum, minimum,
// maximum and histogram, not the values themselves) and published in one piece: the store (and
// its journal) takes one addition per metric and minute, however many slices of traffic the
// minute was simulated in. The store would merge the slices into that same bucket anyway, so
// what a query reads is unchanged.
//
// It adds no delay beyond the minute's end. AWS documents no figure for how much later a
// datapoint becomes visible, and the local alarms evaluate each period once, as it ends; the
// analysis (shared/domain/analysis-plan.ts, ANALYSIS_LAG_MINUTES) allows for the delay instead.

import { ValueSet } from '../aws/metric-store.js';
import type { MetricSink } from './traffic.js';

const MINUTE = 60_000;

interface Pending {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  values: ValueSet;
}

export type Publish = (
  namespace: string,
  name: string,
  dimensions: Record<string, string>,
  minute: number,
  values: ValueSet,
) => void;

export class MinutePublication implements MetricSink {
  /** Each minute still filling: its metrics, by namespace, name and dimensions, in the order first recorded. */
  private pending = new Map<number, Map<string, Pending>>();

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
    let metrics = this.pending.get(minute);
    if (metrics === undefined) this.pending.set(minute, (metrics = new Map<string, Pending>()));
    const key = JSON.stringify([namespace, name, dimensions]);
    let found = metrics.get(key);
    if (found === undefined)
      metrics.set(key, (found = { namespace, name, dimensions, values: new ValueSet() }));
    found.values.add(values, counts);
  }

  /** Publishes every minute that has ended by `now` (ms), oldest first. */
  flush(now: number): void {
    const ready = [...this.pending.keys()].filter((minute) => minute + MINUTE <= now).sort((a, b) => a - b);
    for (const minute of ready) {
      const metrics = this.pending.get(minute)!;
      this.pending.delete(minute);
      for (const p of metrics.values()) this.publish(p.namespace, p.name, p.dimensions, minute, p.values);
    }
  }

  /** Minutes still filling (for tests). */
  get pendingMinutes(): number[] {
    return [...this.pending.keys()].sort((a, b) => a - b);
  }
}
