// The ELBv2 operations on target groups and their targets.
//
// CreateTargetGroup with the name of an existing group and the same settings answers with the
// existing group, with other settings it fails with DuplicateTargetGroupName, as on AWS.
// DeregisterTargets on a target that is not registered succeeds and changes nothing, as AWS does.

import { optionalString, paginate, requiredString, stringList, validationError } from './elbv2-input.js';
import type { Elbv2Store } from './elbv2-store.js';
import {
  TARGET_HEALTH_REASONS,
  describeTargetGroup,
  parseTargetGroup,
  parseTargets,
} from './elbv2-targets.js';
import { reportedHealth, sameTarget, sameTargetGroupSettings } from './elbv2-targets.js';
import type { TargetDescription, TargetGroupRecord, TargetRecord } from './elbv2-targets.js';
import type { Operation } from './service.js';
import { AwsError } from '../errors.js';

export function targetOperations(store: Elbv2Store): Record<string, Operation> {
  const describe = (group: TargetGroupRecord) => {
    const lb = store.loadBalancerOf(group.arn);
    return describeTargetGroup(group, lb === undefined ? [] : [lb]);
  };

  return {
    CreateTargetGroup(input) {
      const requested = parseTargetGroup(input, store.scope);
      const existing = store.targetGroups.get(requested.arn);
      if (existing !== undefined && !sameTargetGroupSettings(existing, requested)) {
        throw new AwsError(
          'DuplicateTargetGroupName',
          `A target group named '${requested.name}' already exists with different settings`,
        );
      }
      if (existing === undefined) store.targetGroups.set(requested.arn, requested);
      return { TargetGroups: [describe(existing ?? requested)] };
    },

    DescribeTargetGroups(input) {
      const arns = stringList(input, 'TargetGroupArns');
      const names = stringList(input, 'Names');
      const lbArn = optionalString(input, 'LoadBalancerArn');
      if ([arns.length > 0, names.length > 0, lbArn !== undefined].filter(Boolean).length > 1) {
        throw validationError('Specify at most one of TargetGroupArns, Names and LoadBalancerArn');
      }
      let found = [...store.targetGroups.values()];
      if (arns.length > 0) found = arns.map((arn) => store.targetGroup(arn));
      if (names.length > 0) {
        const missing = names.filter((name) => !found.some((group) => group.name === name));
        if (missing.length > 0) {
          throw new AwsError('TargetGroupNotFound', `Target groups '${missing.join(', ')}' not found`);
        }
        found = names.map((name) => found.find((group) => group.name === name)!);
      }
      if (lbArn !== undefined) {
        store.loadBalancer(lbArn);
        found = found.filter((group) => store.loadBalancerOf(group.arn) === lbArn);
      }
      const { page, nextMarker } = paginate(found, input);
      return { TargetGroups: page.map(describe), NextMarker: nextMarker };
    },

    RegisterTargets(input) {
      const group = store.targetGroup(requiredString(input, 'TargetGroupArn'));
      for (const target of parseTargets(input, group, true)) store.register(group, target);
      return {};
    },

    DeregisterTargets(input) {
      const group = store.targetGroup(requiredString(input, 'TargetGroupArn'));
      for (const target of parseTargets(input, group, true)) store.deregister(group, target);
      return {};
    },

    DescribeTargetHealth(input) {
      const group = store.targetGroup(requiredString(input, 'TargetGroupArn'));
      const asked = parseTargets(input, group, false);
      const registered = store.registeredTargets(group);
      const attached = store.loadBalancerOf(group.arn) !== undefined;
      const { HealthCheckPort } = group.healthCheck;
      const health = (target: TargetRecord) => ({
        Target: { Id: target.id, Port: target.port, AvailabilityZone: target.availabilityZone },
        HealthCheckPort: HealthCheckPort === 'traffic-port' ? String(target.port) : HealthCheckPort,
        TargetHealth: reportedHealth(target, attached),
      });
      const notRegistered = (target: TargetDescription) => ({
        Target: { Id: target.id, Port: target.port },
        TargetHealth: {
          State: 'unused',
          Reason: 'Target.NotRegistered',
          Description: TARGET_HEALTH_REASONS['Target.NotRegistered'].description,
        },
      });
      const described =
        asked.length === 0
          ? registered.map(health)
          : asked.map((target) => {
              const found = registered.find((t) => sameTarget(t, target));
              return found === undefined ? notRegistered(target) : health(found);
            });
      return { TargetHealthDescriptions: described };
    },
  };
}
