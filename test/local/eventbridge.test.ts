// The local EventBridge over HTTP, with requests shaped exactly as AWS SDK v3 sends them
// (POST /, application/x-amz-json-1.1, X-Amz-Target AWSEvents.<Operation>). The rules
// serverless.yml declares: eventbridge-serverless-rules.test.ts.

import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBridgeEvent } from '../../local/aws/eventbridge.js';
import { ACCOUNT, fn, REGION, START, startWorld, type World } from '../support/eventbridge-world.js';

const alarmFixture = JSON.parse(
  readFileSync(new URL('../events/cloudwatch/alarm-state-change.json', import.meta.url), 'utf8'),
) as EventBridgeEvent & { detail: { alarmName: string; state: { value: string } } };

const requested = {
  source: ['cutover.api'],
  'detail-type': ['Deployment Requested'],
  detail: { service: ['web'] },
};

function entry(detail: unknown, overrides: Record<string, unknown> = {}) {
  return {
    Source: 'cutover.api',
    DetailType: 'Deployment Requested',
    Detail: typeof detail === 'string' ? detail : JSON.stringify(detail),
    EventBusName: 'cutover',
    ...overrides,
  };
}

describe('LocalEventBridge over the JSON 1.1 protocol', () => {
  let world: World & { server: Server };

  beforeEach(async () => {
    world = await startWorld();
  });

  afterEach(async () => {
    await world.bus.idle();
    await new Promise((resolve) => world.server.close(resolve));
  });

  /** A rule on the cutover bus sending Deployment Requested events for web to start-deployment. */
  async function deploymentRule(state = 'ENABLED') {
    const put = await world.call('PutRule', {
      Name: 'deploy-requested',
      EventBusName: 'cutover',
      EventPattern: JSON.stringify(requested),
      State: state,
    });
    expect(put.status).toBe(200);
    const targets = await world.call('PutTargets', {
      Rule: 'deploy-requested',
      EventBusName: 'cutover',
      Targets: [{ Id: 'start', Arn: fn('start-deployment') }],
    });
    expect(targets.body).toEqual({ FailedEntryCount: 0, FailedEntries: [] });
    return put.body;
  }

  it('delivers a matching event to the rule’s Lambda target, shaped as EventBridge delivers it', async () => {
    const rule = await deploymentRule();
    expect(rule).toEqual({ RuleArn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/cutover/deploy-requested` });
    const put = await world.call('PutEvents', {
      Entries: [
        entry(
          { service: 'web', image: 'web@sha256:abc' },
          { Resources: ['arn:aws:ecs:us-east-1:123456789012:service/prod/web'], Time: START / 1000 + 90 },
        ),
      ],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    await world.bus.idle();
    const [answer] = put.body.Entries as { EventId: string }[];
    expect(world.deliveries).toEqual([
      {
        target: 'start-deployment',
        event: {
          version: '0',
          id: answer?.EventId,
          'detail-type': 'Deployment Requested',
          source: 'cutover.api',
          account: ACCOUNT,
          time: '2026-01-01T00:01:30Z',
          region: REGION,
          resources: ['arn:aws:ecs:us-east-1:123456789012:service/prod/web'],
          detail: { service: 'web', image: 'web@sha256:abc' },
        },
      },
    ]);
  });

  it('does not deliver an event the pattern does not match, nor a matching one put on another bus', async () => {
    await deploymentRule();
    const put = await world.call('PutEvents', {
      Entries: [entry({ service: 'api' }), entry({ service: 'web' }, { EventBusName: 'default' })],
    });
    expect(put.body.FailedEntryCount).toBe(0);
    await world.bus.idle();
    expect(world.deliveries).toEqual([]);
    expect(world.bus.recent(2).map((r) => [r.eventBusName, r.event.detail, r.targets])).toEqual([
      ['default', { service: 'web' }, []],
      ['cutover', { service: 'api' }, []],
    ]);
  });

  it('uses the clock’s time for an entry without Time, and accepts a bus given by ARN', async () => {
    await deploymentRule();
    world.clock.advanceBy(5_000);
    await world.call('PutEvents', {
      Entries: [
        entry({ service: 'web' }, { EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/cutover` }),
      ],
    });
    await world.bus.idle();
    expect(world.deliveries.map((d) => d.event.time)).toEqual(['2026-01-01T00:00:05Z']);
  });

  it('fails only the entries whose Detail is not a JSON object, with MalformedDetail', async () => {
    await deploymentRule();
    const put = await world.call('PutEvents', {
      Entries: [entry({ service: 'web' }), entry('{"service": "web"'), entry('[1, 2]')],
    });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({
      FailedEntryCount: 2,
      Entries: [
        { EventId: expect.any(String) },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
        { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' },
      ],
    });
    await world.bus.idle();
    expect(world.deliveries).toHaveLength(1);
  });

  it('fails entries without Source, DetailType or Detail, or on a bus that does not exist', async () => {
    const put = await world.call('PutEvents', {
      Entries: [
        { DetailType: 'x', Detail: '{}' },
        { Source: 'cutover.api', Detail: '{}' },
        { Source: 'cutover.api', DetailType: 'x' },
        entry({}, { EventBusName: 'nope' }),
      ],
    });
    expect(put.body.FailedEntryCount).toBe(4);
    expect((put.body.Entries as { ErrorCode: string }[]).map((e) => e.ErrorCode)).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'ResourceNotFoundException',
    ]);
    const none = await world.call('PutEvents', { Entries: [] });
    expect([none.status, none.errorType]).toEqual([400, 'ValidationException']);
  });

  it('refuses aws.* sources from PutEvents, while in-process producers publish them', async () => {
    const put = await world.call('PutEvents', {
      Entries: [{ Source: 'aws.cloudwatch', DetailType: 'CloudWatch Alarm State Change', Detail: '{}' }],
    });
    expect(put.body).toEqual({
      FailedEntryCount: 1,
      Entries: [
        { ErrorCode: 'NotAuthorizedForSourceException', ErrorMessage: 'Not authorized for the source.' },
      ],
    });
    const published = world.bus.publish({ source: 'aws.ecr', 'detail-type': 'ECR Image Action', detail: {} });
    expect(world.bus.recent(1)[0]?.event).toEqual(published);
    expect(published.source).toBe('aws.ecr');
  });

  it('answers InvalidEventPatternException for a pattern AWS would refuse, and creates no rule', async () => {
    for (const pattern of [
      { source: [{ prefx: 'cutover.' }] },
      { source: [] },
      { detail: { n: [{ numeric: ['>', 'five'] }] } },
    ]) {
      const put = await world.call('PutRule', { Name: 'bad', EventPattern: JSON.stringify(pattern) });
      expect(put.status).toBe(400);
      expect(put.errorType).toBe('InvalidEventPatternException');
      expect(put.body).toEqual({
        __type: 'InvalidEventPatternException',
        message: expect.stringMatching(/^Event pattern is not valid\. Reason: /),
      });
    }
    const notJson = await world.call('PutRule', { Name: 'bad', EventPattern: '{"source": [' });
    expect(notJson.errorType).toBe('InvalidEventPatternException');
    const described = await world.call('DescribeRule', { Name: 'bad' });
    expect(described.errorType).toBe('ResourceNotFoundException');
    expect(described.body.message).toBe('Rule bad does not exist on EventBus default.');
  });

  it('does not deliver to a DISABLED rule, and does once it is enabled', async () => {
    await deploymentRule('DISABLED');
    await world.call('PutEvents', { Entries: [entry({ service: 'web' })] });
    await world.bus.idle();
    expect(world.deliveries).toEqual([]);
    await world.call('EnableRule', { Name: 'deploy-requested', EventBusName: 'cutover' });
    await world.call('PutEvents', { Entries: [entry({ service: 'web' })] });
    await world.bus.idle();
    expect(world.deliveries.map((d) => d.target)).toEqual(['start-deployment']);
  });

  it('describes, lists, and deletes rules once their targets are removed', async () => {
    await deploymentRule();
    await world.call('PutRule', {
      Name: 'deploy-other',
      EventBusName: 'cutover',
      EventPattern: '{"source":["x"]}',
    });
    const described = await world.call('DescribeRule', { Name: 'deploy-requested', EventBusName: 'cutover' });
    expect(described.body).toEqual({
      Name: 'deploy-requested',
      Arn: `arn:aws:events:${REGION}:${ACCOUNT}:rule/cutover/deploy-requested`,
      EventPattern: JSON.stringify(requested),
      State: 'ENABLED',
      EventBusName: 'cutover',
      CreatedBy: ACCOUNT,
    });
    const first = await world.call('ListRules', { EventBusName: 'cutover', NamePrefix: 'deploy-', Limit: 1 });
    expect((first.body.Rules as { Name: string }[]).map((r) => r.Name)).toEqual(['deploy-other']);
    const second = await world.call('ListRules', {
      EventBusName: 'cutover',
      NamePrefix: 'deploy-',
      Limit: 1,
      NextToken: first.body.NextToken,
    });
    expect((second.body.Rules as { Name: string }[]).map((r) => r.Name)).toEqual(['deploy-requested']);
    expect(second.body.NextToken).toBeUndefined();
    const targets = await world.call('ListTargetsByRule', {
      Rule: 'deploy-requested',
      EventBusName: 'cutover',
    });
    expect(targets.body).toEqual({ Targets: [{ Id: 'start', Arn: fn('start-deployment') }] });

    const refused = await world.call('DeleteRule', { Name: 'deploy-requested', EventBusName: 'cutover' });
    expect([refused.status, refused.errorType]).toEqual([400, 'ValidationException']);
    await world.call('RemoveTargets', { Rule: 'deploy-requested', EventBusName: 'cutover', Ids: ['start'] });
    const deleted = await world.call('DeleteRule', { Name: 'deploy-requested', EventBusName: 'cutover' });
    expect(deleted.status).toBe(200);
    const left = await world.call('ListRules', { EventBusName: 'cutover' });
    expect((left.body.Rules as { Name: string }[]).map((r) => r.Name)).toEqual(['deploy-other']);
  });

  it('refuses, per entry, targets that are not Lambda functions or that transform the input', async () => {
    await world.call('PutRule', { Name: 'r', EventPattern: '{"source":["x"]}' });
    const put = await world.call('PutTargets', {
      Rule: 'r',
      Targets: [
        { Id: 'queue', Arn: 'arn:aws:sqs:us-east-1:123456789012:queue' },
        { Id: 'shaped', Arn: fn('a'), InputPath: '$.detail' },
        { Id: 'ok', Arn: `${fn('b')}:live` },
      ],
    });
    expect(put.body.FailedEntryCount).toBe(2);
    expect((put.body.FailedEntries as { TargetId: string }[]).map((f) => f.TargetId)).toEqual([
      'queue',
      'shaped',
    ]);
    world.bus.publish({ source: 'x', 'detail-type': 'y', detail: {} });
    await world.bus.idle();
    expect(world.deliveries.map((d) => d.target)).toEqual(['b']);
  });

  it('has the default and cutover buses from the start; CreateEventBus adds one, once', async () => {
    const listed = await world.call('ListEventBuses', {});
    expect((listed.body.EventBuses as { Name: string }[]).map((b) => b.Name)).toEqual(['cutover', 'default']);
    const described = await world.call('DescribeEventBus', {});
    expect(described.body).toMatchObject({
      Name: 'default',
      Arn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/default`,
      CreationTime: START / 1000,
    });
    const created = await world.call('CreateEventBus', { Name: 'audit' });
    expect(created.body).toEqual({ EventBusArn: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/audit` });
    const again = await world.call('CreateEventBus', { Name: 'audit' });
    expect([again.status, again.errorType]).toEqual([400, 'ResourceAlreadyExistsException']);
    const missing = await world.call('DescribeEventBus', { Name: 'nope' });
    expect(missing.errorType).toBe('ResourceNotFoundException');
    const rule = await world.call('PutRule', {
      Name: 'r',
      EventBusName: 'nope',
      EventPattern: '{"a":["b"]}',
    });
    expect(rule.errorType).toBe('ResourceNotFoundException');
  });

  it('TestEventPattern answers whether an event matches', async () => {
    const test = (pattern: unknown, event: unknown) =>
      world.call('TestEventPattern', { EventPattern: JSON.stringify(pattern), Event: JSON.stringify(event) });
    expect((await test({ detail: { state: { value: ['ALARM'] } } }, alarmFixture)).body).toEqual({
      Result: true,
    });
    expect((await test({ detail: { state: { value: ['OK'] } } }, alarmFixture)).body).toEqual({
      Result: false,
    });
    const incomplete = await test({ source: ['x'] }, { source: 'x' });
    expect([incomplete.status, incomplete.errorType]).toEqual([400, 'ValidationException']);
    const badPattern = await test({ source: 'x' }, alarmFixture);
    expect(badPattern.errorType).toBe('InvalidEventPatternException');
  });

  it('answers PutEvents before any target runs', async () => {
    await deploymentRule();
    let release: () => void = () => undefined;
    const started: string[] = [];
    world.behaviour.set('start-deployment', (attempt) => {
      started.push(`attempt ${attempt}`);
      return new Promise<void>((resolve) => (release = resolve));
    });
    const put = await world.call('PutEvents', { Entries: [entry({ service: 'web' })] });
    expect(put.body.FailedEntryCount).toBe(0);
    expect(world.deliveries).toEqual([]);
    await vi.waitFor(() => expect(started).toEqual(['attempt 1']));
    release();
    await world.bus.idle();
    expect(world.deliveries).toHaveLength(1);
  });

  it('retries a failing delivery and logs one that never succeeds, without failing PutEvents', async () => {
    await deploymentRule();
    await world.call('PutTargets', {
      Rule: 'deploy-requested',
      EventBusName: 'cutover',
      Targets: [{ Id: 'broken', Arn: fn('broken') }],
    });
    world.behaviour.set('start-deployment', (attempt) =>
      attempt < 3 ? Promise.reject(new Error('cold start')) : Promise.resolve(),
    );
    world.behaviour.set('broken', () => Promise.reject(new Error('handler threw')));
    const put = await world.call('PutEvents', { Entries: [entry({ service: 'web' })] });
    expect(put.body.FailedEntryCount).toBe(0);
    await world.bus.idle();
    expect(world.deliveries.map((d) => d.target)).toEqual(['start-deployment']);
    expect(world.logs).toEqual([
      expect.stringMatching(/gave up delivering .* to broken after 3 attempts: handler threw/),
    ]);
  });

  it('keeps the last 1,000 events, newest first, and tells onEvent listeners of each', () => {
    const seen: number[] = [];
    const stop = world.bus.onEvent((record) => seen.push(record.event.detail.n as number));
    for (let n = 1; n <= 1005; n++) world.bus.publish({ source: 'test', 'detail-type': 'n', detail: { n } });
    stop();
    world.bus.publish({ source: 'test', 'detail-type': 'n', detail: { n: 1006 } });
    expect(seen).toHaveLength(1005);
    const recent = world.bus.recent(5000);
    expect(recent).toHaveLength(1000);
    expect(recent[0]?.event.detail.n).toBe(1006);
    expect(recent.at(-1)?.event.detail.n).toBe(7);
    expect(world.bus.recent(3).map((r) => r.event.detail.n)).toEqual([1006, 1005, 1004]);
  });

  it('snapshot() and restore() carry buses, rules and targets', async () => {
    await deploymentRule();
    await world.call('CreateEventBus', { Name: 'audit' });
    const snapshot = JSON.parse(JSON.stringify(world.bus.snapshot())) as unknown;

    const other = await startWorld();
    try {
      other.bus.restore(snapshot);
      expect(other.bus.snapshot()).toEqual(snapshot);
      const buses = await other.call('ListEventBuses', {});
      expect((buses.body.EventBuses as { Name: string }[]).map((b) => b.Name)).toEqual([
        'audit',
        'cutover',
        'default',
      ]);
      other.bus.publish(
        { source: 'cutover.api', 'detail-type': 'Deployment Requested', detail: { service: 'web' } },
        'cutover',
      );
      await other.bus.idle();
      expect(other.deliveries.map((d) => d.target)).toEqual(['start-deployment']);
      expect(() => other.bus.restore({ version: 2 })).toThrow(/not an EventBridge snapshot/);
    } finally {
      await new Promise((resolve) => other.server.close(resolve));
    }
  });
});

describe('retries in simulated time', () => {
  it('waits the retry delay on the local clock between attempts', async () => {
    const world = await startWorld({ attempts: 3, delayMs: 1000 });
    try {
      world.bus.loadRules([
        { name: 'r', eventBusName: 'default', pattern: { source: ['x'] }, target: 'flaky', state: 'ENABLED' },
      ]);
      world.behaviour.set('flaky', (attempt) =>
        attempt === 1 ? Promise.reject(new Error('once')) : Promise.resolve(),
      );
      world.bus.publish({ source: 'x', 'detail-type': 'y', detail: {} });
      await vi.waitFor(() => expect(world.clock.pending).toBe(1));
      expect(world.deliveries).toEqual([]);
      world.clock.advanceBy(999);
      expect(world.clock.pending).toBe(1);
      world.clock.advanceBy(1);
      await world.bus.idle();
      expect(world.deliveries.map((d) => d.target)).toEqual(['flaky']);
    } finally {
      await new Promise((resolve) => world.server.close(resolve));
    }
  });
});
