// The local ELBv2's state: load balancers, listeners, rules and target groups by ARN, the lookups
// that answer AWS's NotFound errors, the one-load-balancer-per-target-group rule, target
// registration with draining, and the notification of action changes. The API operations
// (elbv2-routing.ts, elbv2-target-operations.ts) and LocalElbv2's simulator methods share it.

import type { Clock } from '../../shared/ports/clock.js';
import { forwardWeights, parseActions, targetGroupsOf } from './elbv2-actions.js';
import type { Action, ForwardWeight } from './elbv2-actions.js';
import { ruleArn, type ElbScope } from './elbv2-arns.js';
import type { Input } from './elbv2-input.js';
import type { ListenerRecord, RuleRecord } from './elbv2-listeners.js';
import type { LoadBalancerRecord } from './elbv2-load-balancers.js';
import {
  sameTarget,
  type TargetDescription,
  type TargetGroupRecord,
  type TargetRecord,
} from './elbv2-targets.js';
import { AwsError } from '../errors.js';

/** A rule's or listener's actions changed (a listener's: its default action). */
export interface ActionChange {
  arn: string;
  kind: 'listener' | 'rule';
  loadBalancerArn: string;
  /** The weights it forwards with now; [] when it does not forward, or was deleted. */
  weights: ForwardWeight[];
  deleted: boolean;
  /** On the local cloud's clock, ms since the epoch. */
  at: number;
}

export class Elbv2Store {
  readonly loadBalancers = new Map<string, LoadBalancerRecord>();
  readonly listeners = new Map<string, ListenerRecord>();
  readonly rules = new Map<string, RuleRecord>();
  readonly targetGroups = new Map<string, TargetGroupRecord>();
  readonly changeListeners = new Set<(change: ActionChange) => void>();
  /**
   * Each target group's load balancer, and each listener by its default rule's ARN: worked out
   * once and kept until an action changes (`emit`) or a listener or rule comes or goes, as the
   * simulated world asks for them for every group on every tick.
   */
  private lookups:
    { owners: Map<string, string | RuleRecord>; defaultRules: Map<string, ListenerRecord> } | undefined;
  private lookupSizes = { listeners: -1, rules: -1 };

  constructor(
    readonly scope: ElbScope,
    readonly clock: Clock,
    /** How long a deregistered target drains, in ms. */
    private readonly drainMs: number,
  ) {}

  loadBalancer(arn: string): LoadBalancerRecord {
    const lb = this.loadBalancers.get(arn);
    if (lb === undefined) throw new AwsError('LoadBalancerNotFound', `Load balancer '${arn}' not found`);
    return lb;
  }

  listener(arn: string): ListenerRecord {
    const listener = this.listeners.get(arn);
    if (listener === undefined) throw new AwsError('ListenerNotFound', `Listener '${arn}' not found`);
    return listener;
  }

  /** A rule other than a default rule; `forDefault` says what to use instead on a default rule. */
  rule(arn: string, forDefault: string): RuleRecord {
    const rule = this.rules.get(arn);
    if (rule !== undefined) return rule;
    if (this.listenerOfDefaultRule(arn) !== undefined) {
      throw new AwsError('OperationNotPermitted', `${arn} is a listener's default rule; use ${forDefault}`);
    }
    throw new AwsError('RuleNotFound', `Rule '${arn}' not found`);
  }

  targetGroup(arn: string): TargetGroupRecord {
    const group = this.targetGroups.get(arn);
    if (group === undefined) throw new AwsError('TargetGroupNotFound', `Target group '${arn}' not found`);
    return group;
  }

  listenersOf(loadBalancerArn: string): ListenerRecord[] {
    return [...this.listeners.values()].filter((listener) => listener.loadBalancerArn === loadBalancerArn);
  }

  /** A listener's rules other than its default rule, by priority. */
  rulesOf(listenerArn: string): RuleRecord[] {
    return [...this.rules.values()]
      .filter((rule) => rule.listenerArn === listenerArn)
      .sort((a, b) => a.priority - b.priority);
  }

  /** The listener whose default rule has this ARN, if it is one. */
  listenerOfDefaultRule(arn: string): ListenerRecord | undefined {
    if (!arn.includes(':listener-rule/')) return undefined;
    return this.lookup().defaultRules.get(arn);
  }

  loadBalancerOfRule(rule: RuleRecord): string {
    return this.listener(rule.listenerArn).loadBalancerArn;
  }

