// Contract tests of Elbv2RouteRules against moto_server: the header-routed step's rule created on
// a listener with a production rule's conditions and a header's, found at its priority with what
// it forwards to, and deleted (twice, the second a no-op). The local cloud's load balancer, which
// routes by those conditions, is tested end to end in test/local/header-step.test.ts.

import {
  CreateRuleCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { routeCondition } from '../../shared/domain/header-step.js';
import { Elbv2RouteRules } from '../../shared/aws/elbv2-route-rules.js';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import { emulatorClientConfig, motoAvailable, startMoto, type Emulator } from '../../harness/emulators.js';
import { motoLoadBalancer } from '../support/moto-elbv2.js';

describe.skipIf(!motoAvailable())('Elbv2RouteRules against moto_server', () => {
  let moto: Emulator;
  let elb: ElasticLoadBalancingV2Client;
  let routes: Elbv2RouteRules;
  let listenerArn: string;
  let production: string;
  let green: string;

  beforeAll(async () => {
    moto = await startMoto();
    elb = new ElasticLoadBalancingV2Client(emulatorClientConfig(moto.endpoint));
    routes = new Elbv2RouteRules(elb);
    const balancer = await motoLoadBalancer(moto.endpoint, elb, 'shop');
    listenerArn = balancer.listenerArn;
    green = await balancer.targetGroup('shop-green');
    const rule = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: 30,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/shop/*'] } }],
        Actions: [{ Type: 'forward', TargetGroupArn: balancer.firstGroup }],
      }),
    );
    production = rule.Rules?.[0]?.RuleArn ?? '';
  });

  afterAll(async () => {
    elb?.destroy();
    await moto?.stop();
  });

  it("describes a rule's priority and conditions, as they can be sent back; a listener has neither", async () => {
    expect(await routes.describe(production)).toEqual({
      priority: 30,
      conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/shop/*'] } }],
    });
    expect(await routes.describe(listenerArn)).toEqual({ priority: null, conditions: [] });
  });

  it('creates the rule, finds it at its priority with what it forwards to, and deletes it once', async () => {
    const { conditions } = await routes.describe(production);
    const cookie = routeCondition({ cookie: 'canary', value: 'always', seconds: 60, rulePriority: 5 });
    const ruleArn = await routes.create(
      listenerArn,
      5,
      [...conditions, cookie],
      [{ targetGroupArn: green, weight: 1 }],
    );
    const described = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    expect(described.Rules?.[0]?.Conditions).toEqual([
      expect.objectContaining({ Field: 'path-pattern', PathPatternConfig: { Values: ['/shop/*'] } }),
      expect.objectContaining({ Field: 'http-header', HttpHeaderConfig: cookie.HttpHeaderConfig }),
    ]);
    expect(await routes.at(listenerArn, 5)).toMatchObject({
      ruleArn,
      priority: 5,
      forwardsTo: [{ targetGroupArn: green, weight: 1 }],
    });
    expect(await routes.at(listenerArn, 6)).toBeNull();
    await routes.remove(ruleArn);
    await routes.remove(ruleArn);
    expect(await routes.at(listenerArn, 5)).toBeNull();
  });

  it('names a rule that does not exist', async () => {
    await expect(routes.describe(`${production.slice(0, -4)}0000`)).rejects.toBeInstanceOf(ResourceNotFound);
  });
});
