// The local Elastic Load Balancing v2 (API version 2015-12-01, query protocol): Application Load
// Balancers, HTTP listeners, listener rules, `ip` target groups and their targets' health, enough
// for the production adapters in shared/aws/ to run unchanged. Mount `service` on createAwsServer
// under `query['2015-12-01']` with ELBV2_NAMESPACE.
//
// Below the API, the simulated world reads the forward weights, drives target health, and hears
// about every change of a rule's or listener's actions (the dashboard's weights over time).
//
// Where it differs from AWS on purpose: listeners are HTTP only (so no authenticate actions),
// target groups are `ip` only, load balancers are `application` only and `active` at once, and
// ARNs are deterministic (elbv2-arns.ts). The operations' own notes are in elbv2-routing.ts and
// elbv2-target-operations.ts.

import type { Clock } from '../../shared/ports/clock.js';
import { forwardWeights, type ForwardWeight } from './elbv2-actions.js';
import type { ElbScope } from './elbv2-arns.js';
import { routingOperations } from './elbv2-routing.js';
import { parseSnapshot, SNAPSHOT_VERSION, type Elbv2Snapshot } from './elbv2-snapshot.js';
import { Elbv2Store, type ActionChange } from './elbv2-store.js';
import { targetOperations } from './elbv2-target-operations.js';
import { parseTargetGroup, parseTargets, reasonFor, reportedHealth, sameTarget } from './elbv2-targets.js';
import { localDefaultVpc, parseLoadBalancer } from './elbv2-load-balancers.js';
import type { Action } from './elbv2-actions.js';
import type { TargetHealthReason, TargetHealthState } from './elbv2-targets.js';
import type { LocalService } from './service.js';
import { AwsError } from '../errors.js';
import { ruleMatches, type RoutedRequest } from './elbv2-conditions.js';

export { loadBalancerArn, listenerArn, ruleArn, targetGroupArn } from './elbv2-arns.js';
export { loadBalancerDimension, targetGroupDimension } from './elbv2-arns.js';
export type { ForwardWeight } from './elbv2-actions.js';
export type { Elbv2Snapshot } from './elbv2-snapshot.js';
export type { ActionChange } from './elbv2-store.js';
export type { TargetHealthReason, TargetHealthState } from './elbv2-targets.js';

export const ELBV2_API_VERSION = '2015-12-01';
export const ELBV2_NAMESPACE = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export interface LocalElbv2Options extends ElbScope {
  /** The local cloud's clock: creation times, change times and how long deregistered targets drain. */
  clock?: Clock;
  /** How long a deregistered target stays `draining`; AWS's default deregistration delay is 300 s. */
  deregistrationDelaySeconds?: number;
}

/** A registered target and its health, as DescribeTargetHealth reports it now. */
export interface TargetView {
  id: string;
  port: number;
  availabilityZone?: string;
  state: TargetHealthState;
  reason?: TargetHealthReason;
  description?: string;
}

export class LocalElbv2 {
  readonly service: LocalService;
  private readonly store: Elbv2Store;

  constructor(options: LocalElbv2Options) {
    this.store = new Elbv2Store(
      { region: options.region, account: options.account },
      options.clock ?? { now: () => Date.now() },
      (options.deregistrationDelaySeconds ?? 300) * 1000,
    );
    this.service = {
      name: 'elasticloadbalancing',
      operations: { ...routingOperations(this.store), ...targetOperations(this.store) },
    };
  }

  /**
   * The weights a rule forwards with, or a listener's default action (given the listener's ARN or
   * its default rule's); [] when it does not forward. Unknown ARNs: RuleNotFound or ListenerNotFound.
   */
  forwardWeights(ruleOrListenerArn: string): ForwardWeight[] {
    const { store } = this;
    const listener = store.listeners.get(ruleOrListenerArn) ?? store.listenerOfDefaultRule(ruleOrListenerArn);
    if (listener !== undefined) return forwardWeights(listener.defaultActions);
    if (ruleOrListenerArn.includes(':listener/')) store.listener(ruleOrListenerArn);
    return forwardWeights(store.rule(ruleOrListenerArn, 'its listener').actions);
  }

