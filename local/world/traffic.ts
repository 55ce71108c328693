// The traffic generator: each service receives a steady request rate on its
// production listener rule, split by the rule's forward weights between its target
// groups, then between the healthy targets (tasks) of each group. A task answers
// as its image's profile says: some share of 5xx, and a log-normal response time.
// A group with no healthy target gets the load balancer's own errors: 503 when no
// target is registered, 502 when the registered ones are not healthy (ALB "fails
// open" to unhealthy targets, which here do not answer).
//
// The results become the load balancer's CloudWatch metrics under the dimensions ALB
// publishes them with ("CloudWatch metrics for your Application Load Balancer"):
// RequestCount, HTTPCode_Target_5XX_Count, HTTPCode_Target_2XX_Count and
// TargetResponseTime per target group and per load balancer; HTTPCode_ELB_5XX_Count,
// HTTPCode_ELB_502_Count and HTTPCode_ELB_503_Count per load balancer only. RequestCount
// counts only the requests for which the load balancer chose a target, so a 503 for an
// empty group is in no RequestCount.

import type { ImageProfile } from './profiles.js';
import type { RoutedRequest } from '../aws/elbv2-conditions.js';

export interface TrafficRoute {
  service: string;
  ruleArn: string;
  requestsPerSecond: number;
  /**
   * A share of the requests that carry a header (a cookie, say) and go to the listener, where its
   * rules' conditions choose where they go: the testers of a header-routed step.
   */
  optIn?: { listenerArn: string; path: string; headers: Record<string, string>; share: number } | undefined;
}

export interface HealthyTarget {
  profile: ImageProfile;
}

export interface TrafficWorld {
  forwardWeights(ruleArn: string): { targetGroupArn: string; weight: number }[];
  /** The weights of the rule a request to the listener meets (its conditions, then the default). */
  routeWeights(listenerArn: string, request: RoutedRequest): { targetGroupArn: string; weight: number }[];
  healthyTargets(targetGroupArn: string): HealthyTarget[];
  /** Targets registered with the group (any health but draining). */
  registeredTargets(targetGroupArn: string): number;
  /** CloudWatch dimensions of a target group: { LoadBalancer, TargetGroup }. */
  dimensions(targetGroupArn: string): Record<string, string>;
}

export interface MetricSink {
  /** Adds `values` (each counted `counts[i]` times) to a metric at a time. */
  record(
    namespace: string,
    name: string,
    dimensions: Record<string, string>,
    timestamp: number,
    values: number[],
    counts?: number[],
  ): void;
}

const NAMESPACE = 'AWS/ApplicationELB';
/**
 * Response times drawn per target for every 10 s of traffic, at most (600 a minute): at the
 * demo's rates that is every request, so a count by threshold (PR, TC; the sequential judge's
 * latency test) counts whole requests as on AWS. Above it each draw stands for an equal share of
 * the target's requests, and such counts come in clumps. Each minute of each group keeps a
 * log-scale histogram (1% bins), for the three hours the local CloudWatch keeps.
 */
const LATENCY_SAMPLES_PER_10_SECONDS = 100;

export class TrafficGenerator {
  /** Fractions of a request carried to the next tick, so low rates still add up. */
  private readonly carry = new Map<string, number>();
  private random: () => number;

  constructor(
    private readonly world: TrafficWorld,
    private readonly sink: MetricSink,
    seed = 42,
  ) {
    this.random = mulberry32(seed);
  }

  /** Sends `seconds` of traffic for each route, from time `at` (ms), where it is recorded. */
  run(routes: readonly TrafficRoute[], at: number, seconds: number): void {
    if (seconds <= 0) return;
    for (const route of routes) {
      const { optIn } = route;
      const rate = route.requestsPerSecond * seconds;
      const everyone = this.world.forwardWeights(route.ruleArn);
      if (optIn === undefined) {
        this.split(everyone, rate, at, seconds);
        continue;
      }
      const request = { path: optIn.path, method: 'GET', headers: optIn.headers };
      this.split(everyone, rate * (1 - optIn.share), at, seconds);
      this.split(this.world.routeWeights(optIn.listenerArn, request), rate * optIn.share, at, seconds);
    }
  }

