// The rules serverless.yml declares, read with the example catalog and loaded into the local
// EventBridge: where alarms and pushes are routed, and the variables and patterns refused.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LocalEventBridge, type EventBridgeEvent } from '../../local/aws/eventbridge.js';
import {
  readServerlessRules,
  serverlessRules,
  type ServerlessRuleOptions,
} from '../../local/aws/serverless-rules.js';
import { catalogResources } from '../../shared/domain/catalog-resources.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { ManualClock } from '../../local/clock.js';
import { ACCOUNT, fn, REGION, START, startWorld } from '../support/eventbridge-world.js';
import { ServerlessRuleError } from '../../local/errors.js';

const alarmFixture = JSON.parse(
  readFileSync(new URL('../events/cloudwatch/alarm-state-change.json', import.meta.url), 'utf8'),
) as EventBridgeEvent & { detail: { alarmName: string; state: { value: string } } };
const pushFixture = JSON.parse(
  readFileSync(new URL('../events/ecr/image-push.json', import.meta.url), 'utf8'),
) as EventBridgeEvent;

describe('rules from serverless.yml', () => {
  const serverlessYml = fileURLToPath(new URL('../../serverless.yml', import.meta.url));
  const catalog = parseCatalog(readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8'));
  const options: ServerlessRuleOptions = { resources: { ...catalogResources(catalog) }, stage: 'dev' };

  it('routes every ALARM state change to on-alarm (it ignores alarms no deployment watches), and not OK', async () => {
    const rules = await readServerlessRules(serverlessYml, options);
    const onAlarm = rules.find((r) => r.target === 'on-alarm');
    expect(onAlarm).toEqual({
      name: 'cutover-dev-on-alarm-rule-1',
      eventBusName: 'default',
      target: 'on-alarm',
      state: 'ENABLED',
      pattern: {
        source: ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        detail: { state: { value: ['ALARM'] } },
      },
    });
    const world = await startWorld();
    try {
      world.bus.loadRules(rules);
      world.bus.loadRules(rules);
      const listed = await world.call('ListRules', {});
      expect((listed.body.Rules as { Name: string }[]).map((r) => r.Name)).toEqual(
        rules.map((r) => r.name).sort(),
      );
      const targets = await world.call('ListTargetsByRule', { Rule: 'cutover-dev-on-alarm-rule-1' });
      expect(targets.body).toEqual({ Targets: [{ Id: 'on-alarm', Arn: fn('on-alarm') }] });

      const publish = (change: (e: typeof alarmFixture) => void) => {
        const copy = structuredClone(alarmFixture);
        change(copy);
        return world.bus.publish(copy);
      };
      const fired = publish(() => undefined);
      publish((e) => (e.detail.state.value = 'OK'));
      const other = publish((e) => (e.detail.alarmName = 'db-cpu'));
      await world.bus.idle();
      expect(world.deliveries).toEqual([
        { target: 'on-alarm', event: fired },
        { target: 'on-alarm', event: other },
      ]);
      expect(fired).toMatchObject({
        source: 'aws.cloudwatch',
        'detail-type': 'CloudWatch Alarm State Change',
        time: '2026-01-01T00:03:30Z',
        detail: { alarmName: 'web-5xx-rate', state: { value: 'ALARM' } },
      });
    } finally {
      await new Promise((resolve) => world.server.close(resolve));
    }
  });

  it('routes a successful ECR push to on-image-push (which ignores repositories no service deploys)', async () => {
    const rules = await readServerlessRules(serverlessYml, options);
    expect(rules.find((r) => r.target === 'on-image-push')?.pattern).not.toHaveProperty(
      'detail.repository-name',
    );
    const world = await startWorld();
    try {
      world.bus.loadRules(rules);
      const push = (change: (d: Record<string, unknown>) => void) => {
        const copy = structuredClone(pushFixture);
        change(copy.detail);
        return world.bus.publish(copy);
      };
      const pushed = push(() => undefined);
      const elsewhere = push((d) => (d['repository-name'] = 'unknown'));
      push((d) => (d.result = 'FAILURE'));
      push((d) => (d['action-type'] = 'DELETE'));
      await world.bus.idle();
      expect(world.deliveries).toEqual([
        { target: 'on-image-push', event: pushed },
        { target: 'on-image-push', event: elsewhere },
      ]);
    } finally {
      await new Promise((resolve) => world.server.close(resolve));
    }
  });

  const yaml = (pattern: string, extra = '') => `
service: cutover
functions:
  react:
    handler: functions/react.handler
    events:
      - eventBridge:${extra}
          pattern:
${pattern}
`;

  it('names a variable it cannot resolve', () => {
    const text = yaml("            source: ['${opt:region}']");
    expect(() => serverlessRules(text, options)).toThrow(ServerlessRuleError);
    expect(() => serverlessRules(text, options)).toThrow(
      /functions\.react\.events\[0\]\.eventBridge\.pattern\.source\[0\] uses \$\{opt:region\}/,
    );
    const unknown = yaml('            detail:\n              name: ${self:custom.resources.queues}');
    expect(() => serverlessRules(unknown, options)).toThrow(
      /\$\{self:custom\.resources\.queues\}.*no resource list named queues/,
    );
    const reference = yaml('            resources: [!GetAtt Table.Arn]');
    expect(() => serverlessRules(reference, options)).toThrow(/uses !GetAtt/);
  });

  it('resolves ${self:service} and ${sls:stage} inside strings, and takes eventBus and name', () => {
    const text = yaml(
      "            source: ['${self:service}.${sls:stage}']",
      `
          name: custom-rule
          eventBus: arn:aws:events:us-east-1:123456789012:event-bus/\${self:service}-audit`,
    );
    const rules = serverlessRules(text, { ...options, stage: 'prod' });
    expect(rules).toEqual([
      {
        name: 'custom-rule',
        eventBusName: 'cutover-audit',
        pattern: { source: ['cutover.prod'] },
        target: 'react',
        state: 'ENABLED',
      },
    ]);
    const world = new LocalEventBridge({
      clock: new ManualClock(START),
      region: REGION,
      account: ACCOUNT,
      deliver: () => Promise.resolve(),
    });
    world.loadRules(rules);
    expect(world.snapshot().buses.map((b) => b.name)).toContain('cutover-audit');
  });

  it('refuses a pattern that is not valid, naming the function', () => {
    const text = yaml('            source: [{ prefx: cutover }]');
    expect(() => serverlessRules(text, options)).toThrow(/functions\.react.*Unrecognized match type prefx/);
  });
});
