// The local ELBv2's load balancers, target groups and listeners over the real wire protocol: a real
// ElasticLoadBalancingV2Client against createAwsServer, each operation's answer and its errors.
// The tests in each block build on the ones before them (the listener on port 8081 and the load
// balancer `other` come after the checks that count listeners and load balancers).

import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2ServiceException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { listenerArn, loadBalancerArn, targetGroupArn } from '../../local/aws/elbv2.js';
import { failure, firstListener, scope, useElbv2World } from '../support/elbv2-fixture.js';

describe('LocalElbv2 through the AWS SDK', () => {
  const world = useElbv2World();
  const { clock, targetGroup } = world;

  describe('load balancers', () => {
    it('creates an Application Load Balancer with a deterministic ARN of AWS shape', async () => {
      expect(world.lb).toBe(loadBalancerArn(scope, 'web'));
      expect(world.lb).toMatch(
        /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/web\/[0-9a-f]{16}$/,
      );
      const [described] = (
        await world.client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [world.lb] }))
      ).LoadBalancers!;
      expect(described).toMatchObject({
        LoadBalancerName: 'web',
        Scheme: 'internal',
        Type: 'application',
        State: { Code: 'active' },
        IpAddressType: 'ipv4',
        CanonicalHostedZoneId: 'Z35SXDOTRQ7X7K',
        AvailabilityZones: [
          { ZoneName: 'us-east-1a', SubnetId: 'subnet-0aaa' },
          { ZoneName: 'us-east-1b', SubnetId: 'subnet-0bbb' },
        ],
      });
      expect(described?.DNSName).toMatch(/^internal-web-\d+\.us-east-1\.elb\.amazonaws\.com$/);
      expect(described?.VpcId).toMatch(/^vpc-[0-9a-f]{17}$/);
      expect(described?.CreatedTime?.getTime()).toBe(clock.now());
    });

    it('answers a repeated CreateLoadBalancer with the same load balancer, and refuses other settings', async () => {
      const again = await world.client.send(
        new CreateLoadBalancerCommand({
          Name: 'web',
          Subnets: ['subnet-0bbb', 'subnet-0aaa'],
          Scheme: 'internal',
        }),
      );
      expect(again.LoadBalancers?.[0]?.LoadBalancerArn).toBe(world.lb);

      const clash = await failure(
        world.client.send(
          new CreateLoadBalancerCommand({ Name: 'web', Subnets: ['subnet-0aaa', 'subnet-0bbb'] }),
        ),
      );
      expect(clash).toBeInstanceOf(DuplicateLoadBalancerNameException);
      expect(clash.message).toContain("'web'");
    });

    it('refuses a load balancer without two subnets, and a network load balancer, as ValidationError', async () => {
      const oneSubnet = await failure(
        world.client.send(new CreateLoadBalancerCommand({ Name: 'lonely', Subnets: ['subnet-0aaa'] })),
      );
      expect(oneSubnet).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(oneSubnet.name).toBe('ValidationError');
      const network = await failure(
        world.client.send(
          new CreateLoadBalancerCommand({ Name: 'nlb', Type: 'network', Subnets: ['subnet-1', 'subnet-2'] }),
        ),
      );
      expect(network.name).toBe('ValidationError');
    });

    it('describes by name and all, and answers LoadBalancerNotFound for a missing one', async () => {
      const byName = await world.client.send(new DescribeLoadBalancersCommand({ Names: ['web'] }));
      expect(byName.LoadBalancers?.map((l) => l.LoadBalancerArn)).toEqual([world.lb]);
      const all = await world.client.send(new DescribeLoadBalancersCommand({}));
      expect(all.LoadBalancers?.map((l) => l.LoadBalancerName)).toContain('web');

      const missingName = await failure(
        world.client.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })),
      );
      expect(missingName).toBeInstanceOf(LoadBalancerNotFoundException);
      const missingArn = await failure(
        world.client.send(
          new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn(scope, 'nope')] }),
        ),
      );
      expect(missingArn).toBeInstanceOf(LoadBalancerNotFoundException);
    });
  });

  describe('target groups', () => {
    it('creates ip target groups with deterministic ARNs and AWS defaults', async () => {
      expect(world.blue).toBe(targetGroupArn(scope, 'web-blue'));
      const [group] = (
        await world.client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [world.green] }))
      ).TargetGroups!;
      expect(group).toEqual({
        TargetGroupArn: world.green,
        TargetGroupName: 'web-green',
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: 'vpc-0a1b2c3d',
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: 'traffic-port',
        HealthCheckEnabled: true,
        HealthCheckIntervalSeconds: 30,
        HealthCheckTimeoutSeconds: 5,
        HealthyThresholdCount: 5,
        UnhealthyThresholdCount: 2,
        HealthCheckPath: '/',
        Matcher: { HttpCode: '200' },
        LoadBalancerArns: expect.any(Array),
        TargetType: 'ip',
        ProtocolVersion: 'HTTP1',
        IpAddressType: 'ipv4',
      });
    });

    it('answers a repeated CreateTargetGroup with the same group, and refuses other settings', async () => {
      expect(await targetGroup('web-blue')).toBe(world.blue);
      const clash = await failure(targetGroup('web-blue', 9090));
      expect(clash).toBeInstanceOf(DuplicateTargetGroupNameException);
    });

    it('refuses target types other than ip as ValidationError', async () => {
      const error = await failure(
        world.client.send(
          new CreateTargetGroupCommand({ Name: 'instances', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1' }),
        ),
      );
      expect(error.name).toBe('ValidationError');
      expect(error.message).toContain('TargetType=ip');
    });

    it('lists a group under the load balancer whose listener forwards to it', async () => {
      const byLb = await world.client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: world.lb }));
      expect(byLb.TargetGroups?.map((g) => g.TargetGroupArn)).toContain(world.blue);
      const [described] = (await world.client.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] })))
        .TargetGroups!;
      expect(described?.LoadBalancerArns).toEqual([world.lb]);
    });

    it('answers TargetGroupNotFound for a missing name or ARN', async () => {
      const byName = await failure(world.client.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })));
      expect(byName).toBeInstanceOf(TargetGroupNotFoundException);
      const byArn = await failure(
        world.client.send(
          new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn(scope, 'nope')] }),
        ),
      );
      expect(byArn).toBeInstanceOf(TargetGroupNotFoundException);
    });
  });

  describe('listeners', () => {
    it('creates an HTTP listener whose forward action reads back the way AWS returns it', async () => {
      expect(world.listener).toBe(listenerArn(world.lb, 80));
      expect(world.listener).toMatch(/:listener\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
      const [described] = (
        await world.client.send(new DescribeListenersCommand({ ListenerArns: [world.listener] }))
      ).Listeners!;
      expect(described).toMatchObject({ LoadBalancerArn: world.lb, Port: 80, Protocol: 'HTTP' });
      expect(described?.DefaultActions).toEqual([
        {
          Type: 'forward',
          TargetGroupArn: world.blue,
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: world.blue, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ]);
    });

    it('answers a repeated CreateListener with the same listener, and refuses other actions on the port', async () => {
      const again = await world.client.send(new CreateListenerCommand(firstListener(world)));
      expect(again.Listeners?.[0]?.ListenerArn).toBe(world.listener);
      const clash = await failure(
        world.client.send(
          new CreateListenerCommand({
            LoadBalancerArn: world.lb,
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
          }),
        ),
      );
      expect(clash).toBeInstanceOf(DuplicateListenerException);
    });

    it('describes the listeners of a load balancer, and answers ListenerNotFound or LoadBalancerNotFound', async () => {
      const byLb = await world.client.send(new DescribeListenersCommand({ LoadBalancerArn: world.lb }));
      expect(byLb.Listeners?.map((l) => l.ListenerArn)).toEqual([world.listener]);
      const missing = await failure(
        world.client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn(world.lb, 8443)] })),
      );
      expect(missing).toBeInstanceOf(ListenerNotFoundException);
      const noLb = await failure(
        world.client.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn(scope, 'nope') })),
      );
      expect(noLb).toBeInstanceOf(LoadBalancerNotFoundException);
    });

    it('modifies the default actions', async () => {
      const other = await world.client.send(
        new CreateListenerCommand({
          LoadBalancerArn: world.lb,
          Protocol: 'HTTP',
          Port: 8081,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      );
      const arn = other.Listeners?.[0]?.ListenerArn ?? '';
      const modified = await world.client.send(
        new ModifyListenerCommand({
          ListenerArn: arn,
          DefaultActions: [{ Type: 'redirect', RedirectConfig: { StatusCode: 'HTTP_301', Path: '/moved' } }],
        }),
      );
      expect(modified.Listeners?.[0]?.DefaultActions).toEqual([
        {
          Type: 'redirect',
          RedirectConfig: {
            Protocol: '#{protocol}',
            Port: '#{port}',
            Host: '#{host}',
            Path: '/moved',
            Query: '#{query}',
            StatusCode: 'HTTP_301',
          },
        },
      ]);
    });

    it('refuses a target group already used by another load balancer', async () => {
      const otherLb = await world.client.send(
        new CreateLoadBalancerCommand({ Name: 'other', Subnets: ['subnet-0aaa', 'subnet-0bbb'] }),
      );
      const error = await failure(
        world.client.send(
          new CreateListenerCommand({
            LoadBalancerArn: otherLb.LoadBalancers?.[0]?.LoadBalancerArn,
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [{ Type: 'forward', TargetGroupArn: world.blue }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(TargetGroupAssociationLimitException);
    });
  });
});
