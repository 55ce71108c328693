// The header-routed step's listener rules, in memory: what the ELBv2 adapter would create, find
// and delete. Each listener rule the catalog names has a path condition, as the local cloud gives
// its routes.

import type { RouteRule, RouteRules, RuleCondition } from '../../shared/ports/route-rules.js';
import type { TargetWeight } from '../../shared/ports/traffic.js';

export class FakeRouteRules implements RouteRules {
  /** Every rule made, by listener. */
  readonly rules = new Map<string, RouteRule[]>();
  /** Rules created and deleted, in order: what a test reads the history from. */
  readonly changes: { op: 'create' | 'remove'; ruleArn: string }[] = [];
  private next = 1;

  /** The production rule's priority (each catalog rule here has this one). */
  productionPriority = 100;

  describe(ruleOrListenerArn: string): Promise<{ priority: number | null; conditions: RuleCondition[] }> {
    if (!ruleOrListenerArn.includes(':listener-rule/'))
      return Promise.resolve({ priority: null, conditions: [] });
    return Promise.resolve({
      priority: this.productionPriority,
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/app/*'] } }],
    });
  }

  at(listenerArn: string, priority: number): Promise<RouteRule | null> {
    const rule = (this.rules.get(listenerArn) ?? []).find((r) => r.priority === priority);
    return Promise.resolve(rule === undefined ? null : structuredClone(rule));
  }

  create(
    listenerArn: string,
    priority: number,
    conditions: readonly RuleCondition[],
    forwardTo: readonly TargetWeight[],
  ): Promise<string> {
    const rules = this.rules.get(listenerArn) ?? [];
    if (rules.some((r) => r.priority === priority))
      return Promise.reject(
        Object.assign(new Error(`Priority '${priority}' is currently in use`), {
          name: 'PriorityInUseException',
        }),
      );
    const ruleArn = `${listenerArn.replace(':listener/', ':listener-rule/')}/route${this.next++}`;
    rules.push({
      ruleArn,
      priority,
      conditions: structuredClone([...conditions]),
      forwardsTo: [...forwardTo],
    });
    this.rules.set(listenerArn, rules);
    this.changes.push({ op: 'create', ruleArn });
    return Promise.resolve(ruleArn);
  }

  remove(ruleArn: string): Promise<void> {
    for (const [listener, rules] of this.rules) {
      const kept = rules.filter((r) => r.ruleArn !== ruleArn);
      if (kept.length !== rules.length) {
        this.rules.set(listener, kept);
        this.changes.push({ op: 'remove', ruleArn });
      }
    }
    return Promise.resolve();
  }

  /** Every rule left, on any listener. */
  all(): RouteRule[] {
    return [...this.rules.values()].flat();
  }
}
