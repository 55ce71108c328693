// Contract tests of Elbv2TrafficRouter against moto_server: an Application Load Balancer with a
// listener, listener rules and two target groups; weights are written through the adapter and
// read back through the SDK.

import {
  CreateRuleCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
  type Action,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Elbv2TrafficRouter } from '../../shared/aws/elbv2-traffic-router.js';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import { emulatorClientConfig, motoAvailable, startMoto, type Emulator } from '../../harness/emulators.js';
import { motoLoadBalancer } from '../support/moto-elbv2.js';

describe.skipIf(!motoAvailable())('Elbv2TrafficRouter against moto_server', () => {
  let moto: Emulator;
  let elb: ElasticLoadBalancingV2Client;
  let router: Elbv2TrafficRouter;
  let listenerArn: string;
  let blue: string;
  let green: string;
  let priority = 0;

  beforeAll(async () => {
    moto = await startMoto();
    elb = new ElasticLoadBalancingV2Client(emulatorClientConfig(moto.endpoint));
    router = new Elbv2TrafficRouter(elb);
    const balancer = await motoLoadBalancer(moto.endpoint, elb, 'web');
    ({ listenerArn, firstGroup: blue } = balancer);
    green = await balancer.targetGroup('web-green');
  });

  afterAll(async () => {
    elb?.destroy();
    await moto?.stop();
  });

  /** A production listener rule of its own for each case, created with these actions. */
  async function rule(actions: Action[]): Promise<string> {
    priority += 1;
    const output = await elb.send(
      new CreateRuleCommand({
        ListenerArn: listenerArn,
        Priority: priority,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [`/case-${priority}/*`] } }],
        Actions: actions,
      }),
    );
    return output.Rules?.[0]?.RuleArn ?? '';
  }

  async function ruleActions(ruleArn: string): Promise<Action[]> {
    const output = await elb.send(new DescribeRulesCommand({ RuleArns: [ruleArn] }));
    return output.Rules?.[0]?.Actions ?? [];
  }

  async function listenerActions(): Promise<Action[]> {
    const output = await elb.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
    return output.Listeners?.[0]?.DefaultActions ?? [];
  }

  describe('setWeights', () => {
    it("writes one weighted forward action to a rule, keeping the forward action's stickiness", async () => {
      const ruleArn = await rule([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: blue, Weight: 100 },
              { TargetGroupArn: green, Weight: 0 },
            ],
            TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
          },
        },
      ]);

      await router.setWeights(ruleArn, [
        { targetGroupArn: blue, weight: 90 },
        { targetGroupArn: green, weight: 10 },
      ]);

      const actions = await ruleActions(ruleArn);
      expect(actions).toHaveLength(1);
      expect(actions[0]).toMatchObject({
        Type: 'forward',
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: blue, Weight: 90 },
            { TargetGroupArn: green, Weight: 10 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
        },
      });
    });

    it('turns a rule that forwards to a single target group into a weighted forward', async () => {
      const ruleArn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);

      await router.setWeights(ruleArn, [
        { targetGroupArn: blue, weight: 50 },
        { targetGroupArn: green, weight: 50 },
      ]);

      expect((await ruleActions(ruleArn))[0]?.ForwardConfig?.TargetGroups).toEqual([
        { TargetGroupArn: blue, Weight: 50 },
        { TargetGroupArn: green, Weight: 50 },
      ]);
    });

    it('keeps an authentication action in front of the forward action', async () => {
      const ruleArn = await rule([
        {
          Type: 'authenticate-oidc',
          Order: 1,
          AuthenticateOidcConfig: {
            Issuer: 'https://idp.example.com',
            AuthorizationEndpoint: 'https://idp.example.com/authorize',
            TokenEndpoint: 'https://idp.example.com/token',
            UserInfoEndpoint: 'https://idp.example.com/userinfo',
            ClientId: 'cutover',
            ClientSecret: 'not-returned-by-aws',
          },
        },
        { Type: 'forward', Order: 2, TargetGroupArn: blue },
      ]);

      await router.setWeights(ruleArn, [
        { targetGroupArn: blue, weight: 0 },
        { targetGroupArn: green, weight: 100 },
      ]);

      const actions = await ruleActions(ruleArn);
      expect(actions.map((action) => [action.Type, action.Order])).toEqual([
        ['authenticate-oidc', 1],
        ['forward', 2],
      ]);
      expect(actions[0]?.AuthenticateOidcConfig).toMatchObject({
        Issuer: 'https://idp.example.com',
        ClientId: 'cutover',
      });
      expect(actions[1]?.ForwardConfig?.TargetGroups).toEqual([
        { TargetGroupArn: blue, Weight: 0 },
        { TargetGroupArn: green, Weight: 100 },
      ]);
    });

    it("writes a listener's default action, leaving its rules alone", async () => {
      const ruleArn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);

      await router.setWeights(listenerArn, [
        { targetGroupArn: blue, weight: 30 },
        { targetGroupArn: green, weight: 70 },
      ]);

      const defaults = await listenerActions();
      expect(defaults).toHaveLength(1);
      expect(defaults[0]?.ForwardConfig?.TargetGroups).toEqual([
        { TargetGroupArn: blue, Weight: 30 },
        { TargetGroupArn: green, Weight: 70 },
      ]);
      await expect(router.weights(listenerArn)).resolves.toEqual([
        { targetGroupArn: blue, weight: 30 },
        { targetGroupArn: green, weight: 70 },
      ]);
      expect(await router.weights(ruleArn)).toEqual([{ targetGroupArn: blue, weight: 1 }]);
    });

    it('throws ResourceNotFound, naming the ARN, for a rule that does not exist', async () => {
      const ruleArn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      const missing = ruleArn.replace(/[0-9a-f]+$/, '0000000000000000');

      const error = await router
        .setWeights(missing, [{ targetGroupArn: blue, weight: 1 }])
        .catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ResourceNotFound);
      expect((error as Error).message).toContain(missing);
    });
  });

  describe('weights', () => {
    it('reads back the weights setWeights wrote', async () => {
      const ruleArn = await rule([{ Type: 'forward', TargetGroupArn: blue }]);
      const weights = [
        { targetGroupArn: blue, weight: 80 },
        { targetGroupArn: green, weight: 20 },
      ];

      await router.setWeights(ruleArn, weights);

      await expect(router.weights(ruleArn)).resolves.toEqual(weights);
    });

    it('reports a rule that forwards to a single target group as weight 1', async () => {
      const ruleArn = await rule([{ Type: 'forward', TargetGroupArn: green }]);

      await expect(router.weights(ruleArn)).resolves.toEqual([{ targetGroupArn: green, weight: 1 }]);
    });

    it('reports target groups forwarded to without an explicit weight as weight 1', async () => {
      const ruleArn = await rule([
        {
          Type: 'forward',
          ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue }, { TargetGroupArn: green }] },
        },
      ]);

      await expect(router.weights(ruleArn)).resolves.toEqual([
        { targetGroupArn: blue, weight: 1 },
        { targetGroupArn: green, weight: 1 },
      ]);
    });

    it('reports no weights for a rule that does not forward', async () => {
      const ruleArn = await rule([
        { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain' } },
      ]);

      await expect(router.weights(ruleArn)).resolves.toEqual([]);
    });

    it('throws ResourceNotFound, naming the ARN, for a listener that does not exist', async () => {
      const missing = listenerArn.replace(/[0-9a-f]+$/, '0000000000000000');

      const error = await router.weights(missing).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ResourceNotFound);
      expect((error as Error).message).toContain(missing);
    });

    it('throws ResourceNotFound for an ARN that is neither a rule nor a listener', async () => {
      const error = await router.weights(blue).catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(ResourceNotFound);
      expect((error as Error).message).toContain(blue);
    });
  });
});
