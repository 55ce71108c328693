// The local ELBv2's targets over the real wire protocol: registering and deregistering them, the
// health DescribeTargetHealth reports (as the simulated world sets it), draining for the
// deregistration delay on the simulated clock, and which load balancer a target group serves.

import {
  DeleteRuleCommand,
  DeregisterTargetsCommand,
  DescribeTargetHealthCommand,
  InvalidTargetException,
  ModifyRuleCommand,
  RegisterTargetsCommand,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { targetGroupArn } from '../../local/aws/elbv2.js';
import { failure, scope, useElbv2World } from '../support/elbv2-fixture.js';

describe('LocalElbv2 through the AWS SDK', () => {
  const world = useElbv2World();
  const { clock, elb, rule, targetGroup } = world;

  describe('targets and their health', () => {
    it('registers targets as initial (Elb.RegistrationInProgress), then reports the health the world sets', async () => {
      await world.client.send(
        new RegisterTargetsCommand({
          TargetGroupArn: world.blue,
          Targets: [{ Id: '10.0.1.10' }, { Id: '10.0.1.11', Port: 8081 }],
        }),
      );
      const registered = await world.client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: world.blue }),
      );
      expect(registered.TargetHealthDescriptions).toEqual([
        {
          Target: { Id: '10.0.1.10', Port: 8080 },
          HealthCheckPort: '8080',
          TargetHealth: {
            State: 'initial',
            Reason: 'Elb.RegistrationInProgress',
            Description: 'Target registration is in progress',
          },
        },
        {
          Target: { Id: '10.0.1.11', Port: 8081 },
          HealthCheckPort: '8081',
          TargetHealth: {
            State: 'initial',
            Reason: 'Elb.RegistrationInProgress',
            Description: 'Target registration is in progress',
          },
        },
      ]);

      elb.setTargetHealth(world.blue, '10.0.1.10', 8080, 'healthy');
      elb.setTargetHealth(world.blue, '10.0.1.11', 8081, 'unhealthy', 'Target.Timeout');
      const checked = await world.client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: world.blue }),
      );
      expect(checked.TargetHealthDescriptions?.map((d) => d.TargetHealth)).toEqual([
        { State: 'healthy' },
        { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' },
      ]);
    });

    it('reports targets of a group no load balancer forwards to as unused (Target.NotInUse)', async () => {
      const idle = await targetGroup('web-idle');
      await world.client.send(
        new RegisterTargetsCommand({ TargetGroupArn: idle, Targets: [{ Id: '10.0.2.10' }] }),
      );
      elb.setTargetHealth(idle, '10.0.2.10', 8080, 'healthy');
      const health = await world.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: idle }));
      expect(health.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({
        State: 'unused',
        Reason: 'Target.NotInUse',
        Description: 'Target group is not configured to receive traffic from the load balancer',
      });
      expect(elb.loadBalancerOf(idle)).toBeUndefined();
    });

    it('names a group’s load balancer once a rule forwards to it, and none once the rule is gone', async () => {
      const late = await targetGroup('web-late');
      expect(elb.loadBalancerOf(late)).toBeUndefined();
      const arn = await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      expect(elb.loadBalancerOf(late)).toBeUndefined();
      await world.client.send(
        new ModifyRuleCommand({ RuleArn: arn, Actions: [{ Type: 'forward', TargetGroupArn: late }] }),
      );
      expect(elb.loadBalancerOf(late)).toBe(world.lb);
      expect(elb.forwardWeights(arn).map((w) => w.targetGroupArn)).toEqual([late]);
      await world.client.send(new DeleteRuleCommand({ RuleArn: arn }));
      expect(elb.loadBalancerOf(late)).toBeUndefined();
      expect(() => elb.forwardWeights(arn)).toThrow(/not found/);
      expect(elb.loadBalancerOf(world.blue)).toBe(world.lb);
    });

    it('reports an asked-for target that is not registered as unused (Target.NotRegistered)', async () => {
      const health = await world.client.send(
        new DescribeTargetHealthCommand({
          TargetGroupArn: world.blue,
          Targets: [{ Id: '10.9.9.9', Port: 8080 }],
        }),
      );
      expect(health.TargetHealthDescriptions).toEqual([
        {
          Target: { Id: '10.9.9.9', Port: 8080 },
          TargetHealth: {
            State: 'unused',
            Reason: 'Target.NotRegistered',
            Description: 'Target is not registered to the target group',
          },
        },
      ]);
    });

    it('answers InvalidTarget for an id that is not an IP address', async () => {
      const error = await failure(
        world.client.send(
          new RegisterTargetsCommand({ TargetGroupArn: world.blue, Targets: [{ Id: 'i-0abc' }] }),
        ),
      );
      expect(error).toBeInstanceOf(InvalidTargetException);
    });

    it('answers TargetGroupNotFound for targets of a missing group', async () => {
      const error = await failure(
        world.client.send(
          new RegisterTargetsCommand({
            TargetGroupArn: targetGroupArn(scope, 'nope'),
            Targets: [{ Id: '10.0.0.1' }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(TargetGroupNotFoundException);
    });

    it('drains a deregistered target for the deregistration delay, then forgets it', async () => {
      await world.client.send(
        new RegisterTargetsCommand({ TargetGroupArn: world.green, Targets: [{ Id: '10.0.3.10' }] }),
      );
      await rule([{ Type: 'forward', TargetGroupArn: world.green }]);
      await world.client.send(
        new DeregisterTargetsCommand({ TargetGroupArn: world.green, Targets: [{ Id: '10.0.3.10' }] }),
      );
      const draining = await world.client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: world.green }),
      );
      expect(draining.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({
        State: 'draining',
        Reason: 'Target.DeregistrationInProgress',
        Description: 'Target deregistration is in progress',
      });

      clock.advanceBy(299_000);
      expect(elb.targets(world.green).map((t) => t.state)).toEqual(['draining']);
      clock.advanceBy(1_000);
      const gone = await world.client.send(new DescribeTargetHealthCommand({ TargetGroupArn: world.green }));
      expect(gone.TargetHealthDescriptions).toEqual([]);
    });

    it('accepts deregistering a target that is not registered, changing nothing', async () => {
      const before = elb.targets(world.blue);
      await world.client.send(
        new DeregisterTargetsCommand({ TargetGroupArn: world.blue, Targets: [{ Id: '10.8.8.8' }] }),
      );
      expect(elb.targets(world.blue)).toEqual(before);
    });
  });
});
