// The ELBv2 operations on load balancers, listeners and listener rules.
//
// Idempotency and clashes, as on AWS: CreateLoadBalancer and CreateListener with the name (port) of
// an existing one and the same settings answer with the existing one; with other settings they fail
// with DuplicateLoadBalancerName or DuplicateListener. CreateRule on a priority in use fails with
// PriorityInUse. ARNs are deterministic (elbv2-arns.ts), so a rule deleted and created again at the
// same priority gets its old ARN back (AWS would make a new one).

import { isDeepStrictEqual } from 'node:util';
import { parseConditions } from './elbv2-actions.js';
import { listenerArn, ruleArn } from './elbv2-arns.js';
import { optionalInteger, optionalString, paginate, requiredInteger, requiredString } from './elbv2-input.js';
import { stringList, validationError, type Input } from './elbv2-input.js';
import { describeDefaultRule, describeListener, describeRule, httpOnly } from './elbv2-listeners.js';
import type { ListenerRecord, RuleRecord } from './elbv2-listeners.js';
import { describeLoadBalancer, parseLoadBalancer, sameLoadBalancerSettings } from './elbv2-load-balancers.js';
import type { Elbv2Store } from './elbv2-store.js';
import type { Operation } from './service.js';
import { AwsError } from '../errors.js';

