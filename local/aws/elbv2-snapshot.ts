// The local ELBv2's state as JSON, so the local cloud keeps its load balancers across restarts.
// A snapshot is checked before it is loaded: a hand-edited or foreign file fails loudly, naming
// what is wrong, instead of surfacing later as a broken DescribeRules.

import * as z from '../../shared/domain/zod.js';
import type { Action, RuleCondition } from './elbv2-actions.js';
import type { ElbScope } from './elbv2-arns.js';
import type { ListenerRecord, RuleRecord } from './elbv2-listeners.js';
import type { LoadBalancerRecord } from './elbv2-load-balancers.js';
import { TARGET_HEALTH_REASONS, type TargetGroupRecord } from './elbv2-targets.js';

export const SNAPSHOT_VERSION = 1;

export interface Elbv2Snapshot {
  version: typeof SNAPSHOT_VERSION;
  loadBalancers: LoadBalancerRecord[];
  listeners: ListenerRecord[];
  rules: RuleRecord[];
  targetGroups: TargetGroupRecord[];
}

// Actions and conditions were validated when they were created; here only their outline is checked.
const action = z.custom<Action>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['forward', 'redirect', 'fixed-response'].includes((value as { Type?: unknown }).Type as string),
  'an action with Type forward, redirect or fixed-response',
);
const condition = z.custom<RuleCondition>(
  (value) =>
    typeof value === 'object' && value !== null && typeof (value as { Field?: unknown }).Field === 'string',
  'a condition with a Field',
);

const reason = z.enum(Object.keys(TARGET_HEALTH_REASONS) as [keyof typeof TARGET_HEALTH_REASONS]);

const schema = z.object({
  version: z.literal(SNAPSHOT_VERSION),
  loadBalancers: z.array(
    z.object({
      arn: z.string(),
      name: z.string(),
      scheme: z.enum(['internet-facing', 'internal']),
      ipAddressType: z.string(),
      subnets: z.array(z.string()),
      securityGroups: z.array(z.string()),
      vpcId: z.string(),
      createdTime: z.number(),
    }),
  ),
  listeners: z.array(
    z.object({
      arn: z.string(),
      loadBalancerArn: z.string(),
      port: z.int(),
      protocol: z.literal('HTTP'),
      defaultActions: z.array(action),
    }),
  ),
  rules: z.array(
    z.object({
      arn: z.string(),
      listenerArn: z.string(),
      priority: z.int(),
      conditions: z.array(condition),
      actions: z.array(action),
    }),
  ),
  targetGroups: z.array(
    z.object({
      arn: z.string(),
      name: z.string(),
      protocol: z.enum(['HTTP', 'HTTPS']),
      port: z.int(),
      vpcId: z.string(),
      protocolVersion: z.string(),
      ipAddressType: z.string(),
      healthCheck: z.object({
        HealthCheckProtocol: z.string(),
        HealthCheckPort: z.string(),
        HealthCheckEnabled: z.boolean(),
        HealthCheckIntervalSeconds: z.number(),
        HealthCheckTimeoutSeconds: z.number(),
        HealthyThresholdCount: z.number(),
        UnhealthyThresholdCount: z.number(),
        HealthCheckPath: z.string(),
        Matcher: z.object({ HttpCode: z.string() }),
      }),
      targets: z.array(
        z.object({
          id: z.string(),
          port: z.int(),
          availabilityZone: z.optional(z.string()),
          state: z.enum(['initial', 'healthy', 'unhealthy', 'draining', 'unused']),
          reason: z.optional(reason),
          description: z.optional(z.string()),
          drainingUntil: z.optional(z.number()),
        }),
      ),
    }),
  ),
});

/** A snapshot checked for shape, and for belonging to this region and account. */
export function parseSnapshot(data: unknown, scope: ElbScope): Elbv2Snapshot {
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    throw new Error(
      `not a local ELBv2 snapshot (version ${SNAPSHOT_VERSION}):\n${z.prettifyError(parsed.error)}`,
    );
  }
  const prefix = `arn:aws:elasticloadbalancing:${scope.region}:${scope.account}:`;
  const snapshot = parsed.data;
  const arns = [snapshot.loadBalancers, snapshot.listeners, snapshot.rules, snapshot.targetGroups].flatMap(
    (items) => items.map((item) => item.arn),
  );
  const foreign = arns.find((arn) => !arn.startsWith(prefix));
  if (foreign !== undefined) {
    throw new Error(
      `the ELBv2 snapshot holds ${foreign}, which is not in ${scope.region} of account ${scope.account}`,
    );
  }
  return snapshot;
}
