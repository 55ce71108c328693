// Port for the listener rules Cutover makes itself: a header-routed step's rule, which sends the
// requests matching a condition to the new task set. Adapter: shared/aws/elbv2-route-rules.ts.

import type { TargetWeight } from './traffic.js';

/** A rule condition as ELB's API gives and takes it (`Field`, then its `…Config`). */
export type RuleCondition = { Field: string } & Record<string, unknown>;

export interface RouteRule {
  ruleArn: string;
  priority: number;
  conditions: RuleCondition[];
  /** The target groups its forward action sends to (none when it does not forward). */
  forwardsTo: TargetWeight[];
}

export interface RouteRules {
  /**
   * A listener rule's priority and conditions; for a listener (its default action), no priority
   * (it comes after every rule) and no conditions.
   */
  describe(ruleOrListenerArn: string): Promise<{ priority: number | null; conditions: RuleCondition[] }>;
  /** The rule at `priority` on the listener, or null when none is. */
  at(listenerArn: string, priority: number): Promise<RouteRule | null>;
  /** Creates a rule forwarding to these groups with these weights; returns its ARN. */
  create(
    listenerArn: string,
    priority: number,
    conditions: readonly RuleCondition[],
    forwardTo: readonly TargetWeight[],
  ): Promise<string>;
  /** Deletes a rule; one already gone is not an error. */
  remove(ruleArn: string): Promise<void>;
}
