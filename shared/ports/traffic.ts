// Port for the load balancer: the weighted forward action of a listener rule (or a
// listener's default action). Adapter: shared/aws/elbv2-traffic-router.ts.

export interface TargetWeight {
  targetGroupArn: string;
  weight: number;
}

export interface TrafficRouter {
  /** Forwards the rule's traffic to these target groups with these weights. */
  setWeights(ruleArn: string, weights: readonly TargetWeight[]): Promise<void>;
  /** The weights the rule forwards with now, read back from the load balancer. */
  weights(ruleArn: string): Promise<TargetWeight[]>;
}
