// on-image-push with real "ECR Image Action" events (test/events/ecr/), cloned and
// changed one field per case: which pushes deploy (a tagged runnable image, from the
// service's own registry), which do not (untagged manifests, attestations, signatures,
// SBOMs, other registries), and that one event, or one build, deploys once.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createHandler } from '../../functions/on-image-push.js';
import type { Deployment } from '../../shared/domain/deployment.js';
import type { PushOutcome } from '../../shared/engine/on-push.js';
import { createWorld } from '../../harness/engine.js';

interface PushEvent {
  id: string;
  account: string;
  region: string;
  time: string;
  detail: Record<string, string | undefined>;
}

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../events/ecr/${name}.json`, import.meta.url), 'utf8')) as PushEvent;
const fixture = load('image-push');
const DIGEST = fixture.detail['image-digest']!;
const HEX = DIGEST.slice('sha256:'.length, 'sha256:'.length + 12);

function event(change: (e: PushEvent) => void = () => undefined, base = fixture): PushEvent {
  const copy = structuredClone(base);
  change(copy);
  return copy;
}

/** The example catalog with web opted in to untagged image indexes. */
const OPT_IN = (text: string) =>
  text.replace(
    '      repositories: [web]\n',
    () => '      repositories: [web]\n      untaggedPushes: deploy-index\n',
  );

function setUp(catalogText?: string) {
  const world = catalogText === undefined ? createWorld() : createWorld(catalogText);
  const handler = createHandler(world.catalog, world);
  const onPush = (e: unknown) => handler(e, {}) as Promise<PushOutcome>;
  return { world, onPush };
}

describe('on-image-push', () => {
  it('starts one execution of the service’s state machine, named from service, digest and event', async () => {
    const { world, onPush } = setUp();
    const result = await onPush(event());
    expect(result.started).toEqual([
      {
        service: 'web',
        execution: expect.stringMatching(new RegExp(`^web-${HEX}-e[0-9a-f]{16}$`)),
        outcome: 'started',
      },
    ]);
    expect(world.executions.started).toEqual([
      {
        machine: 'canary',
        name: result.started[0]!.execution,
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

  it('the same digest pushed again after a rollback starts a new deployment', async () => {
    const { world, onPush } = setUp();
    const first = await onPush(event());
    // The deployment of DIGEST was rolled back: release 3, an older image, is live again.
    await world.serviceStates.setStable('web', {
      release: 3,
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'1'.repeat(64)}`,
      taskSetId: 'ts',
      taskDefinitionArn: 'td',
      targetGroupArn: 'tg',
      pushedAt: Date.parse('2025-12-31T00:00:00Z'),
    });
    const again = await onPush(
      event((e) => {
        e.id = 'a1b2c3d4-0000-4000-8000-000000000001';
        e.time = '2026-01-01T01:00:00Z';
      }),
    );
    expect(again.started).toEqual([{ service: 'web', execution: expect.any(String), outcome: 'started' }]);
    expect(again.started[0]!.execution).not.toBe(first.started[0]!.execution);
    expect(world.executions.started).toHaveLength(2);
  });

  it('one build under a second tag deploys nothing more: not while it deploys, nor once it is live', async () => {
    const { world, onPush } = setUp();
    const first = await onPush(event());
    const deploymentId = first.started[0]!.execution;
    world.locks.locks.set('web', { deploymentId, leaseUntil: Number.MAX_SAFE_INTEGER });
    world.deployments.items.set(deploymentId, {
      deploymentId,
      service: 'web',
      status: 'running',
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${DIGEST}`,
    } as Deployment);
    const secondTag = (id: string) =>
      event((e) => {
        e.id = id;
        e.detail['image-tag'] = 'v2.0';
      });
    const during = await onPush(secondTag('b0000000-0000-4000-8000-000000000002'));
    expect(during.ignored).toEqual([
      { service: 'web', reason: expect.stringContaining('being deployed already') },
    ]);

    world.locks.locks.delete('web');
    await world.serviceStates.setStable('web', {
      release: 5,
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@${DIGEST}`,
      taskSetId: 'ts',
      taskDefinitionArn: 'td',
      targetGroupArn: 'tg',
      pushedAt: Date.parse(fixture.time),
    });
    const after = await onPush(secondTag('c0000000-0000-4000-8000-000000000003'));
    expect(after.ignored).toEqual([{ service: 'web', reason: expect.stringContaining('already live') }]);
    expect(world.executions.started).toHaveLength(1);
  });

  it('deploys a tagged image index (a multi-platform build)', async () => {
    const { world, onPush } = setUp();
    const index = load('image-push-index');
    const result = await onPush(index);
    expect(result.started).toHaveLength(1);
    expect(world.executions.started[0]!.input).toMatchObject({
      image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/web:v2@${index.detail['image-digest']}`,
    });
  });

  it('a multi-platform build (platform manifests, attestations and a signature, then the tagged index) deploys once', async () => {
    const { world, onPush } = setUp();
    const platform = load('image-push-untagged-manifest');
    const untagged = (n: number) =>
      event((e) => {
        e.id = `d000000${n}-0000-4000-8000-000000000000`;
        e.detail['image-digest'] = `sha256:${String(n).repeat(64)}`;
      }, platform);
    const pushes = [
      untagged(1),
      untagged(2),
      untagged(3),
      untagged(4),
      load('image-push-signature'),
      load('image-push-index'),
    ];
    const outcomes = [];
    for (const push of pushes) outcomes.push(await onPush(push));
    expect(outcomes.map((o) => o.started.length)).toEqual([0, 0, 0, 0, 0, 1]);
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
      'tag "latest" does not match the tag filter',
    ],
    ['a bad digest', (e: PushEvent) => (e.detail['image-digest'] = 'sha256:nope'), 'is not a sha256 digest'],
    ['a failed push', (e: PushEvent) => (e.detail.result = 'FAILURE'), 'not a successful push'],
    ['a delete', (e: PushEvent) => (e.detail['action-type'] = 'DELETE'), 'not a successful push'],
    ['an untagged push', (e: PushEvent) => delete e.detail['image-tag'], 'untagged push'],
    [
      'a cosign attestation tag',
      (e: PushEvent) => (e.detail['image-tag'] = `sha256-${'ab'.repeat(32)}.att`),
      'signature, attestation or SBOM',
    ],
    [
      'an SBOM artifact',
      (e: PushEvent) => (e.detail['artifact-media-type'] = 'application/spdx+json'),
      'is an artifact',
    ],
    [
      'a Helm chart',
      (e: PushEvent) =>
        (e.detail['manifest-media-type'] = 'application/vnd.cncf.helm.chart.content.v1.tar+gzip'),
      'not an image index or image manifest',
    ],
    [
      'an event without manifest-media-type',
      (e: PushEvent) => delete e.detail['manifest-media-type'],
      'names no manifest-media-type',
    ],
    [
      'a push to another account’s registry',
      (e: PushEvent) => (e.account = '999999999999'),
      'from account 999999999999',
    ],
    ['a push to another region', (e: PushEvent) => (e.region = 'eu-west-1'), 'from region eu-west-1'],
  ])('ignores %s', async (_name, change, reason) => {
    const { world, onPush } = setUp();
    const result = await onPush(event(change));
    expect(result.started).toEqual([]);
    expect(result.ignored[0]!.reason).toContain(reason);
    expect(world.executions.started).toEqual([]);
  });

  it.each([
    ['a signature tag', 'image-push-signature', 'signature, attestation or SBOM'],
    ['an SBOM', 'image-push-sbom', 'is an artifact'],
    ['an untagged platform manifest', 'image-push-untagged-manifest', 'untagged push'],
  ])('ignores %s as ECR sends it', async (_name, file, reason) => {
    const { world, onPush } = setUp();
    const result = await onPush(load(file));
    expect(result.ignored[0]!.reason).toContain(reason);
    expect(world.executions.started).toEqual([]);
  });

  it('with images.untaggedPushes: deploy-index, an untagged index deploys and an untagged manifest does not', async () => {
    const text = readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8');
    expect(OPT_IN(text)).not.toBe(text);
    const { world, onPush } = setUp(OPT_IN(text));
    const manifest = await onPush(load('image-push-untagged-manifest'));
    expect(manifest.ignored[0]!.reason).toContain('only its untagged index deploys');
    const index = await onPush(event((e) => delete e.detail['image-tag'], load('image-push-index')));
    expect(index.started).toHaveLength(1);
    expect(world.executions.started[0]!.input).toMatchObject({
      image: expect.not.stringContaining(':v2@'),
    });
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
