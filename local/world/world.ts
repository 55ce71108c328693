// The simulated world's heartbeat: on every tick, tasks move on, traffic flows
// through the listener weights, and CloudWatch evaluates the alarms whose periods
// have ended, all at the same simulated time. Each part, and each service's traffic, runs
// on its own: one that fails (a listener rule deleted behind the local cloud's back) is
// reported, and the rest of the world moves on.

import type { Catalog } from '../../shared/domain/catalog-schema.js';
import { listenerOf, type HeaderStepSettings } from '../../shared/domain/header-step.js';
import type { LocalCloudWatch } from '../aws/cloudwatch.js';
import type { LocalEcr } from '../aws/ecr.js';
import type { LocalEcs } from '../aws/ecs.js';
import { loadBalancerDimension, targetGroupDimension, type LocalElbv2 } from '../aws/elbv2.js';
import type { SimClock } from '../clock.js';
import { EcsSimulation } from './ecs-simulation.js';
import { MinutePublication } from './minute-publication.js';
import type { ImageProfile } from './profiles.js';
import { TrafficGenerator, type TrafficRoute } from './traffic.js';

const MINUTE = 60_000;

/**
 * The share of a service's requests that carry its header-routed step's header or cookie: its
 * testers, or a beta group. They always do; the load balancer's rules decide where they go.
 */
export const OPT_IN_SHARE = 0.05;

/** The headers an opted-in request carries: the step's header with its first value, or its cookie among others. */
function optInHeaders(step: HeaderStepSettings): Record<string, string> {
  if ('cookie' in step) return { cookie: `session=local; ${step.cookie}=${step.value}; theme=dark` };
  // A value with wildcards stands for many; any letter fills them.
  return { [step.header.toLowerCase()]: step.values[0]!.replace(/[*?]/g, 'x') };
}

export interface WorldParts {
  clock: SimClock;
  catalog: Catalog;
  ecs: LocalEcs;
  elb: LocalElbv2;
  ecr: LocalEcr;
  cloudwatch: LocalCloudWatch;
  requestsPerSecond: number;
  /** A part of the tick failed: `what` is a service's name, or `the tasks`, `the metrics`, `the alarms`. */
  onFailure: (what: string, error: unknown) => void;
}

/** How a task's image behaves: its profile, or undefined when the local ECR does not hold it (its pull fails, as on ECS). */
export function imageBehaviour(ecr: LocalEcr): (image: string) => ImageProfile | undefined {
  return (image) => (ecr.holds(image) ? ecr.profileOf(image) : undefined);
}

export class World {
  readonly simulation: EcsSimulation;
  private readonly traffic: TrafficGenerator;
  private readonly metrics: MinutePublication;
  private readonly routes: TrafficRoute[];
  private last: number;

  constructor(private readonly parts: WorldParts) {
    const { ecs, elb, ecr, cloudwatch } = parts;
    this.simulation = new EcsSimulation(ecs, elb, imageBehaviour(ecr));
    // "Elastic Load Balancing measures and sends its metrics in 60-second intervals": each
    // minute's traffic is one datapoint, sent once the minute is over, which also keeps the store
    // small at any clock speed.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
    this.metrics = new MinutePublication((ns, name, dims, minute, values) =>
      cloudwatch.record(ns, name, dims, minute, values),
    );
    this.traffic = new TrafficGenerator(
      {
        forwardWeights: (rule) => elb.forwardWeights(rule),
        routeWeights: (listener, request) => elb.route(listener, request).weights,
        healthyTargets: (group) => this.servingTasks(group),
        registeredTargets: (group) => elb.targets(group).filter((t) => t.state !== 'draining').length,
        dimensions: (group) => ({
          TargetGroup: targetGroupDimension(group),
          LoadBalancer: loadBalancerDimension(elb.loadBalancerOf(group) ?? 'unattached/x/0'),
        }),
      },
      this.metrics,
    );
    this.routes = Object.entries(parts.catalog.services).map(([service, entry]) => ({
      service,
      ruleArn: entry.traffic.productionListenerRule,
      requestsPerSecond: parts.requestsPerSecond,
      optIn:
        entry.headerStep === undefined
          ? undefined
          : {
              listenerArn: listenerOf(entry.traffic.productionListenerRule),
              // The path the local cloud's own rules match (seed.ts): `/<service>/*`.
              path: `/${service}/`,
              headers: optInHeaders(entry.headerStep),
              share: OPT_IN_SHARE,
            },
    }));
    this.last = parts.clock.now();
  }

  tick(): void {
    const now = this.parts.clock.now();
    this.isolated('the tasks', () => this.simulation.tick(now));
    // Traffic in slices that end where a minute ends, so each lands in the one-minute datapoint
    // it belongs to: one slice a tick, or two when the tick crosses a minute's end (more only when
    // the clock has jumped ahead).
    for (let from = this.last; from < now;) {
      const to = Math.min(now, Math.floor(from / MINUTE) * MINUTE + MINUTE);
      const seconds = (to - from) / 1000;
      for (const route of this.routes)
        this.isolated(route.service, () => this.traffic.run([route], from, seconds));
      from = to;
    }
    this.last = now;
    this.isolated('the metrics', () => this.metrics.flush(now));
    this.isolated('the alarms', () => this.parts.cloudwatch.evaluate());
  }

  private isolated(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.parts.onFailure(what, error);
    }
  }

  /**
   * The group's running tasks whose targets are healthy, oldest first, with how each behaves:
   * the group's own tasks, not every task. What the load balancer sends requests to.
   */
  servingTasks(group: string): ServingTask[] {
    const healthy = new Set<string>();
    for (const target of this.parts.elb.targets(group))
      if (target.state === 'healthy') healthy.add(target.id);
    const found: ServingTask[] = [];
    for (const task of this.simulation.index.inTargetGroup(group)) {
      if (task.lastStatus !== 'RUNNING' || !healthy.has(task._ip)) continue;
      const image = task.containers[0]?.image ?? '';
      found.push({ taskArn: task.taskArn, image, profile: this.parts.ecr.profileOf(image) });
    }
    return found;
  }
}

/** A task the load balancer may send a request to. */
export interface ServingTask {
  taskArn: string;
  image: string;
  profile: ImageProfile;
}
