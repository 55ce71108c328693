// RouteRules on Elastic Load Balancing v2: the listener rule of a header-routed step, created,
// found at its priority, and deleted, through the ELBv2 requests (elbv2-requests.ts).

import {
  elbv2Requests,
  type Elbv2Requests,
  type Elbv2Source,
  type Rule,
  type WireConfig,
} from './elbv2-requests.js';
import type { RouteRule, RouteRules, RuleCondition } from '../ports/route-rules.js';
import type { TargetWeight } from '../ports/traffic.js';
import { ResourceNotFound, translateTransient } from './errors.js';

const RULE_GONE = new Set(['RuleNotFoundException', 'RuleNotFound']);
const LISTENER_GONE = new Set(['ListenerNotFoundException', 'ListenerNotFound']);

export class Elbv2RouteRules implements RouteRules {
  private readonly elb: Elbv2Requests;

  constructor(elb: Elbv2Source) {
    this.elb = elbv2Requests(elb);
  }

  async describe(
    ruleOrListenerArn: string,
  ): Promise<{ priority: number | null; conditions: RuleCondition[] }> {
    if (!ruleOrListenerArn.includes(':listener-rule/')) return { priority: null, conditions: [] };
    try {
      const rule = (await this.elb.describeRules([ruleOrListenerArn]))[0];
      if (rule === undefined) throw new ResourceNotFound(`Listener rule ${ruleOrListenerArn} does not exist`);
      const priority = Number(rule.Priority);
      return {
        priority: Number.isInteger(priority) ? priority : null,
        conditions: rule.Conditions.map(sendable),
      };
    } catch (error) {
      if (error instanceof Error && RULE_GONE.has(error.name))
        throw new ResourceNotFound(
          `Listener rule ${ruleOrListenerArn} does not exist; check the catalog entry.`,
          {
            cause: error,
          },
        );
      return translateTransient(`DescribeRules ${ruleOrListenerArn}`, error);
    }
  }

  async at(listenerArn: string, priority: number): Promise<RouteRule | null> {
    let rules: Rule[];
    try {
      rules = await this.elb.listenerRules(listenerArn);
    } catch (error) {
      if (error instanceof Error && LISTENER_GONE.has(error.name))
        throw new ResourceNotFound(`Listener ${listenerArn} does not exist`, { cause: error });
      return translateTransient(`DescribeRules ${listenerArn}`, error);
    }
    const rule = rules.find((r) => r.Priority === String(priority));
    if (rule?.RuleArn === undefined) return null;
    const forward = rule.Actions.find((a) => a.Type === 'forward');
    const groups = forward?.ForwardConfig?.TargetGroups ?? [];
    return {
      ruleArn: rule.RuleArn,
      priority,
      conditions: rule.Conditions.map(sendable),
      forwardsTo:
        groups.length > 0
          ? groups.map((g) => ({ targetGroupArn: g.TargetGroupArn ?? '', weight: g.Weight ?? 1 }))
          : forward?.TargetGroupArn === undefined
            ? []
            : [{ targetGroupArn: forward.TargetGroupArn, weight: 1 }],
    };
  }

  async create(
    listenerArn: string,
    priority: number,
    conditions: readonly RuleCondition[],
    forwardTo: readonly TargetWeight[],
  ): Promise<string> {
    try {
      return await this.elb.createRule({
        listenerArn,
        priority,
        // Conditions are plain data, sent as given (the port types them loosely).
        conditions: conditions as unknown as WireConfig[],
        actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: forwardTo.map((w) => ({ TargetGroupArn: w.targetGroupArn, Weight: w.weight })),
            },
          },
        ],
      });
    } catch (error) {
      return translateTransient(`CreateRule on ${listenerArn} at priority ${priority}`, error);
    }
  }

  async remove(ruleArn: string): Promise<void> {
    try {
      await this.elb.deleteRule(ruleArn);
    } catch (error) {
      if (error instanceof Error && RULE_GONE.has(error.name)) return;
      translateTransient(`DeleteRule ${ruleArn}`, error);
    }
  }
}

/**
 * A condition as it can be sent back: ELB describes path-pattern and host-header conditions with
 * both their legacy `Values` and their `…Config`, and takes only one of them.
 */
function sendable(condition: WireConfig): RuleCondition {
  const { Values, ...rest } = condition;
  const hasConfig = Object.keys(rest).some((key) => key.endsWith('Config'));
  return (hasConfig ? rest : { ...rest, Values }) as RuleCondition;
}
