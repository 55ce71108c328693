// The local ELBv2's simulated world, below its API: onChange listeners, the load balancer a target
// group serves and its CloudWatch dimensions, targets registered and their health set by hand,
// and a snapshot/restore round trip of everything the world holds (made before it, in its block).

import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeregisterTargetsCommand,
  DescribeRulesCommand,
  ModifyRuleCommand,
  RegisterTargetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  LocalElbv2,
  listenerArn,
  loadBalancerDimension,
  ruleArn,
  targetGroupDimension,
  type ActionChange,
} from '../../local/aws/elbv2.js';
import { Elbv2TrafficRouter } from '../../shared/aws/elbv2-traffic-router.js';
import { scope, serve, stop, useElbv2World } from '../support/elbv2-fixture.js';

describe('LocalElbv2 through the AWS SDK', () => {
  const world = useElbv2World();
  const { clock, elb, rule } = world;

  describe('the simulated world', () => {
    it('tells onChange listeners the weights after every action change, until they stop listening', async () => {
      const changes: ActionChange[] = [];
      const stopListening = elb.onChange((change) => changes.push(change));
      const arn = await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      await new Elbv2TrafficRouter(world.client).setWeights(arn, [
        { targetGroupArn: world.blue, weight: 50 },
        { targetGroupArn: world.green, weight: 50 },
      ]);
      await world.client.send(new DeleteRuleCommand({ RuleArn: arn }));
      stopListening();
      await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);

      expect(changes).toEqual([
        {
          arn,
          kind: 'rule',
          loadBalancerArn: world.lb,
          weights: [{ targetGroupArn: world.blue, weight: 1 }],
          deleted: false,
          at: clock.now(),
        },
        {
          arn,
          kind: 'rule',
          loadBalancerArn: world.lb,
          weights: [
            { targetGroupArn: world.blue, weight: 50 },
            { targetGroupArn: world.green, weight: 50 },
          ],
          deleted: false,
          at: clock.now(),
        },
        { arn, kind: 'rule', loadBalancerArn: world.lb, weights: [], deleted: true, at: clock.now() },
      ]);
    });

    it('names the load balancer a target group serves, and CloudWatch dimensions', () => {
      expect(elb.loadBalancerOf(world.blue)).toBe(world.lb);
      expect(loadBalancerDimension(world.lb)).toBe(`app/web/${world.lb.slice(-16)}`);
      expect(targetGroupDimension(world.blue)).toBe(`targetgroup/web-blue/${world.blue.slice(-16)}`);
    });

    it('registers and deregisters targets like the API', () => {
      elb.registerTarget(world.blue, '10.0.4.10');
      expect(elb.targets(world.blue).find((t) => t.id === '10.0.4.10')).toEqual({
        id: '10.0.4.10',
        port: 8080,
        state: 'initial',
        reason: 'Elb.RegistrationInProgress',
        description: 'Target registration is in progress',
      });
      elb.deregisterTarget(world.blue, '10.0.4.10');
      expect(elb.targets(world.blue).find((t) => t.id === '10.0.4.10')?.state).toBe('draining');
      elb.setTargetHealth(world.blue, '10.0.4.10', 8080, 'healthy');
      expect(elb.targets(world.blue).find((t) => t.id === '10.0.4.10')?.state).toBe('draining');
      elb.registerTarget(world.blue, '10.0.4.10');
      expect(elb.targets(world.blue).find((t) => t.id === '10.0.4.10')?.state).toBe('initial');
    });

    it('refuses health for an unregistered target and a reason of another state', () => {
      expect(() => elb.setTargetHealth(world.blue, '10.7.7.7', 8080, 'healthy')).toThrow(/not registered/);
      elb.registerTarget(world.blue, '10.0.5.10');
      expect(() => elb.setTargetHealth(world.blue, '10.0.5.10', 8080, 'healthy', 'Target.Timeout')).toThrow(
        /belongs to state unhealthy/,
      );
    });

    it('answers RuleNotFound or ListenerNotFound for weights of a missing ARN', () => {
      expect(() => elb.forwardWeights(ruleArn(world.listener, 48_000))).toThrow(
        expect.objectContaining({ code: 'RuleNotFound' }),
      );
      expect(() => elb.forwardWeights(listenerArn(world.lb, 1))).toThrow(
        expect.objectContaining({ code: 'ListenerNotFound' }),
      );
    });
  });

  describe('snapshot and restore', () => {
    // A world with one of everything a snapshot holds, so the round trip has something to lose:
    // a second load balancer and listener, non-forward actions and conditions, weighted default
    // actions, and targets in every state the simulated world keeps.
    beforeAll(async () => {
      const { client, lb, blue, green } = world;
      await client.send(
        new CreateLoadBalancerCommand({ Name: 'other', Subnets: ['subnet-0aaa', 'subnet-0bbb'] }),
      );
      await client.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: 'HTTP',
          Port: 8081,
          DefaultActions: [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Path: '/moved' } }],
        }),
      );
      await new Elbv2TrafficRouter(client).setWeights(world.listener, [
        { targetGroupArn: blue, weight: 30 },
        { targetGroupArn: green, weight: 70 },
      ]);
      await rule([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: green, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
          },
        },
      ]);
      await client.send(
        new ModifyRuleCommand({
          RuleArn: await rule([{ Type: 'forward', TargetGroupArn: blue }]),
          Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }],
          Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503' } }],
        }),
      );
      await client.send(
        new RegisterTargetsCommand({
          TargetGroupArn: blue,
          Targets: [{ Id: '10.0.1.10' }, { Id: '10.0.1.11', Port: 8081 }],
        }),
      );
      elb.setTargetHealth(blue, '10.0.1.10', 8080, 'healthy');
      elb.setTargetHealth(blue, '10.0.1.11', 8081, 'unhealthy', 'Target.Timeout');
      const idle = await world.targetGroup('web-idle');
      await client.send(new RegisterTargetsCommand({ TargetGroupArn: idle, Targets: [{ Id: '10.0.2.10' }] }));
      await client.send(
        new RegisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: '10.0.3.10' }] }),
      );
      await client.send(
        new DeregisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: '10.0.3.10' }] }),
      );
      expect(elb.targets(green).map((t) => t.state)).toEqual(['draining']);
    });

    it('restores every load balancer, listener, rule, target group and target from JSON', async () => {
      const weighted = await rule([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: world.blue, Weight: 25 },
              { TargetGroupArn: world.green, Weight: 75 },
            ],
          },
        },
      ]);
      const snapshot = elb.snapshot();
      const restored = LocalElbv2.restore(JSON.parse(JSON.stringify(snapshot)), { ...scope, clock });

      expect(restored.snapshot()).toEqual(snapshot);
      expect(restored.forwardWeights(weighted)).toEqual([
        { targetGroupArn: world.blue, weight: 25 },
        { targetGroupArn: world.green, weight: 75 },
      ]);
      expect(restored.targets(world.blue)).toEqual(elb.targets(world.blue));

      const second = await serve(restored);
      try {
        const original = await world.client.send(new DescribeRulesCommand({ ListenerArn: world.listener }));
        const copy = await second.client.send(new DescribeRulesCommand({ ListenerArn: world.listener }));
        expect(copy.Rules).toEqual(original.Rules);
        const recreated = await second.client.send(
          new CreateTargetGroupCommand({
            Name: 'web-blue',
            Protocol: 'HTTP',
            Port: 8080,
            VpcId: 'vpc-0a1b2c3d',
            TargetType: 'ip',
          }),
        );
        expect(recreated.TargetGroups?.[0]?.TargetGroupArn).toBe(world.blue);
      } finally {
        await stop(second.server, second.client);
      }
    });

    it('refuses a snapshot of another account, and one that is not a snapshot', () => {
      const snapshot = elb.snapshot();
      expect(() => LocalElbv2.restore(snapshot, { region: 'us-east-1', account: '123456789012' })).toThrow(
        /not in us-east-1 of account 123456789012/,
      );
      expect(() => LocalElbv2.restore({ version: 2 }, scope)).toThrow(/not a local ELBv2 snapshot/);
    });
  });
});
