// on-image-push with a real "ECR Image Action" event (test/events/ecr/), cloned and
// changed one field per case.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/on-image-push.js';
import type { PushOutcome } from '../../shared/engine/on-push.js';
import { createWorld } from '../support/engine.js';

interface PushEvent {
  time: string;
  detail: Record<string, string | undefined>;
}

const fixture = JSON.parse(
  readFileSync(new URL('../events/ecr/image-push.json', import.meta.url), 'utf8'),
) as PushEvent;
const DIGEST = fixture.detail['image-digest']!;

function event(change: (e: PushEvent) => void = () => undefined): PushEvent {
  const copy = structuredClone(fixture);
  change(copy);
  return copy;
}

function setUp() {
  const world = createWorld();
  const handler = createHandler(world.catalog, world);
  const onPush = (e: unknown) => handler(e, {}) as Promise<PushOutcome>;
  return { world, onPush };
}

describe('on-image-push', () => {
  it('starts one execution of the service’s state machine, named from service and digest', async () => {
    const { world, onPush } = setUp();
    const result = await onPush(event());
    expect(result.started).toEqual([{ service: 'web', execution: 'web-7f5b2640fe6f', outcome: 'started' }]);
    expect(world.executions.started).toEqual([
      {
        machine: 'canary',
        name: 'web-7f5b2640fe6f',
        input: {
          service: 'web',
          image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2@${DIGEST}`,
          trigger: 'push',
          actor: 'ecr-push',
          pushedAt: '2026-01-01T00:00:00.000Z',
        },
      },
    ]);
  });

  it('the same event three times gives one deployment', async () => {
    const { world, onPush } = setUp();
    const outcomes = [];
    for (let i = 0; i < 3; i += 1) outcomes.push((await onPush(event())).started[0]!.outcome);
    expect(outcomes).toEqual(['started', 'exists', 'exists']);
    expect(world.executions.started).toHaveLength(1);
  });

  it.each([
    [
      'a repository nobody deploys',
      (e: PushEvent) => (e.detail['repository-name'] = 'batch'),
      'no service deploys repository batch',
    ],
    [
      'a tag outside the filter',
      (e: PushEvent) => (e.detail['image-tag'] = 'latest'),
      'tag "latest" matches no tag filter',
    ],
    ['a bad digest', (e: PushEvent) => (e.detail['image-digest'] = 'sha256:nope'), 'is not a sha256 digest'],
    ['a failed push', (e: PushEvent) => (e.detail.result = 'FAILURE'), 'not a successful push'],
    ['a delete', (e: PushEvent) => (e.detail['action-type'] = 'DELETE'), 'not a successful push'],
  ])('ignores %s', async (_name, change, reason) => {
    const { world, onPush } = setUp();
    const result = await onPush(event(change));
    expect(result.started).toEqual([]);
    expect(result.ignored[0]!.reason).toContain(reason);
    expect(world.executions.started).toEqual([]);
  });

  it('ignores a push older than the live release', async () => {
    const { world, onPush } = setUp();
    await world.serviceStates.setStable('web', {
      release: 4,
      image: 'x',
      taskSetId: 'ts',
      taskDefinitionArn: 'td',
      targetGroupArn: 'tg',
      pushedAt: Date.parse('2026-01-01T00:10:00Z'),
    });
    const result = await onPush(event());
    expect(result.ignored).toEqual([
      { service: 'web', reason: expect.stringContaining('older than live release 4') },
    ]);
    expect(world.executions.started).toEqual([]);
  });

  it('refuses an event that is not an ECR image action, and starts nothing', async () => {
    const { world, onPush } = setUp();
    await expect(onPush({ source: 'aws.cloudwatch', detail: {} })).rejects.toThrow();
    expect(world.executions.started).toEqual([]);
  });
});
