// Target groups (target type `ip`), their registered targets and the targets' health, reported with
// AWS's states, reason codes and descriptions.

import { isIP } from 'node:net';
import { isDeepStrictEqual } from 'node:util';
import { targetGroupArn, type ElbScope } from './elbv2-arns.js';
import {
  list,
  optionalBoolean,
  optionalInteger,
  optionalString,
  optionalStructure,
  requiredInteger,
  requiredString,
  structure,
  validationError,
  type Input,
} from './elbv2-input.js';
import { AwsError } from '../errors.js';

export type TargetHealthState = 'initial' | 'healthy' | 'unhealthy' | 'draining' | 'unused';

/** AWS's reason codes, the state each belongs to, and the description AWS gives with it. */
export const TARGET_HEALTH_REASONS = {
  'Elb.RegistrationInProgress': { state: 'initial', description: 'Target registration is in progress' },
  'Elb.InitialHealthChecking': { state: 'initial', description: 'Initial health checks in progress' },
  'Target.ResponseCodeMismatch': {
    state: 'unhealthy',
    description: 'Health checks failed with these codes: [502]',
  },
  'Target.Timeout': { state: 'unhealthy', description: 'Request timed out' },
  'Target.FailedHealthChecks': { state: 'unhealthy', description: 'Health checks failed' },
  'Elb.InternalError': { state: 'unhealthy', description: 'Health checks failed due to an internal error' },
  'Target.NotRegistered': { state: 'unused', description: 'Target is not registered to the target group' },
  'Target.NotInUse': {
    state: 'unused',
    description: 'Target group is not configured to receive traffic from the load balancer',
  },
  'Target.InvalidState': { state: 'unused', description: 'Target is in the stopped state' },
  'Target.IpUnusable': {
    state: 'unused',
    description: 'The target IP address is reserved for use by a load balancer',
  },
  'Target.DeregistrationInProgress': {
    state: 'draining',
    description: 'Target deregistration is in progress',
  },
} as const satisfies Record<string, { state: TargetHealthState; description: string }>;

export type TargetHealthReason = keyof typeof TARGET_HEALTH_REASONS;

/** The reason a state is reported with when none is given (`healthy` has none). */
export const DEFAULT_REASON: Record<TargetHealthState, TargetHealthReason | undefined> = {
  initial: 'Elb.InitialHealthChecking',
  healthy: undefined,
  unhealthy: 'Target.FailedHealthChecks',
  draining: 'Target.DeregistrationInProgress',
  unused: 'Target.NotInUse',
};

export interface TargetRecord {
  id: string;
  port: number;
  availabilityZone?: string;
  state: TargetHealthState;
  reason?: TargetHealthReason;
  description?: string;
  /** When a draining target is gone (ms since the epoch, on the local cloud's clock). */
  drainingUntil?: number;
}

export interface HealthCheck {
  HealthCheckProtocol: string;
  HealthCheckPort: string;
  HealthCheckEnabled: boolean;
  HealthCheckIntervalSeconds: number;
  HealthCheckTimeoutSeconds: number;
  HealthyThresholdCount: number;
  UnhealthyThresholdCount: number;
  HealthCheckPath: string;
  Matcher: { HttpCode: string };
}

export interface TargetGroupRecord {
  arn: string;
  name: string;
  protocol: 'HTTP' | 'HTTPS';
  port: number;
  vpcId: string;
  protocolVersion: string;
  ipAddressType: string;
  healthCheck: HealthCheck;
  targets: TargetRecord[];
}

const NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/;

