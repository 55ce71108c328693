// Ports for reading what an AWS account holds, for `cutover preflight`: read-only, one per
// service. Adapters: shared/aws/preflight-inventory.ts.

/** An ECS service as Cutover needs it: its deployment controller and the release it runs. */
export interface EcsServiceFacts {
  /** `EXTERNAL`, `ECS` or `CODE_DEPLOY`. */
  deploymentController: string;
  /** The task definition of the PRIMARY task set, or null when it has none. */
  primaryTaskDefinitionArn: string | null;
}

export interface TaskDefinitionFamily {
  family: string;
  /** Whether the family has an ACTIVE revision (one that can start new tasks). */
  active: boolean;
}

export interface EcsInventory {
  /** The service, or null when the cluster or service does not exist (or is INACTIVE). */
  service(ref: { cluster: string; service: string }): Promise<EcsServiceFacts | null>;
  /** The family of a task definition, or null when that task definition does not exist. */
  family(taskDefinitionArn: string): Promise<TaskDefinitionFamily | null>;
}

/** Where a listener rule (or a listener's default action) sends traffic. */
export interface Route {
  /** The forward action's target groups and weights; null when the final action does not forward. */
  forwards: { targetGroupArn: string; weight: number }[] | null;
}

export interface LoadBalancerInventory {
  /** A listener rule's (or a listener's default) forward, or null when it does not exist. */
  route(ruleOrListenerArn: string): Promise<Route | null>;
  /** The load balancers (ARNs) each target group is attached to; null for a group that does not exist. */
  attachments(targetGroupArns: readonly string[]): Promise<Map<string, string[] | null>>;
}

export interface AlarmInventory {
  /** The names, among `alarmNames`, of alarms that exist (metric or composite). */
  existing(alarmNames: readonly string[]): Promise<Set<string>>;
}

export interface FunctionInventory {
  /** Whether the Lambda function (name, ARN, or either with a version or alias) exists. */
  exists(nameOrArn: string): Promise<boolean>;
}

export interface RoleInventory {
  /** Whether the IAM role exists. */
  exists(roleName: string): Promise<boolean>;
}
