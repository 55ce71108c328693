// The production Elbv2TrafficRouter, unchanged, against the local ELBv2: the weights it sets on a
// rule or a listener's default action are the ones it reads back, the ones the simulated world
// sees and the ones DescribeRules answers; a missing ARN is ResourceNotFound.

import { describe, expect, it } from 'vitest';
import { ruleArn } from '../../local/aws/elbv2.js';
import { Elbv2TrafficRouter } from '../../shared/aws/elbv2-traffic-router.js';
import { ResourceNotFound } from '../../shared/aws/errors.js';
import { ARN_ID, failure, useElbv2World } from '../support/elbv2-fixture.js';

describe('LocalElbv2 through the AWS SDK', () => {
  const world = useElbv2World();
  const { elb, rule, ruleActions } = world;

  describe('the production Elbv2TrafficRouter', () => {
    const router = () => new Elbv2TrafficRouter(world.client);

    it('sets weights on a rule and reads the same weights back', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      const weights = [
        { targetGroupArn: world.blue, weight: 80 },
        { targetGroupArn: world.green, weight: 20 },
      ];

      await router().setWeights(arn, weights);

      await expect(router().weights(arn)).resolves.toEqual(weights);
      expect(elb.forwardWeights(arn)).toEqual(weights);
      expect(await ruleActions(arn)).toEqual([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: world.blue, Weight: 80 },
              { TargetGroupArn: world.green, Weight: 20 },
            ],
            TargetGroupStickinessConfig: { Enabled: false },
          },
        },
      ]);
    });

    it('reads a single-target-group forward as weight 1', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: world.green }]);
      await expect(router().weights(arn)).resolves.toEqual([{ targetGroupArn: world.green, weight: 1 }]);
    });

    it("sets weights on a listener's default action and reads them back", async () => {
      const weights = [
        { targetGroupArn: world.blue, weight: 30 },
        { targetGroupArn: world.green, weight: 70 },
      ];

      await router().setWeights(world.listener, weights);

      await expect(router().weights(world.listener)).resolves.toEqual(weights);
      expect(elb.forwardWeights(world.listener)).toEqual(weights);
      expect(elb.forwardWeights(ruleArn(world.listener, 'default'))).toEqual(weights);
    });

    it('throws ResourceNotFound, naming the ARN, for a missing rule or listener', async () => {
      const missingRule = ruleArn(world.listener, 49_999);
      const ruleError = await failure(
        router().setWeights(missingRule, [{ targetGroupArn: world.blue, weight: 1 }]),
      );
      expect(ruleError).toBeInstanceOf(ResourceNotFound);
      expect(ruleError.message).toContain(missingRule);

      const missingListener = world.listener.replace(ARN_ID, '0000000000000000');
      const listenerError = await failure(router().weights(missingListener));
      expect(listenerError).toBeInstanceOf(ResourceNotFound);
      expect(listenerError.message).toContain(missingListener);
    });
  });
});