export function routingOperations(store: Elbv2Store): Record<string, Operation> {
  return {
    CreateLoadBalancer(input) {
      const requested = parseLoadBalancer(input, store.scope, store.clock.now());
      const existing = store.loadBalancers.get(requested.arn);
      if (existing !== undefined && !sameLoadBalancerSettings(existing, requested)) {
        throw new AwsError(
          'DuplicateLoadBalancerName',
          `A load balancer named '${requested.name}' already exists with different settings`,
        );
      }
      if (existing === undefined) store.loadBalancers.set(requested.arn, requested);
      return { LoadBalancers: [describeLoadBalancer(existing ?? requested, store.scope)] };
    },

    DescribeLoadBalancers(input) {
      const names = stringList(input, 'Names');
      const arns = stringList(input, 'LoadBalancerArns');
      if (names.length > 0 && arns.length > 0)
        throw validationError('Specify Names or LoadBalancerArns, not both');
      let found = [...store.loadBalancers.values()];
      if (arns.length > 0) found = arns.map((arn) => store.loadBalancer(arn));
      if (names.length > 0) {
        const missing = names.filter((name) => !found.some((lb) => lb.name === name));
        if (missing.length > 0) {
          throw new AwsError('LoadBalancerNotFound', `Load balancers '${missing.join(', ')}' not found`);
        }
        found = names.map((name) => found.find((lb) => lb.name === name)!);
      }
      const { page, nextMarker } = paginate(found, input);
      return {
        LoadBalancers: page.map((lb) => describeLoadBalancer(lb, store.scope)),
        NextMarker: nextMarker,
      };
    },

    CreateListener(input) {
      const lb = store.loadBalancer(requiredString(input, 'LoadBalancerArn'));
      const protocol = httpOnly(requiredString(input, 'Protocol'));
      const port = requiredInteger(input, 'Port', 1, 65_535);
      const defaultActions = store.parseActionsFor(lb.arn, input, 'DefaultActions');
      const existing = store.listenersOf(lb.arn).find((listener) => listener.port === port);
      if (existing !== undefined) {
        if (!isDeepStrictEqual(existing.defaultActions, defaultActions)) {
          throw new AwsError('DuplicateListener', `A listener already exists on port ${port} of ${lb.arn}`);
        }
        return { Listeners: [describeListener(existing)] };
      }
      const arn = listenerArn(lb.arn, port);
      if (store.listeners.has(arn)) {
        throw new AwsError(
          'DuplicateListener',
          `Listener ${arn} was created on port ${port} and moved since`,
        );
      }
      const listener: ListenerRecord = { arn, loadBalancerArn: lb.arn, port, protocol, defaultActions };
      store.listeners.set(arn, listener);
      store.emit(arn, 'listener', lb.arn, defaultActions);
      return { Listeners: [describeListener(listener)] };
    },

    DescribeListeners(input) {
      const lbArn = optionalString(input, 'LoadBalancerArn');
      const arns = stringList(input, 'ListenerArns');
      if ((lbArn === undefined) === (arns.length === 0)) {
        throw validationError('Specify either ListenerArns or a LoadBalancerArn');
      }
      const found =
        lbArn === undefined
          ? arns.map((arn) => store.listener(arn))
          : store.listenersOf(store.loadBalancer(lbArn).arn);
      const { page, nextMarker } = paginate(found, input);
      return { Listeners: page.map(describeListener), NextMarker: nextMarker };
    },

    ModifyListener(input) {
      const listener = store.listener(requiredString(input, 'ListenerArn'));
      const protocol = optionalString(input, 'Protocol');
      if (protocol !== undefined) httpOnly(protocol);
      const port = optionalInteger(input, 'Port', 1, 65_535);
      const others = store.listenersOf(listener.loadBalancerArn).filter((other) => other !== listener);
      if (port !== undefined && others.some((other) => other.port === port)) {
        throw new AwsError(
          'DuplicateListener',
          `A listener already exists on port ${port} of ${listener.loadBalancerArn}`,
        );
      }
      const actions = present(input, 'DefaultActions')
        ? store.parseActionsFor(listener.loadBalancerArn, input, 'DefaultActions')
        : undefined;
      if (port !== undefined) listener.port = port;
      if (actions !== undefined) {
        listener.defaultActions = actions;
        store.emit(listener.arn, 'listener', listener.loadBalancerArn, actions);
      }
      return { Listeners: [describeListener(listener)] };
    },

    CreateRule(input) {
      const listener = store.listener(requiredString(input, 'ListenerArn'));
      const priority = requiredInteger(input, 'Priority', 1, 50_000);
      const conditions = parseConditions(input, 'Conditions');
      const actions = store.parseActionsFor(listener.loadBalancerArn, input, 'Actions');
      if (store.rulesOf(listener.arn).some((rule) => rule.priority === priority)) {
        throw new AwsError('PriorityInUse', `Priority '${priority}' is currently in use on ${listener.arn}`);
      }
      const arn = ruleArn(listener.arn, priority);
      const rule: RuleRecord = { arn, listenerArn: listener.arn, priority, conditions, actions };
      store.rules.set(arn, rule);
      store.emit(arn, 'rule', listener.loadBalancerArn, actions);
      return { Rules: [describeRule(rule)] };
    },

    DescribeRules(input) {
      const listenerArnInput = optionalString(input, 'ListenerArn');
      const arns = stringList(input, 'RuleArns');
      if ((listenerArnInput === undefined) === (arns.length === 0)) {
        throw validationError('Specify either RuleArns or a ListenerArn');
      }
      let found: Record<string, unknown>[];
      if (listenerArnInput !== undefined) {
        const listener = store.listener(listenerArnInput);
        found = [...store.rulesOf(listener.arn).map(describeRule), describeDefaultRule(listener)];
      } else {
        const missing = arns.filter(
          (arn) => !store.rules.has(arn) && store.listenerOfDefaultRule(arn) === undefined,
        );
        if (missing.length > 0) throw new AwsError('RuleNotFound', `Rules '${missing.join(', ')}' not found`);
        found = arns.map((arn) => {
          const rule = store.rules.get(arn);
          return rule === undefined
            ? describeDefaultRule(store.listenerOfDefaultRule(arn)!)
            : describeRule(rule);
        });
      }
      const { page, nextMarker } = paginate(found, input);
      return { Rules: page, NextMarker: nextMarker };
    },

    ModifyRule(input) {
      const rule = store.rule(requiredString(input, 'RuleArn'), 'ModifyListener to change its actions');
      const lbArn = store.loadBalancerOfRule(rule);
      const conditions = present(input, 'Conditions') ? parseConditions(input, 'Conditions') : undefined;
      const actions = present(input, 'Actions') ? store.parseActionsFor(lbArn, input, 'Actions') : undefined;
      if (conditions !== undefined) rule.conditions = conditions;
      if (actions !== undefined) {
        rule.actions = actions;
        store.emit(rule.arn, 'rule', lbArn, actions);
      }
      return { Rules: [describeRule(rule)] };
    },

    DeleteRule(input) {
      const rule = store.rule(
        requiredString(input, 'RuleArn'),
        'DeleteListener to remove it with its listener',
      );
      store.rules.delete(rule.arn);
      store.emit(rule.arn, 'rule', store.loadBalancerOfRule(rule), [], true);
      return {};
    },
  };
}

/** Whether a request carries a parameter at all (an empty list, `Field=`, counts). */
const present = (input: Input, field: string) => input[field] !== undefined;
