// The local ELBv2 over its real wire protocol: a real ElasticLoadBalancingV2Client against
// createAwsServer, every operation's answer and error, the production Elbv2TrafficRouter unchanged,
// the simulator methods, and a snapshot/restore round trip.

import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DeleteRuleCommand,
  DeregisterTargetsCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  DuplicateListenerException,
  DuplicateLoadBalancerNameException,
  DuplicateTargetGroupNameException,
  ElasticLoadBalancingV2Client,
  ElasticLoadBalancingV2ServiceException,
  InvalidTargetException,
  ListenerNotFoundException,
  LoadBalancerNotFoundException,
  ModifyListenerCommand,
  ModifyRuleCommand,
  OperationNotPermittedException,
  PriorityInUseException,
  RegisterTargetsCommand,
  RuleNotFoundException,
  TargetGroupAssociationLimitException,
  TargetGroupNotFoundException,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import {
  ELBV2_API_VERSION,
  ELBV2_NAMESPACE,
  LocalElbv2,
  listenerArn,
  loadBalancerArn,
  loadBalancerDimension,
  ruleArn,
  targetGroupArn,
  targetGroupDimension,
  type ActionChange,
} from '../../local/aws/elbv2.js';
import { createAwsServer } from '../../local/aws/server.js';
import { Elbv2TrafficRouter } from '../../shared/aws/elbv2-traffic-router.js';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import { emulatorClientConfig, freePort } from '../../harness/emulators.js';

const scope = { region: 'us-east-1', account: '000000000000' };
const ARN_ID = /[0-9a-f]{16}$/;