  /** The load balancer whose listener or rule actions forward to this target group, if any. */
  loadBalancerOf(targetGroupArn: string): string | undefined {
    const owner = this.lookup().owners.get(targetGroupArn);
    // A rule whose listener is gone answers as it did before the lookup was kept: ListenerNotFound.
    return typeof owner === 'object' ? this.loadBalancerOfRule(owner) : owner;
  }

  /** The lookups, made anew after any change of actions, listeners or rules. */
  private lookup(): NonNullable<Elbv2Store['lookups']> {
    const sizes = { listeners: this.listeners.size, rules: this.rules.size };
    if (
      this.lookups !== undefined &&
      sizes.listeners === this.lookupSizes.listeners &&
      sizes.rules === this.lookupSizes.rules
    )
      return this.lookups;
    // The first listener, then the first rule, that forwards to a group names its load balancer.
    const owners = new Map<string, string | RuleRecord>();
    const defaultRules = new Map<string, ListenerRecord>();
    for (const listener of this.listeners.values()) {
      defaultRules.set(ruleArn(listener.arn, 'default'), listener);
      for (const group of targetGroupsOf(listener.defaultActions))
        if (!owners.has(group)) owners.set(group, listener.loadBalancerArn);
    }
    for (const rule of this.rules.values()) {
      for (const group of targetGroupsOf(rule.actions))
        if (!owners.has(group))
          owners.set(group, this.listeners.get(rule.listenerArn)?.loadBalancerArn ?? rule);
    }
    this.lookupSizes = sizes;
    return (this.lookups = { owners, defaultRules });
  }

  /**
   * Actions from a request, for a listener or rule of this load balancer. As on AWS, a target group
   * serves one load balancer only (TargetGroupAssociationLimit).
   */
  parseActionsFor(loadBalancerArn: string, input: Input, field: string): Action[] {
    const actions = parseActions(input, field, (arn) => this.targetGroups.has(arn));
    for (const group of targetGroupsOf(actions)) {
      const owner = this.loadBalancerOf(group);
      if (owner !== undefined && owner !== loadBalancerArn) {
        throw new AwsError(
          'TargetGroupAssociationLimit',
          `Target group '${group}' is already used by load balancer '${owner}'; a target group serves one load balancer`,
        );
      }
    }
    return actions;
  }

  /** The group's targets, once those whose draining has ended are gone. */
  registeredTargets(group: TargetGroupRecord): TargetRecord[] {
    const now = this.clock.now();
    const gone = (t: TargetRecord) => t.drainingUntil !== undefined && t.drainingUntil <= now;
    if (group.targets.some(gone)) group.targets = group.targets.filter((t) => !gone(t));
    return group.targets;
  }

  /** A new target starts `initial`; a draining one starts over; any other stays as it is. */
  register(group: TargetGroupRecord, target: TargetDescription): void {
    const existing = this.registeredTargets(group).find((t) => sameTarget(t, target));
    const fresh: TargetRecord = { ...target, state: 'initial', reason: 'Elb.RegistrationInProgress' };
    if (existing === undefined) group.targets.push(fresh);
    else if (existing.state === 'draining') group.targets[group.targets.indexOf(existing)] = fresh;
  }

  /** A registered target drains for the deregistration delay, then is gone; others are left alone. */
  deregister(group: TargetGroupRecord, target: { id: string; port: number }): void {
    const existing = this.registeredTargets(group).find((t) => sameTarget(t, target));
    if (existing === undefined || existing.state === 'draining') return;
    existing.state = 'draining';
    existing.reason = 'Target.DeregistrationInProgress';
    delete existing.description;
    existing.drainingUntil = this.clock.now() + this.drainMs;
    this.registeredTargets(group);
  }

  /** Tells every onChange listener that a rule's or listener's actions are now `actions`. */
  emit(
    arn: string,
    kind: ActionChange['kind'],
    loadBalancerArn: string,
    actions: Action[],
    deleted = false,
  ): void {
    this.lookups = undefined;
    const change: ActionChange = {
      arn,
      kind,
      loadBalancerArn,
      weights: forwardWeights(actions),
      deleted,
      at: this.clock.now(),
    };
    for (const listener of this.changeListeners) {
      try {
        listener(change);
      } catch (error) {
        // The change has happened; a failing observer must not turn it into a failed API call.
        console.error(`LocalElbv2: an onChange listener failed on ${arn}:`, error);
      }
    }
  }
}