  /**
   * The rule a request to a listener meets (the first, by priority, whose conditions all hold;
   * else the listener's default rule), and the weights it forwards with (elbv2-conditions.ts).
   */
  route(listenerArn: string, request: RoutedRequest): { ruleArn: string; weights: ForwardWeight[] } {
    const { store } = this;
    const listener = store.listener(listenerArn);
    const rule = store.rulesOf(listener.arn).find((r) => ruleMatches(r.conditions, request));
    if (rule !== undefined) return { ruleArn: rule.arn, weights: forwardWeights(rule.actions) };
    return { ruleArn: listener.arn, weights: forwardWeights(listener.defaultActions) };
  }

  /** A target group's registered targets, with their health as DescribeTargetHealth reports it. */
  targets(targetGroupArn: string): TargetView[] {
    const group = this.store.targetGroup(targetGroupArn);
    const attached = this.store.loadBalancerOf(group.arn) !== undefined;
    return this.store.registeredTargets(group).map((target) => {
      const health = reportedHealth(target, attached);
      return {
        id: target.id,
        port: target.port,
        ...(target.availabilityZone === undefined ? {} : { availabilityZone: target.availabilityZone }),
        state: health.State,
        ...(health.Reason === undefined ? {} : { reason: health.Reason, description: health.Description }),
      };
    });
  }

  /**
   * Records a health check's verdict on a registered target (InvalidTarget if it is not). The reason
   * must belong to the state; it defaults to the state's usual one. `draining` deregisters the
   * target; a draining target stays draining, whatever its checks say, until it is gone or
   * registered again. While its group gets no traffic from a load balancer, a target is reported
   * `unused` (Target.NotInUse) whatever was recorded.
   */
  setTargetHealth(
    targetGroupArn: string,
    id: string,
    port: number,
    state: TargetHealthState,
    reason?: TargetHealthReason,
    description?: string,
  ): void {
    const group = this.store.targetGroup(targetGroupArn);
    const target = this.store.registeredTargets(group).find((t) => sameTarget(t, { id, port }));
    if (target === undefined) {
      throw new AwsError(
        'InvalidTarget',
        `Target ${id}:${port} is not registered in target group ${targetGroupArn}`,
      );
    }
    if (state === 'draining') {
      this.store.deregister(group, target);
      return;
    }
    if (target.state === 'draining') return;
    const recorded = reasonFor(state, reason);
    target.state = state;
    target.reason = recorded;
    if (recorded !== undefined && description !== undefined) target.description = description;
    else delete target.description;
  }

  /** RegisterTargets for one target (port: the group's by default); it starts `initial`. */
  registerTarget(targetGroupArn: string, id: string, port?: number, availabilityZone?: string): void {
    const group = this.store.targetGroup(targetGroupArn);
    const targets = parseTargets(
      { Targets: [{ Id: id, Port: port, AvailabilityZone: availabilityZone }] },
      group,
      true,
    );
    this.store.register(group, targets[0]!);
  }

  /** DeregisterTargets for one target: it drains for the deregistration delay, then is gone. */
  deregisterTarget(targetGroupArn: string, id: string, port?: number): void {
    const group = this.store.targetGroup(targetGroupArn);
    this.store.deregister(group, { id, port: port ?? group.port });
  }

  /** The load balancer whose listener or rule actions forward to this target group, if any. */
  loadBalancerOf(targetGroupArn: string): string | undefined {
    return this.store.loadBalancerOf(targetGroupArn);
  }

  /**
   * Calls `listener` after every change of a rule's or listener's actions (creation, modification,
   * deletion), with the weights it now forwards with. Returns how to stop listening.
   */
  onChange(listener: (change: ActionChange) => void): () => void {
    this.store.changeListeners.add(listener);
    return () => this.store.changeListeners.delete(listener);
  }

  /**
   * Makes sure a target group a catalog names exists, with its ARN, whether or not any rule
   * forwards to it yet (a baseline's group: its deployment adds it to the rule).
   */
  adoptTargetGroup(arn: string): void {
    const { store } = this;
    if (store.targetGroups.has(arn)) return;
    const name = arn.split('/').at(-2)!;
    const group = parseTargetGroup(
      {
        Name: name,
        Protocol: 'HTTP',
        Port: '8080',
        TargetType: 'ip',
        VpcId: localDefaultVpc(store.scope),
        HealthCheckIntervalSeconds: '10',
        HealthyThresholdCount: '2',
      },
      store.scope,
    );
    store.targetGroups.set(arn, { ...group, arn });
  }