async function serve(elb: LocalElbv2): Promise<{ server: Server; client: ElasticLoadBalancingV2Client }> {
  const server = createAwsServer({
    json: {},
    query: { [ELBV2_API_VERSION]: { service: elb.service, namespace: ELBV2_NAMESPACE } },
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    server,
    client: new ElasticLoadBalancingV2Client(emulatorClientConfig(`http://127.0.0.1:${port}`)),
  };
}

async function stop(server: Server, client: ElasticLoadBalancingV2Client): Promise<void> {
  client.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** The error a promise rejects with (fails the test if it resolves). */
async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(Error);
  return outcome as Error;
}

describe('LocalElbv2 through the AWS SDK', () => {
  const clock = new ManualClock();
  const elb = new LocalElbv2({ ...scope, clock });
  let server: Server;
  let client: ElasticLoadBalancingV2Client;
  let lb: string;
  let listener: string;
  let blue: string;
  let green: string;
  let priority = 0;

  const targetGroup = async (name: string, port = 8080) => {
    const output = await client.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: port,
        VpcId: 'vpc-0a1b2c3d',
        TargetType: 'ip',
      }),
    );
    return output.TargetGroups?.[0]?.TargetGroupArn ?? '';
  };

  /** A rule of its own for each case, at the next priority. */
  const rule = async (actions: Action[]) => {
    priority += 1;
    const output = await client.send(
      new CreateRuleCommand({
        ListenerArn: listener,
        Priority: priority,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/case-${priority}/*`] } }],
        Actions: actions,
      }),
    );
    return output.Rules?.[0]?.RuleArn ?? '';
  };

  const ruleActions = async (arn: string) =>
    (await client.send(new DescribeRulesCommand({ RuleArns: [arn] }))).Rules?.[0]?.Actions ?? [];

  beforeAll(async () => {
    ({ server, client } = await serve(elb));
    const created = await client.send(
      new CreateLoadBalancerCommand({
        Name: 'web',
        Subnets: ['subnet-0aaa', 'subnet-0bbb'],
        Scheme: 'internal',
      }),
    );
    lb = created.LoadBalancers?.[0]?.LoadBalancerArn ?? '';
    blue = await targetGroup('web-blue');
    green = await targetGroup('web-green');
    const output = await client.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
      }),
    );
    listener = output.Listeners?.[0]?.ListenerArn ?? '';
  });

  afterAll(() => stop(server, client));

  describe('load balancers', () => {
    it('creates an Application Load Balancer with a deterministic ARN of AWS shape', async () => {
      expect(lb).toBe(loadBalancerArn(scope, 'web'));
      expect(lb).toMatch(
        /^arn:aws:elasticloadbalancing:us-east-1:000000000000:loadbalancer\/app\/web\/[0-9a-f]{16}$/,
      );
      const [described] = (await client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [lb] })))
        .LoadBalancers!;
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
      const again = await client.send(
        new CreateLoadBalancerCommand({
          Name: 'web',
          Subnets: ['subnet-0bbb', 'subnet-0aaa'],
          Scheme: 'internal',
        }),
      );
      expect(again.LoadBalancers?.[0]?.LoadBalancerArn).toBe(lb);

      const clash = await failure(
        client.send(new CreateLoadBalancerCommand({ Name: 'web', Subnets: ['subnet-0aaa', 'subnet-0bbb'] })),
      );
      expect(clash).toBeInstanceOf(DuplicateLoadBalancerNameException);
      expect(clash.message).toContain("'web'");
    });

    it('refuses a load balancer without two subnets, and a network load balancer, as ValidationError', async () => {
      const oneSubnet = await failure(
        client.send(new CreateLoadBalancerCommand({ Name: 'lonely', Subnets: ['subnet-0aaa'] })),
      );
      expect(oneSubnet).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(oneSubnet.name).toBe('ValidationError');
      const network = await failure(
        client.send(
          new CreateLoadBalancerCommand({ Name: 'nlb', Type: 'network', Subnets: ['subnet-1', 'subnet-2'] }),
        ),
      );
      expect(network.name).toBe('ValidationError');
    });

    it('describes by name and all, and answers LoadBalancerNotFound for a missing one', async () => {
      const byName = await client.send(new DescribeLoadBalancersCommand({ Names: ['web'] }));
      expect(byName.LoadBalancers?.map((l) => l.LoadBalancerArn)).toEqual([lb]);
      const all = await client.send(new DescribeLoadBalancersCommand({}));
      expect(all.LoadBalancers?.map((l) => l.LoadBalancerName)).toContain('web');

      const missingName = await failure(client.send(new DescribeLoadBalancersCommand({ Names: ['nope'] })));
      expect(missingName).toBeInstanceOf(LoadBalancerNotFoundException);
      const missingArn = await failure(
        client.send(new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArn(scope, 'nope')] })),
      );
      expect(missingArn).toBeInstanceOf(LoadBalancerNotFoundException);
    });
  });

  describe('target groups', () => {
    it('creates ip target groups with deterministic ARNs and AWS defaults', async () => {
      expect(blue).toBe(targetGroupArn(scope, 'web-blue'));
      const [group] = (await client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [green] })))
        .TargetGroups!;
      expect(group).toEqual({
        TargetGroupArn: green,
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
      expect(await targetGroup('web-blue')).toBe(blue);
      const clash = await failure(targetGroup('web-blue', 9090));
      expect(clash).toBeInstanceOf(DuplicateTargetGroupNameException);
    });

    it('refuses target types other than ip as ValidationError', async () => {
      const error = await failure(
        client.send(
          new CreateTargetGroupCommand({ Name: 'instances', Protocol: 'HTTP', Port: 80, VpcId: 'vpc-1' }),
        ),
      );
      expect(error.name).toBe('ValidationError');
      expect(error.message).toContain('TargetType=ip');
    });

    it('lists a group under the load balancer whose listener forwards to it', async () => {
      const byLb = await client.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: lb }));
      expect(byLb.TargetGroups?.map((g) => g.TargetGroupArn)).toContain(blue);
      const [described] = (await client.send(new DescribeTargetGroupsCommand({ Names: ['web-blue'] })))
        .TargetGroups!;
      expect(described?.LoadBalancerArns).toEqual([lb]);
    });

    it('answers TargetGroupNotFound for a missing name or ARN', async () => {
      const byName = await failure(client.send(new DescribeTargetGroupsCommand({ Names: ['nope'] })));
      expect(byName).toBeInstanceOf(TargetGroupNotFoundException);
      const byArn = await failure(
        client.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [targetGroupArn(scope, 'nope')] })),
      );
      expect(byArn).toBeInstanceOf(TargetGroupNotFoundException);
    });
  });

  describe('listeners', () => {
    it('creates an HTTP listener whose forward action reads back the way AWS returns it', async () => {
      expect(listener).toBe(listenerArn(lb, 80));
      expect(listener).toMatch(/:listener\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
      const [described] = (await client.send(new DescribeListenersCommand({ ListenerArns: [listener] })))
        .Listeners!;
      expect(described).toMatchObject({ LoadBalancerArn: lb, Port: 80, Protocol: 'HTTP' });
      expect(described?.DefaultActions).toEqual([
        {
          Type: 'forward',
          TargetGroupArn: blue,
          ForwardConfig: {
            TargetGroups: [{ TargetGroupArn: blue, Weight: 1 }],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ]);
    });

    it('answers a repeated CreateListener with the same listener, and refuses other actions on the port', async () => {
      const again = await client.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: 'HTTP',
          Port: 80,
          DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
        }),
      );
      expect(again.Listeners?.[0]?.ListenerArn).toBe(listener);
      const clash = await failure(
        client.send(
          new CreateListenerCommand({
            LoadBalancerArn: lb,
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
          }),
        ),
      );
      expect(clash).toBeInstanceOf(DuplicateListenerException);
    });

    it('describes the listeners of a load balancer, and answers ListenerNotFound or LoadBalancerNotFound', async () => {
      const byLb = await client.send(new DescribeListenersCommand({ LoadBalancerArn: lb }));
      expect(byLb.Listeners?.map((l) => l.ListenerArn)).toEqual([listener]);
      const missing = await failure(
        client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn(lb, 8443)] })),
      );
      expect(missing).toBeInstanceOf(ListenerNotFoundException);
      const noLb = await failure(
        client.send(new DescribeListenersCommand({ LoadBalancerArn: loadBalancerArn(scope, 'nope') })),
      );
      expect(noLb).toBeInstanceOf(LoadBalancerNotFoundException);
    });

    it('modifies the default actions', async () => {
      const other = await client.send(
        new CreateListenerCommand({
          LoadBalancerArn: lb,
          Protocol: 'HTTP',
          Port: 8081,
          DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }],
        }),
      );
      const arn = other.Listeners?.[0]?.ListenerArn ?? '';
      const modified = await client.send(
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
      const otherLb = await client.send(
        new CreateLoadBalancerCommand({ Name: 'other', Subnets: ['subnet-0aaa', 'subnet-0bbb'] }),
      );
      const error = await failure(
        client.send(
          new CreateListenerCommand({
            LoadBalancerArn: otherLb.LoadBalancers?.[0]?.LoadBalancerArn,
            Protocol: 'HTTP',
            Port: 80,
            DefaultActions: [{ Type: 'forward', TargetGroupArn: blue }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(TargetGroupAssociationLimitException);
    });
  });

  describe('rules', () => {
    it('creates a rule with a weighted forward and deterministic ARN, and reads it back', async () => {
      const arn = await rule([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 90 },
              { TargetGroupArn: green, Weight: 10 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
          },
        },
      ]);
      expect(arn).toBe(ruleArn(listener, priority));
      expect(arn).toMatch(/:listener-rule\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
      const [described] = (await client.send(new DescribeRulesCommand({ RuleArns: [arn] }))).Rules!;
      expect(described).toEqual({
        RuleArn: arn,
        Priority: String(priority),
        IsDefault: false,
        Conditions: [
          {
            Field: 'path-pattern',
            Values: [`/case-${priority}/*`],
            PathPatternConfig: { Values: [`/case-${priority}/*`] },
          },
        ],
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 90 },
                { TargetGroupArn: green, Weight: 10 },
              ],
              TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
            },
          },
        ],
      });
    });

    it('lists a listener’s rules by priority, with the default rule last', async () => {
      await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      const rules = (await client.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? [];
      const priorities = rules.map((r) => r.Priority);
      expect(priorities.at(-1)).toBe('default');
      const numbered = priorities.slice(0, -1).map(Number);
      expect(numbered).toEqual([...numbered].sort((a, b) => a - b));
      expect(rules.at(-1)).toMatchObject({
        RuleArn: ruleArn(listener, 'default'),
        IsDefault: true,
        Conditions: [],
        Actions: [{ Type: 'forward', TargetGroupArn: blue }],
      });
      const byArn = await client.send(new DescribeRulesCommand({ RuleArns: [ruleArn(listener, 'default')] }));
      expect(byArn.Rules?.[0]?.IsDefault).toBe(true);
    });

    it('pages DescribeRules with PageSize and NextMarker', async () => {
      await rule([{ Type: 'forward', TargetGroupArn: green }]);
      const all = (await client.send(new DescribeRulesCommand({ ListenerArn: listener }))).Rules ?? [];
      const paged: string[] = [];
      let marker: string | undefined;
      do {
        const page = await client.send(
          new DescribeRulesCommand({ ListenerArn: listener, PageSize: 2, Marker: marker }),
        );
        expect(page.Rules?.length).toBeLessThanOrEqual(2);
        paged.push(...(page.Rules ?? []).map((r) => r.RuleArn ?? ''));
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect(paged).toEqual(all.map((r) => r.RuleArn));
      expect(all.length).toBeGreaterThan(2);
    });

    it('answers PriorityInUse for a taken priority', async () => {
      await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      const error = await failure(
        client.send(
          new CreateRuleCommand({
            ListenerArn: listener,
            Priority: priority,
            Conditions: [{ Field: 'host-header', Values: ['example.com'] }],
            Actions: [{ Type: 'forward', TargetGroupArn: blue }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(PriorityInUseException);
    });

    it('answers TargetGroupNotFound for a forward to a missing target group', async () => {
      const error = await failure(rule([{ Type: 'forward', TargetGroupArn: targetGroupArn(scope, 'nope') }]));
      expect(error).toBeInstanceOf(TargetGroupNotFoundException);
    });

    it.each([
      ['a weight over 999', [{ TargetGroupArn: 'BLUE', Weight: 1000 }]],
      ['a target group twice', [{ TargetGroupArn: 'BLUE' }, { TargetGroupArn: 'BLUE' }]],
    ])('answers ValidationError for %s', async (_case, groups) => {
      const error = await failure(
        rule([
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: groups.map((g) => ({ ...g, TargetGroupArn: blue })) },
          },
        ]),
      );
      expect(error).toBeInstanceOf(ElasticLoadBalancingV2ServiceException);
      expect(error.name).toBe('ValidationError');
    });

    it('answers ValidationError for more than 5 target groups', async () => {
      const groups = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => targetGroup(`many-${n}`)));
      const error = await failure(
        rule([
          {
            Type: 'forward',
            ForwardConfig: { TargetGroups: groups.map((arn) => ({ TargetGroupArn: arn })) },
          },
        ]),
      );
      expect(error.name).toBe('ValidationError');
      expect(error.message).toContain('at most 5');
    });

    it('answers ValidationError when TargetGroupArn and ForwardConfig disagree', async () => {
      const error = await failure(
        rule([
          {
            Type: 'forward',
            TargetGroupArn: blue,
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: green, Weight: 1 }] },
          },
        ]),
      );
      expect(error.name).toBe('ValidationError');
    });

    it('modifies a rule’s actions and conditions', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      const modified = await client.send(
        new ModifyRuleCommand({
          RuleArn: arn,
          Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } }],
          Actions: [
            { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } },
          ],
        }),
      );
      expect(modified.Rules?.[0]).toMatchObject({
        RuleArn: arn,
        Conditions: [
          {
            Field: 'host-header',
            Values: ['api.example.com'],
            HostHeaderConfig: { Values: ['api.example.com'] },
          },
        ],
        Actions: [
          { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } },
        ],
      });
    });

    it('refuses to modify or delete the default rule (OperationNotPermitted)', async () => {
      const defaultRule = ruleArn(listener, 'default');
      const modify = await failure(
        client.send(
          new ModifyRuleCommand({
            RuleArn: defaultRule,
            Actions: [{ Type: 'forward', TargetGroupArn: green }],
          }),
        ),
      );
      expect(modify).toBeInstanceOf(OperationNotPermittedException);
      expect(modify.message).toContain('ModifyListener');
      const remove = await failure(client.send(new DeleteRuleCommand({ RuleArn: defaultRule })));
      expect(remove).toBeInstanceOf(OperationNotPermittedException);
    });

    it('deletes a rule, after which it is RuleNotFound', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      await client.send(new DeleteRuleCommand({ RuleArn: arn }));
      const describeError = await failure(client.send(new DescribeRulesCommand({ RuleArns: [arn] })));
      expect(describeError).toBeInstanceOf(RuleNotFoundException);
      const deleteError = await failure(client.send(new DeleteRuleCommand({ RuleArn: arn })));
      expect(deleteError).toBeInstanceOf(RuleNotFoundException);
      const modifyError = await failure(
        client.send(
          new ModifyRuleCommand({ RuleArn: arn, Actions: [{ Type: 'forward', TargetGroupArn: blue }] }),
        ),
      );
      expect(modifyError).toBeInstanceOf(RuleNotFoundException);
    });

    it('answers ListenerNotFound for a rule on a missing listener', async () => {
      const error = await failure(
        client.send(
          new CreateRuleCommand({
            ListenerArn: listenerArn(lb, 9999),
            Priority: 1,
            Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
            Actions: [{ Type: 'forward', TargetGroupArn: blue }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(ListenerNotFoundException);
    });
  });

  describe('targets and their health', () => {
    it('registers targets as initial (Elb.RegistrationInProgress), then reports the health the world sets', async () => {
      await client.send(
        new RegisterTargetsCommand({
          TargetGroupArn: blue,
          Targets: [{ Id: '10.0.1.10' }, { Id: '10.0.1.11', Port: 8081 }],
        }),
      );
      const registered = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }));
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

      elb.setTargetHealth(blue, '10.0.1.10', 8080, 'healthy');
      elb.setTargetHealth(blue, '10.0.1.11', 8081, 'unhealthy', 'Target.Timeout');
      const checked = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: blue }));
      expect(checked.TargetHealthDescriptions?.map((d) => d.TargetHealth)).toEqual([
        { State: 'healthy' },
        { State: 'unhealthy', Reason: 'Target.Timeout', Description: 'Request timed out' },
      ]);
    });

    it('reports targets of a group no load balancer forwards to as unused (Target.NotInUse)', async () => {
      const idle = await targetGroup('web-idle');
      await client.send(new RegisterTargetsCommand({ TargetGroupArn: idle, Targets: [{ Id: '10.0.2.10' }] }));
      elb.setTargetHealth(idle, '10.0.2.10', 8080, 'healthy');
      const health = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: idle }));
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
      const arn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      expect(elb.loadBalancerOf(late)).toBeUndefined();
      await client.send(
        new ModifyRuleCommand({ RuleArn: arn, Actions: [{ Type: 'forward', TargetGroupArn: late }] }),
      );
      expect(elb.loadBalancerOf(late)).toBe(lb);
      expect(elb.forwardWeights(arn).map((w) => w.targetGroupArn)).toEqual([late]);
      await client.send(new DeleteRuleCommand({ RuleArn: arn }));
      expect(elb.loadBalancerOf(late)).toBeUndefined();
      expect(() => elb.forwardWeights(arn)).toThrow(/not found/);
      expect(elb.loadBalancerOf(blue)).toBe(lb);
    });

    it('reports an asked-for target that is not registered as unused (Target.NotRegistered)', async () => {
      const health = await client.send(
        new DescribeTargetHealthCommand({ TargetGroupArn: blue, Targets: [{ Id: '10.9.9.9', Port: 8080 }] }),
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
        client.send(new RegisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: 'i-0abc' }] })),
      );
      expect(error).toBeInstanceOf(InvalidTargetException);
    });

    it('answers TargetGroupNotFound for targets of a missing group', async () => {
      const error = await failure(
        client.send(
          new RegisterTargetsCommand({
            TargetGroupArn: targetGroupArn(scope, 'nope'),
            Targets: [{ Id: '10.0.0.1' }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(TargetGroupNotFoundException);
    });

    it('drains a deregistered target for the deregistration delay, then forgets it', async () => {
      await client.send(
        new RegisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: '10.0.3.10' }] }),
      );
      await rule([{ Type: 'forward', TargetGroupArn: green }]);
      await client.send(
        new DeregisterTargetsCommand({ TargetGroupArn: green, Targets: [{ Id: '10.0.3.10' }] }),
      );
      const draining = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: green }));
      expect(draining.TargetHealthDescriptions?.[0]?.TargetHealth).toEqual({
        State: 'draining',
        Reason: 'Target.DeregistrationInProgress',
        Description: 'Target deregistration is in progress',
      });

      clock.advanceBy(299_000);
      expect(elb.targets(green).map((t) => t.state)).toEqual(['draining']);
      clock.advanceBy(1_000);
      const gone = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: green }));
      expect(gone.TargetHealthDescriptions).toEqual([]);
    });

    it('accepts deregistering a target that is not registered, changing nothing', async () => {
      const before = elb.targets(blue);
      await client.send(
        new DeregisterTargetsCommand({ TargetGroupArn: blue, Targets: [{ Id: '10.8.8.8' }] }),
      );
      expect(elb.targets(blue)).toEqual(before);
    });
  });

  describe('the production Elbv2TrafficRouter', () => {
    const router = () => new Elbv2TrafficRouter(client);

    it('sets weights on a rule and reads the same weights back', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      const weights = [
        { targetGroupArn: blue, weight: 80 },
        { targetGroupArn: green, weight: 20 },
      ];

      await router().setWeights(arn, weights);

      await expect(router().weights(arn)).resolves.toEqual(weights);
      expect(elb.forwardWeights(arn)).toEqual(weights);
      expect(await ruleActions(arn)).toEqual([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 80 },
              { TargetGroupArn: green, Weight: 20 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ]);
    });

    it('reads a single-target-group forward as weight 1', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: green }]);
      await expect(router().weights(arn)).resolves.toEqual([{ targetGroupArn: green, weight: 1 }]);
    });

    it("sets weights on a listener's default action and reads them back", async () => {
      const weights = [
        { targetGroupArn: blue, weight: 30 },
        { targetGroupArn: green, weight: 70 },
      ];

      await router().setWeights(listener, weights);

      await expect(router().weights(listener)).resolves.toEqual(weights);
      expect(elb.forwardWeights(listener)).toEqual(weights);
      expect(elb.forwardWeights(ruleArn(listener, 'default'))).toEqual(weights);
    });

    it('throws ResourceNotFound, naming the ARN, for a missing rule or listener', async () => {
      const missingRule = ruleArn(listener, 49_999);
      const ruleError = await failure(
        router().setWeights(missingRule, [{ targetGroupArn: blue, weight: 1 }]),
      );
      expect(ruleError).toBeInstanceOf(ResourceNotFound);
      expect(ruleError.message).toContain(missingRule);

      const missingListener = listener.replace(ARN_ID, '0000000000000000');
      const listenerError = await failure(router().weights(missingListener));
      expect(listenerError).toBeInstanceOf(ResourceNotFound);
      expect(listenerError.message).toContain(missingListener);
    });
  });

  describe('the simulated world', () => {
    it('tells onChange listeners the weights after every action change, until they stop listening', async () => {
      const changes: ActionChange[] = [];
      const stopListening = elb.onChange((change) => changes.push(change));
      const arn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      await new Elbv2TrafficRouter(client).setWeights(arn, [
        { targetGroupArn: blue, weight: 50 },
        { targetGroupArn: green, weight: 50 },
      ]);
      await client.send(new DeleteRuleCommand({ RuleArn: arn }));
      stopListening();
      await rule([{ Type: 'forward', TargetGroupArn: blue }]);

      expect(changes).toEqual([
        {
          arn,
          kind: 'rule',
          loadBalancerArn: lb,
          weights: [{ targetGroupArn: blue, weight: 1 }],
          deleted: false,
          at: clock.now(),
        },
        {
          arn,
          kind: 'rule',
          loadBalancerArn: lb,
          weights: [
            { targetGroupArn: blue, weight: 50 },
            { targetGroupArn: green, weight: 50 },
          ],
          deleted: false,
          at: clock.now(),
        },
        { arn, kind: 'rule', loadBalancerArn: lb, weights: [], deleted: true, at: clock.now() },
      ]);
    });

    it('names the load balancer a target group serves, and CloudWatch dimensions', () => {
      expect(elb.loadBalancerOf(blue)).toBe(lb);
      expect(loadBalancerDimension(lb)).toBe(`app/web/${lb.slice(-16)}`);
      expect(targetGroupDimension(blue)).toBe(`targetgroup/web-blue/${blue.slice(-16)}`);
    });

    it('registers and deregisters targets like the API', () => {
      elb.registerTarget(blue, '10.0.4.10');
      expect(elb.targets(blue).find((t) => t.id === '10.0.4.10')).toEqual({
        id: '10.0.4.10',
        port: 8080,
        state: 'initial',
        reason: 'Elb.RegistrationInProgress',
        description: 'Target registration is in progress',
      });
      elb.deregisterTarget(blue, '10.0.4.10');
      expect(elb.targets(blue).find((t) => t.id === '10.0.4.10')?.state).toBe('draining');
      elb.setTargetHealth(blue, '10.0.4.10', 8080, 'healthy');
      expect(elb.targets(blue).find((t) => t.id === '10.0.4.10')?.state).toBe('draining');
      elb.registerTarget(blue, '10.0.4.10');
      expect(elb.targets(blue).find((t) => t.id === '10.0.4.10')?.state).toBe('initial');
    });

    it('refuses health for an unregistered target and a reason of another state', () => {
      expect(() => elb.setTargetHealth(blue, '10.7.7.7', 8080, 'healthy')).toThrow(/not registered/);
      elb.registerTarget(blue, '10.0.5.10');
      expect(() => elb.setTargetHealth(blue, '10.0.5.10', 8080, 'healthy', 'Target.Timeout')).toThrow(
        /belongs to state unhealthy/,
      );
    });

    it('answers RuleNotFound or ListenerNotFound for weights of a missing ARN', () => {
      expect(() => elb.forwardWeights(ruleArn(listener, 48_000))).toThrow(
        expect.objectContaining({ code: 'RuleNotFound' }),
      );
      expect(() => elb.forwardWeights(listenerArn(lb, 1))).toThrow(
        expect.objectContaining({ code: 'ListenerNotFound' }),
      );
    });
  });

  describe('snapshot and restore', () => {
    it('restores every load balancer, listener, rule, target group and target from JSON', async () => {
      const weighted = await rule([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 25 },
              { TargetGroupArn: green, Weight: 75 },
            ],
          },
        },
      ]);
      const snapshot = elb.snapshot();
      const restored = LocalElbv2.restore(JSON.parse(JSON.stringify(snapshot)), { ...scope, clock });

      expect(restored.snapshot()).toEqual(snapshot);
      expect(restored.forwardWeights(weighted)).toEqual([
        { targetGroupArn: blue, weight: 25 },
        { targetGroupArn: green, weight: 75 },
      ]);
      expect(restored.targets(blue)).toEqual(elb.targets(blue));

      const second = await serve(restored);
      try {
        const original = await client.send(new DescribeRulesCommand({ ListenerArn: listener }));
        const copy = await second.client.send(new DescribeRulesCommand({ ListenerArn: listener }));
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
        expect(recreated.TargetGroups?.[0]?.TargetGroupArn).toBe(blue);
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
