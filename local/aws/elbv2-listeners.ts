// HTTP listeners and their rules: the records the local ELBv2 keeps and how DescribeListeners and
// DescribeRules answer with them. A listener's default rule is not stored apart: it is the listener's
// default actions, listed last with Priority `default` and IsDefault true, under its own ARN.

import type { Action, RuleCondition } from './elbv2-actions.js';
import { ruleArn } from './elbv2-arns.js';
import { validationError } from './elbv2-input.js';

export interface ListenerRecord {
  arn: string;
  loadBalancerArn: string;
  port: number;
  protocol: 'HTTP';
  defaultActions: Action[];
}

export interface RuleRecord {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleCondition[];
  actions: Action[];
}

export function httpOnly(protocol: string): 'HTTP' {
  if (protocol !== 'HTTP') {
    throw validationError(`Protocol '${protocol}' is not supported by the local cloud's listeners; use HTTP`);
  }
  return protocol;
}

export function describeListener(listener: ListenerRecord) {
  return {
    ListenerArn: listener.arn,
    LoadBalancerArn: listener.loadBalancerArn,
    Port: listener.port,
    Protocol: listener.protocol,
    DefaultActions: listener.defaultActions,
  };
}

export function describeRule(rule: RuleRecord): Record<string, unknown> {
  return {
    RuleArn: rule.arn,
    Priority: String(rule.priority),
    Conditions: rule.conditions,
    Actions: rule.actions,
    IsDefault: false,
  };
}

export function describeDefaultRule(listener: ListenerRecord): Record<string, unknown> {
  return {
    RuleArn: ruleArn(listener.arn, 'default'),
    Priority: 'default',
    Conditions: [],
    Actions: listener.defaultActions,
    IsDefault: true,
  };
}
