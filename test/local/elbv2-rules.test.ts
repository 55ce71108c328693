// The local ELBv2's listener rules over the real wire protocol: creating, listing, paging,
// modifying and deleting them, and every error AWS answers for them. Each test makes its own rule
// at the next priority; the listing and paging tests count on the rules made before them.

import {
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  ElasticLoadBalancingV2ServiceException,
  ListenerNotFoundException,
  ModifyRuleCommand,
  OperationNotPermittedException,
  PriorityInUseException,
  RuleNotFoundException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import { listenerArn, ruleArn, targetGroupArn } from '../../local/aws/elbv2.js';
import { failure, scope, useElbv2World } from '../support/elbv2-fixture.js';

describe('LocalElbv2 through the AWS SDK', () => {
  const world = useElbv2World();
  const { rule, targetGroup } = world;

  describe('rules', () => {
    it('creates a rule with a weighted forward and deterministic ARN, and reads it back', async () => {
      // Read back as it was written.
      const forward = {
        Type: 'forward' as const,
        ForwardConfig: {
          TargetGroups: [
            { TargetGroupArn: world.blue, Weight: 90 },
            { TargetGroupArn: world.green, Weight: 10 },
          ],
          TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 300 },
        },
      };
      const arn = await rule([forward]);
      expect(arn).toBe(ruleArn(world.listener, world.priority));
      expect(arn).toMatch(/:listener-rule\/app\/web\/[0-9a-f]{16}\/[0-9a-f]{16}\/[0-9a-f]{16}$/);
      const [described] = (await world.client.send(new DescribeRulesCommand({ RuleArns: [arn] }))).Rules!;
      expect(described).toEqual({
        RuleArn: arn,
        Priority: String(world.priority),
        IsDefault: false,
        Conditions: [
          {
            Field: 'path-pattern',
            Values: [`/case-${world.priority}/*`],
            PathPatternConfig: { Values: [`/case-${world.priority}/*`] },
          },
        ],
        Actions: [forward],
      });
    });

    it('lists a listener’s rules by priority, with the default rule last', async () => {
      await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      const rules =
        (await world.client.send(new DescribeRulesCommand({ ListenerArn: world.listener }))).Rules ?? [];
      const priorities = rules.map((r) => r.Priority);
      expect(priorities.at(-1)).toBe('default');
      const numbered = priorities.slice(0, -1).map(Number);
      expect(numbered).toEqual([...numbered].sort((a, b) => a - b));
      expect(rules.at(-1)).toMatchObject({
        RuleArn: ruleArn(world.listener, 'default'),
        IsDefault: true,
        Conditions: [],
        Actions: [{ Type: 'forward', TargetGroupArn: world.blue }],
      });
      const byArn = await world.client.send(
        new DescribeRulesCommand({ RuleArns: [ruleArn(world.listener, 'default')] }),
      );
      expect(byArn.Rules?.[0]?.IsDefault).toBe(true);
    });

    it('pages DescribeRules with PageSize and NextMarker', async () => {
      await rule([{ Type: 'forward', TargetGroupArn: world.green }]);
      const all =
        (await world.client.send(new DescribeRulesCommand({ ListenerArn: world.listener }))).Rules ?? [];
      const paged: string[] = [];
      let marker: string | undefined;
      do {
        const page = await world.client.send(
          new DescribeRulesCommand({ ListenerArn: world.listener, PageSize: 2, Marker: marker }),
        );
        expect(page.Rules?.length).toBeLessThanOrEqual(2);
        paged.push(...(page.Rules ?? []).map((r) => r.RuleArn ?? ''));
        marker = page.NextMarker;
      } while (marker !== undefined);
      expect(paged).toEqual(all.map((r) => r.RuleArn));
      expect(all.length).toBeGreaterThan(2);
    });

    it('answers PriorityInUse for a taken priority', async () => {
      await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      const error = await failure(
        world.client.send(
          new CreateRuleCommand({
            ListenerArn: world.listener,
            Priority: world.priority,
            Conditions: [{ Field: 'host-header', Values: ['example.com'] }],
            Actions: [{ Type: 'forward', TargetGroupArn: world.blue }],
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
            ForwardConfig: { TargetGroups: groups.map((g) => ({ ...g, TargetGroupArn: world.blue })) },
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
            TargetGroupArn: world.blue,
            ForwardConfig: { TargetGroups: [{ TargetGroupArn: world.green, Weight: 1 }] },
          },
        ]),
      );
      expect(error.name).toBe('ValidationError');
    });

    it('modifies a rule’s actions and conditions', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      const modified = await world.client.send(
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
      const defaultRule = ruleArn(world.listener, 'default');
      const modify = await failure(
        world.client.send(
          new ModifyRuleCommand({
            RuleArn: defaultRule,
            Actions: [{ Type: 'forward', TargetGroupArn: world.green }],
          }),
        ),
      );
      expect(modify).toBeInstanceOf(OperationNotPermittedException);
      expect(modify.message).toContain('ModifyListener');
      const remove = await failure(world.client.send(new DeleteRuleCommand({ RuleArn: defaultRule })));
      expect(remove).toBeInstanceOf(OperationNotPermittedException);
    });

    it('deletes a rule, after which it is RuleNotFound', async () => {
      const arn = await rule([{ Type: 'forward', TargetGroupArn: world.blue }]);
      await world.client.send(new DeleteRuleCommand({ RuleArn: arn }));
      const describeError = await failure(world.client.send(new DescribeRulesCommand({ RuleArns: [arn] })));
      expect(describeError).toBeInstanceOf(RuleNotFoundException);
      const deleteError = await failure(world.client.send(new DeleteRuleCommand({ RuleArn: arn })));
      expect(deleteError).toBeInstanceOf(RuleNotFoundException);
      const modifyError = await failure(
        world.client.send(
          new ModifyRuleCommand({ RuleArn: arn, Actions: [{ Type: 'forward', TargetGroupArn: world.blue }] }),
        ),
      );
      expect(modifyError).toBeInstanceOf(RuleNotFoundException);
    });

    it('answers ListenerNotFound for a rule on a missing listener', async () => {
      const error = await failure(
        world.client.send(
          new CreateRuleCommand({
            ListenerArn: listenerArn(world.lb, 9999),
            Priority: 1,
            Conditions: [{ Field: 'path-pattern', Values: ['/x'] }],
            Actions: [{ Type: 'forward', TargetGroupArn: world.blue }],
          }),
        ),
      );
      expect(error).toBeInstanceOf(ListenerNotFoundException);
    });
  });
});
