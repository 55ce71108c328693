// TrafficRouter on Elastic Load Balancing v2 (Application Load Balancer): traffic is split by the
// weights of one forward action, on a listener rule or on a listener's default action. It is
// given the ELBv2 requests (elbv2-requests.ts), or an SDK client standing for where and how to
// send them.

import { elbv2Requests, type Action, type Elbv2Requests, type Elbv2Source } from './elbv2-requests.js';
import type { TargetWeight, TrafficRouter } from '../ports/traffic.js';
import { ResourceNotFound, translateTransient } from './errors.js';

/** The SDK names, and the wire codes, of "that rule or listener does not exist". */
const NOT_FOUND_NAMES = new Set([
  'RuleNotFoundException',
  'RuleNotFound',
  'ListenerNotFoundException',
  'ListenerNotFound',
]);

type Target = { kind: 'rule'; arn: string } | { kind: 'listener'; arn: string };

export class Elbv2TrafficRouter implements TrafficRouter {
  private readonly elb: Elbv2Requests;

  constructor(elb: Elbv2Source) {
    this.elb = elbv2Requests(elb);
  }

  async setWeights(ruleArn: string, weights: readonly TargetWeight[]): Promise<void> {
    const target = targetOf(ruleArn);
    const actions = await this.actionsOf(target);
    await this.writeActions(target, withForwardWeights(actions, weights));
  }

  async weights(ruleArn: string): Promise<TargetWeight[]> {
    const forward = (await this.actionsOf(targetOf(ruleArn))).find(isForward);
    if (forward === undefined) return [];
    const groups = forward.ForwardConfig?.TargetGroups ?? [];
    if (groups.length > 0) {
      // ELB reports every target group of a forward action with its weight; an absent weight
      // is the default of 1.
      return groups.map((group) => ({
        targetGroupArn: group.TargetGroupArn ?? '',
        weight: group.Weight ?? 1,
      }));
    }
    return forward.TargetGroupArn === undefined
      ? []
      : [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }];
  }

  private async actionsOf(target: Target): Promise<Action[]> {
    try {
      if (target.kind === 'rule') {
        const rule = (await this.elb.describeRules([target.arn]))[0];
        if (rule === undefined) throw notFound(target);
        return rule.Actions;
      }
      const listener = (await this.elb.describeListeners([target.arn]))[0];
      if (listener === undefined) throw notFound(target);
      return listener.DefaultActions;
    } catch (error) {
      return rethrow(target.kind === 'rule' ? 'DescribeRules' : 'DescribeListeners', target, error);
    }
  }

  private async writeActions(target: Target, actions: Action[]): Promise<void> {
    try {
      if (target.kind === 'rule') {
        await this.elb.modifyRule(target.arn, actions);
      } else {
        await this.elb.modifyListener(target.arn, actions);
      }
    } catch (error) {
      return rethrow(target.kind === 'rule' ? 'ModifyRule' : 'ModifyListener', target, error);
    }
  }
}

function targetOf(arn: string): Target {
  if (arn.includes(':listener-rule/')) return { kind: 'rule', arn };
  if (arn.includes(':listener/')) return { kind: 'listener', arn };
  throw new ResourceNotFound(
    `${arn} is neither a listener rule nor a listener ARN; the catalog must name the production ` +
      '(or test) listener rule, or a listener whose default action forwards.',
  );
}

/**
 * The rule's actions with its final action (forward, redirect or fixed-response) replaced by a
 * weighted forward. Every other action stays as it was, in front of it: authentication
 * (authenticate-oidc, authenticate-cognito), JWT validation, and any kind ELB adds later, so a
 * shift never opens a protected route. (Keeping only the kinds known here would drop a new one.)
 */
function withForwardWeights(actions: Action[], weights: readonly TargetWeight[]): Action[] {
  const before = actions.filter((action) => !isFinal(action)).map(keepAuthentication);
  const final = actions.find(isFinal);
  const stickiness =
    final !== undefined && isForward(final) ? final.ForwardConfig?.TargetGroupStickinessConfig : undefined;
  const forward: Action = {
    Type: 'forward',
    ...(final?.Order !== undefined ? { Order: final.Order } : {}),
    ForwardConfig: {
      TargetGroups: weights.map((weight) => ({
        TargetGroupArn: weight.targetGroupArn,
        Weight: weight.weight,
      })),
      ...(stickiness !== undefined ? { TargetGroupStickinessConfig: stickiness } : {}),
    },
  };
  return [...before, forward];
}

/** ELB never returns an OIDC client secret, so a rewrite must ask it to keep the stored one. */
function keepAuthentication(action: Action): Action {
  if (action.AuthenticateOidcConfig === undefined) return action;
  const { ClientSecret: _secret, ...config } = action.AuthenticateOidcConfig;
  return { ...action, AuthenticateOidcConfig: { ...config, UseExistingClientSecret: true } };
}

function isForward(action: Action): boolean {
  return action.Type === 'forward';
}

/** The action that ends a rule: ELB allows one, after every other. */
function isFinal(action: Action): boolean {
  return action.Type === 'forward' || action.Type === 'redirect' || action.Type === 'fixed-response';
}

function notFound(target: Target, cause?: unknown): ResourceNotFound {
  const what = target.kind === 'rule' ? 'Listener rule' : 'Listener';
  return new ResourceNotFound(`${what} ${target.arn} does not exist; check the catalog entry.`, { cause });
}

function rethrow(operation: string, target: Target, error: unknown): never {
  if (error instanceof Error && NOT_FOUND_NAMES.has(error.name)) throw notFound(target, error);
  return translateTransient(`${operation} ${target.arn}`, error);
}