  /**
   * Makes sure a route a catalog names exists, with exactly its ARNs: the load balancer and
   * listener of `ruleOrListenerArn`, the rule (or the listener's default action) forwarding
   * all traffic to the first target group, and both target groups. Used to set up the local
   * cloud from a catalog whose ARNs were made elsewhere; what exists already is left alone.
   */
  adoptRoute(ruleOrListenerArn: string, targetGroupArns: readonly string[], path: string): void {
    const { store } = this;
    const match =
      /^(arn:aws[a-z-]*:elasticloadbalancing:[^:]+:\d{12}:)listener(-rule)?\/app\/([^/]+)\/([^/]+)\/([^/]+)/.exec(
        ruleOrListenerArn,
      );
    if (match === null)
      throw new AwsError('ValidationError', `'${ruleOrListenerArn}' is not a listener or rule ARN`);
    const [, prefix, isRule, lbName, lbId, listenerId] = match as unknown as string[];
    const lbArn = `${prefix}loadbalancer/app/${lbName}/${lbId}`;
    if (!store.loadBalancers.has(lbArn)) {
      const lb = parseLoadBalancer(
        { Name: lbName, Subnets: ['subnet-local-a', 'subnet-local-b'] },
        store.scope,
        store.clock.now(),
      );
      store.loadBalancers.set(lbArn, { ...lb, arn: lbArn });
    }
    for (const arn of targetGroupArns) this.adoptTargetGroup(arn);
    const forward: Action[] = [
      {
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: targetGroupArns.map((arn, i) => ({ TargetGroupArn: arn, Weight: i === 0 ? 100 : 0 })),
          TargetGroupStickinessConfig: { Enabled: false },
        },
      },
    ];
    const listenerArn = `${prefix}listener/app/${lbName}/${lbId}/${listenerId}`;
    if (!store.listeners.has(listenerArn)) {
      const port = 80 + store.listenersOf(lbArn).length * 8000;
      const defaults: Action[] = isRule
        ? [
            {
              Type: 'fixed-response',
              FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'no route' },
            },
          ]
        : forward;
      store.listeners.set(listenerArn, {
        arn: listenerArn,
        loadBalancerArn: lbArn,
        port,
        protocol: 'HTTP',
        defaultActions: defaults,
      });
      store.emit(listenerArn, 'listener', lbArn, defaults);
    }
    if (isRule && !store.rules.has(ruleOrListenerArn)) {
      const priority = store.rulesOf(listenerArn).reduce((max, r) => Math.max(max, r.priority), 0) + 10;
      const conditions = [{ Field: 'path-pattern', Values: [path], PathPatternConfig: { Values: [path] } }];
      store.rules.set(ruleOrListenerArn, {
        arn: ruleOrListenerArn,
        listenerArn,
        priority,
        conditions,
        actions: forward,
      });
      store.emit(ruleOrListenerArn, 'rule', lbArn, forward);
    }
  }

  /** All state, as JSON-safe data for `LocalElbv2.restore`. */
  snapshot(): Elbv2Snapshot {
    return structuredClone(this.state());
  }

  /** JSON.stringify(snapshot()), without the copy. */
  snapshotText(): string {
    return JSON.stringify(this.state());
  }

  private state(): Elbv2Snapshot {
    const { store } = this;
    for (const group of store.targetGroups.values()) store.registeredTargets(group);
    return {
      version: SNAPSHOT_VERSION,
      loadBalancers: [...store.loadBalancers.values()],
      listeners: [...store.listeners.values()],
      rules: [...store.rules.values()],
      targetGroups: [...store.targetGroups.values()],
    };
  }

  /** A LocalElbv2 holding a snapshot's state; the snapshot must be of the same region and account. */
  static restore(data: unknown, options: LocalElbv2Options): LocalElbv2 {
    const snapshot = parseSnapshot(data, options);
    const elb = new LocalElbv2(options);
    for (const lb of snapshot.loadBalancers) elb.store.loadBalancers.set(lb.arn, lb);
    for (const listener of snapshot.listeners) elb.store.listeners.set(listener.arn, listener);
    for (const rule of snapshot.rules) elb.store.rules.set(rule.arn, rule);
    for (const group of snapshot.targetGroups) elb.store.targetGroups.set(group.arn, group);
    return elb;
  }
}