/** A new target group from CreateTargetGroup's parameters, with AWS's defaults filled in. */
export function parseTargetGroup(input: Input, scope: ElbScope): TargetGroupRecord {
  const name = requiredString(input, 'Name');
  if (!NAME.test(name)) {
    throw validationError(
      `Target group name '${name}' must be 1 to 32 letters, digits and hyphens, not starting or ending with a hyphen`,
    );
  }
  const targetType = optionalString(input, 'TargetType') ?? 'instance';
  if (targetType !== 'ip') {
    throw validationError(
      `TargetType '${targetType}' is not supported by the local cloud; use TargetType=ip`,
    );
  }
  const protocol = requiredString(input, 'Protocol');
  if (protocol !== 'HTTP' && protocol !== 'HTTPS') {
    throw validationError(
      `Protocol '${protocol}' must be HTTP or HTTPS for an Application Load Balancer target group`,
    );
  }
  const vpcId = optionalString(input, 'VpcId');
  if (vpcId === undefined || vpcId === '')
    throw validationError('A VPC ID must be specified for an ip target group');
  const matcher = optionalStructure(input, 'Matcher');
  return {
    arn: targetGroupArn(scope, name),
    name,
    protocol,
    port: requiredInteger(input, 'Port', 1, 65_535),
    vpcId,
    protocolVersion: optionalString(input, 'ProtocolVersion') ?? 'HTTP1',
    ipAddressType: optionalString(input, 'IpAddressType') ?? 'ipv4',
    healthCheck: {
      HealthCheckProtocol: optionalString(input, 'HealthCheckProtocol') ?? protocol,
      HealthCheckPort: optionalString(input, 'HealthCheckPort') ?? 'traffic-port',
      HealthCheckEnabled: optionalBoolean(input, 'HealthCheckEnabled') ?? true,
      HealthCheckIntervalSeconds: optionalInteger(input, 'HealthCheckIntervalSeconds', 5, 300) ?? 30,
      HealthCheckTimeoutSeconds: optionalInteger(input, 'HealthCheckTimeoutSeconds', 2, 120) ?? 5,
      HealthyThresholdCount: optionalInteger(input, 'HealthyThresholdCount', 2, 10) ?? 5,
      UnhealthyThresholdCount: optionalInteger(input, 'UnhealthyThresholdCount', 2, 10) ?? 2,
      HealthCheckPath: optionalString(input, 'HealthCheckPath') ?? '/',
      Matcher: {
        HttpCode: (matcher === undefined ? undefined : optionalString(matcher, 'HttpCode')) ?? '200',
      },
    },
    targets: [],
  };
}

/** Whether two target groups were created with the same settings (targets aside). */
export function sameTargetGroupSettings(a: TargetGroupRecord, b: TargetGroupRecord): boolean {
  const { targets: _a, ...settingsA } = a;
  const { targets: _b, ...settingsB } = b;
  return isDeepStrictEqual(settingsA, settingsB);
}

/** A target group as DescribeTargetGroups answers. */
export function describeTargetGroup(
  group: TargetGroupRecord,
  loadBalancerArns: string[],
): Record<string, unknown> {
  return {
    TargetGroupArn: group.arn,
    TargetGroupName: group.name,
    Protocol: group.protocol,
    Port: group.port,
    VpcId: group.vpcId,
    ...group.healthCheck,
    LoadBalancerArns: loadBalancerArns,
    TargetType: 'ip',
    ProtocolVersion: group.protocolVersion,
    IpAddressType: group.ipAddressType,
  };
}

export interface TargetDescription {
  id: string;
  port: number;
  availabilityZone?: string;
}

/** The `Targets` of RegisterTargets, DeregisterTargets or DescribeTargetHealth; ports default to the group's. */
export function parseTargets(input: Input, group: TargetGroupRecord, required: boolean): TargetDescription[] {
  const targets = list(input, 'Targets').map((item, i) => {
    const target = structure(item, `Targets.member.${i + 1}`);
    const id = requiredString(target, 'Id');
    if (isIP(id) === 0) {
      throw new AwsError(
        'InvalidTarget',
        `The IP address '${id}' is not a valid IPv4 or IPv6 address; ${group.name} has ip targets`,
      );
    }
    const availabilityZone = optionalString(target, 'AvailabilityZone');
    return {
      id,
      port: optionalInteger(target, 'Port', 1, 65_535) ?? group.port,
      ...(availabilityZone === undefined ? {} : { availabilityZone }),
    };
  });
  if (required && targets.length === 0) throw validationError('Targets must contain at least one target');
  return targets;
}

export const sameTarget = (a: { id: string; port: number }, b: { id: string; port: number }) =>
  a.id === b.id && a.port === b.port;

/** A target's health as DescribeTargetHealth reports it. `attached`: the group gets traffic from a load balancer. */
export function reportedHealth(
  target: TargetRecord,
  attached: boolean,
): {
  State: TargetHealthState;
  Reason?: TargetHealthReason;
  Description?: string;
} {
  if (target.state !== 'draining' && !attached) {
    return {
      State: 'unused',
      Reason: 'Target.NotInUse',
      Description: TARGET_HEALTH_REASONS['Target.NotInUse'].description,
    };
  }
  if (target.reason === undefined) return { State: target.state };
  return {
    State: target.state,
    Reason: target.reason,
    Description: target.description ?? TARGET_HEALTH_REASONS[target.reason].description,
  };
}

/** The reason to record for a state change, checking that it belongs to the state. */
export function reasonFor(
  state: TargetHealthState,
  reason?: TargetHealthReason,
): TargetHealthReason | undefined {
  if (reason === undefined) return DEFAULT_REASON[state];
  if (TARGET_HEALTH_REASONS[reason].state !== state) {
    throw new Error(`reason ${reason} belongs to state ${TARGET_HEALTH_REASONS[reason].state}, not ${state}`);
  }
  return reason;
}
