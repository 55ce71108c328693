// The CloudWatch dimensions an Application Load Balancer keeps a target group's metrics under
// (namespace AWS/ApplicationELB), derived from the ARNs the catalog names:
//   TargetGroup  = targetgroup/<name>/<id>       from the target group's ARN
//   LoadBalancer = app/<lbName>/<lbId>           from a listener's or a listener rule's ARN
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html

export interface ElbDimensions {
  TargetGroup: string;
  LoadBalancer: string;
}

const ARN_PREFIX = String.raw`^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:`;
const TARGET_GROUP = new RegExp(`${ARN_PREFIX}(targetgroup/[A-Za-z0-9-]{1,32}/[0-9a-f]+)$`);
const LISTENER = new RegExp(`${ARN_PREFIX}listener/(app/[A-Za-z0-9-]{1,32}/[0-9a-f]+)/[0-9a-f]+$`);
const LISTENER_RULE = new RegExp(
  `${ARN_PREFIX}listener-rule/(app/[A-Za-z0-9-]{1,32}/[0-9a-f]+)/[0-9a-f]+/[0-9a-f]+$`,
);

/** The `TargetGroup` dimension of a target group ARN: `targetgroup/<name>/<id>`. */
export function targetGroupDimension(targetGroupArn: string): string {
  const match = TARGET_GROUP.exec(targetGroupArn);
  if (match === null) {
    throw new RangeError(
      `${JSON.stringify(targetGroupArn)} is not a target group ARN ` +
        '(arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>); check the catalog.',
    );
  }
  return match[1]!;
}

/**
 * The `LoadBalancer` dimension of the Application Load Balancer a listener or listener rule
 * belongs to: `app/<name>/<id>`. A Network Load Balancer's listener is refused: its metrics
 * are kept in another namespace (AWS/NetworkELB), under other names.
 */
export function loadBalancerDimension(listenerOrRuleArn: string): string {
  const match = LISTENER.exec(listenerOrRuleArn) ?? LISTENER_RULE.exec(listenerOrRuleArn);
  if (match === null) {
    throw new RangeError(
      `${JSON.stringify(listenerOrRuleArn)} is not the ARN of an Application Load Balancer's listener ` +
        '(…:listener/app/<name>/<lb-id>/<listener-id>) or listener rule ' +
        '(…:listener-rule/app/<name>/<lb-id>/<listener-id>/<rule-id>); check the catalog.',
    );
  }
  return match[1]!;
}

/** Both dimensions of a target group behind the load balancer of a listener (rule). */
export function elbDimensions(target: { targetGroupArn: string; listenerArn: string }): ElbDimensions {
  return {
    TargetGroup: targetGroupDimension(target.targetGroupArn),
    LoadBalancer: loadBalancerDimension(target.listenerArn),
  };
}