  /** Serves `count` requests between the groups, by their weights (fractions carried over). */
  private split(
    all: { targetGroupArn: string; weight: number }[],
    count: number,
    at: number,
    seconds: number,
  ): void {
    const weights = all.filter((w) => w.weight > 0);
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    for (const { targetGroupArn, weight } of weights) {
      const exact = (count * weight) / total + (this.carry.get(targetGroupArn) ?? 0);
      const requests = Math.floor(exact);
      this.carry.set(targetGroupArn, exact - requests);
      if (requests > 0) this.serve(targetGroupArn, requests, at, seconds);
    }
  }

  private serve(targetGroupArn: string, requests: number, at: number, seconds: number): void {
    const dimensions = this.world.dimensions(targetGroupArn);
    const balancer = { LoadBalancer: dimensions.LoadBalancer ?? '' };
    const toBalancer = (name: string, values: number[]) =>
      this.sink.record(NAMESPACE, name, balancer, at, values);
    const record = (name: string, values: number[], counts?: number[]) => {
      this.sink.record(NAMESPACE, name, dimensions, at, values, counts);
      this.sink.record(NAMESPACE, name, balancer, at, values, counts);
    };
    const targets = this.world.healthyTargets(targetGroupArn);
    if (targets.length === 0) {
      const code = this.world.registeredTargets(targetGroupArn) === 0 ? 503 : 502;
      // A 502 follows a target the load balancer chose; a 503 for an empty group chose none.
      if (code === 502) record('RequestCount', [requests]);
      toBalancer('HTTPCode_ELB_5XX_Count', [requests]);
      toBalancer(`HTTPCode_ELB_${code}_Count`, [requests]);
      return;
    }
    record('RequestCount', [requests]);
    let errors = 0;
    const latencies: number[] = [];
    const counts: number[] = [];
    targets.forEach((target, i) => {
      const share = Math.floor(requests / targets.length) + (i < requests % targets.length ? 1 : 0);
      if (share === 0) return;
      errors += this.binomial(share, target.profile.errorRate);
      const samples = Math.min(share, Math.ceil((LATENCY_SAMPLES_PER_10_SECONDS * seconds) / 10));
      for (let s = 0; s < samples; s += 1) {
        latencies.push(this.latencySeconds(target.profile));
        // Whole requests: the share split as evenly as it goes.
        counts.push(Math.floor(share / samples) + (s < share % samples ? 1 : 0));
      }
    });
    record('HTTPCode_Target_5XX_Count', [errors]);
    record('HTTPCode_Target_2XX_Count', [requests - errors]);
    record('TargetResponseTime', latencies, counts);
  }

  /** Successes in `n` trials: exact for small n, a normal approximation for large. */
  private binomial(n: number, p: number): number {
    if (p <= 0) return 0;
    if (n <= 50) {
      let k = 0;
      for (let i = 0; i < n; i += 1) if (this.random() < p) k += 1;
      return k;
    }
    const k = Math.round(n * p + Math.sqrt(n * p * (1 - p)) * this.normal());
    return Math.min(n, Math.max(0, k));
  }

  /** Log-normal with the profile's median and 99th percentile. */
  private latencySeconds(profile: ImageProfile): number {
    const sigma = Math.log(profile.latency.p99Ms / profile.latency.medianMs) / 2.3263;
    return (profile.latency.medianMs * Math.exp(sigma * this.normal())) / 1000;
  }

  /** The second of each Box–Muller pair, kept for the next draw. */
  private spare: number | undefined;

  private normal(): number {
    const spare = this.spare;
    if (spare !== undefined) {
      this.spare = undefined;
      return spare;
    }
    const r = Math.sqrt(-2 * Math.log(Math.max(this.random(), 1e-12)));
    const angle = 2 * Math.PI * this.random();
    this.spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  }
}

/** A small seeded generator, so a scenario's traffic is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
