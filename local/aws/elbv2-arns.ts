// ARNs of the local Elastic Load Balancing v2, in AWS's exact shapes:
//   arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>/<id>
//   arn:aws:elasticloadbalancing:<region>:<account>:listener/app/<lbName>/<lbId>/<id>
//   arn:aws:elasticloadbalancing:<region>:<account>:listener-rule/app/<lbName>/<lbId>/<listenerId>/<id>
//   arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>
//
// AWS makes each <id> up at random; here it is DETERMINISTIC, so a demo catalog can name ARNs
// before they exist. Every id is the first 16 hex digits of SHA-256 over `<parent>/<name>`:
//   load balancer  sha256("arn:aws:elasticloadbalancing:<region>:<account>:loadbalancer/app/<name>")
//   target group   sha256("arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>")
//   listener       sha256("<load balancer ARN>/<port>")
//   rule           sha256("<listener ARN>/<priority>"), the default rule's priority being `default`

import { createHash } from 'node:crypto';

export interface ElbScope {
  region: string;
  account: string;
}

/** The first 16 hex digits of SHA-256 over `<parent>/<name>`: the id part of every local ELB ARN. */
export function elbId(parent: string, name: string | number): string {
  return createHash('sha256').update(`${parent}/${name}`).digest('hex').slice(0, 16);
}

const scopeOf = (scope: ElbScope) => `arn:aws:elasticloadbalancing:${scope.region}:${scope.account}`;

export function loadBalancerArn(scope: ElbScope, name: string): string {
  const parent = `${scopeOf(scope)}:loadbalancer/app`;
  return `${parent}/${name}/${elbId(parent, name)}`;
}

export function targetGroupArn(scope: ElbScope, name: string): string {
  const parent = `${scopeOf(scope)}:targetgroup`;
  return `${parent}/${name}/${elbId(parent, name)}`;
}

/** The ARN of the listener a load balancer gets on `port` (the port it was created with). */
export function listenerArn(loadBalancer: string, port: number): string {
  return `${loadBalancer.replace(':loadbalancer/', ':listener/')}/${elbId(loadBalancer, port)}`;
}

/** The ARN of a listener's rule with this priority; `default` names the listener's default rule. */
export function ruleArn(listener: string, priority: number | 'default'): string {
  return `${listener.replace(':listener/', ':listener-rule/')}/${elbId(listener, priority)}`;
}

const LOAD_BALANCER = /^arn:aws:elasticloadbalancing:[^:]+:\d{12}:loadbalancer\/(app\/[^/]+\/[0-9a-f]{16})$/;
const TARGET_GROUP = /^arn:aws:elasticloadbalancing:[^:]+:\d{12}:(targetgroup\/[^/]+\/[0-9a-f]{16})$/;

/** The CloudWatch `LoadBalancer` dimension of an Application Load Balancer: `app/<name>/<id>`. */
export function loadBalancerDimension(loadBalancer: string): string {
  const match = LOAD_BALANCER.exec(loadBalancer);
  if (match === null) throw new Error(`${loadBalancer} is not an Application Load Balancer ARN`);
  return match[1]!;
}

/** The CloudWatch `TargetGroup` dimension of a target group: `targetgroup/<name>/<id>`. */
export function targetGroupDimension(targetGroup: string): string {
  const match = TARGET_GROUP.exec(targetGroup);
  if (match === null) throw new Error(`${targetGroup} is not a target group ARN`);
  return match[1]!;
}
