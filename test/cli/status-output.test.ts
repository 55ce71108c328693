// `status`, whole outputs (plain, not a terminal), every line compared. Each view is built by
// the API's own view function (shared/api/views.ts) from a deployment record and the
// scenarios catalog, so the steps are marked as the API marks them, then drawn by the CLI.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { follow } from '../../cli/follow.js';
import { renderDeployment } from '../../cli/render/deployment.js';
import { serviceLines } from '../../cli/render/service.js';
import type { ApiClient } from '../../cli/api-client.js';
import { deploymentView, type AnyDeploymentView, type DeploymentReads } from '../../shared/api/views.js';
import { getService } from '../../shared/domain/catalog.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import type { Deployment } from '../../shared/domain/deployment.js';
import { capture } from '../support/cli.js';
import { SCENARIOS } from '../../harness/local-cloud.js';
import type { Phase } from '../../shared/domain/phase.js';

const catalog = parseCatalog(readFileSync(SCENARIOS, 'utf8'));
const T0 = Date.parse('2026-12-01T10:00:00.000Z');
const at = (seconds: number) => T0 + seconds * 1000;
const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';
const image = (service: string, hex: string) =>
  `${REGISTRY}/${service}@sha256:${hex.repeat(64 / hex.length)}`;

function record(service: string, changes: Partial<Deployment>): Deployment {
  return {
    deploymentId: `${service}-abcabcabcabc-1`,
    service,
    release: 7,
    image: image(service, 'abc'),
    strategy: getService(catalog, service)!.strategy,
    trigger: 'push',
    actor: 'ecr-push',
    status: 'running',
    phase: 'started',
    startedAt: T0,
    updatedAt: T0,
    stable: {
      release: 6,
      image: image(service, '123'),
      taskSetId: 'ts-stable',
      taskDefinitionArn: 'arn:td:6',
      targetGroupArn: 'arn:tg:a',
    },
    candidate: { targetGroupArn: 'arn:tg:b', taskSetId: 'ts-new' },
    weights: { stable: 100, candidate: 0 },
    ...changes,
  };
}

const steady = (n: number) => ({ desired: n, running: n, pending: 0, steady: true });
const RUNNING = { status: 'RUNNING' as const, startDate: T0 };

function view(deployment: Deployment, reads: Partial<DeploymentReads> & { now: number }) {
  return deploymentView(deployment, getService(catalog, deployment.service), {
    alarms: { [`${deployment.service}-5xx-rate`]: 'OK' },
    execution: RUNNING,
    ...reads,
  });
}

describe('status: whole outputs', () => {
  it('a canary mid-rollout: progress, steps, weights, both task sets, the bake, a queued push', () => {
    const deployment = record('canary', {
      phase: 'bake',
      weights: { stable: 90, candidate: 10 },
      updatedAt: at(150),
      bake: { token: 't', startedAt: at(150), endsAt: at(450), alarms: ['canary-5xx-rate'] },
    });
    const capacities = new Map([
      ['ts-stable', steady(4)],
      ['ts-new', { desired: 1, running: 0, pending: 1, steady: false }],
    ]);
    const queued = {
      service: 'canary',
      image: `${REGISTRY}/canary:v4@sha256:${'d'.repeat(64)}`,
      pushedAt: at(170),
      input: {},
    };
    expect(renderDeployment(view(deployment, { now: at(210), capacities, queued }))).toEqual([
      'canary-abcabcabcabc-1: canary release 7, canary, running (bake)',
      'progress  step 6/11, 3m 30s elapsed',
      'image   canary@sha256:abcabcabcabc (stable: release 6, canary@sha256:123123123123)',
      '',
      '  ✓ check alarms (refuse to start if any is in ALARM): canary-5xx-rate',
      '  ✓ register a task definition revision with the image pinned by digest',
      '  ✓ create the new task set behind the idle target group',
      '  ✓ wait until the new tasks are running and their targets healthy',
      '  ✓ shift 10% of production traffic to the new task set (t+0s)',
      '  ▶ bake 5m, watching 1 alarm(s)',
      '  · shift 100% of production traffic to the new task set (t+5m)',
      '  · final bake 2m, watching 1 alarm(s)',
      '  · promote: make the new task set primary',
      '  · keep the old task set for 1m (rollback is a weight flip)',
      '  · scale in and delete the old task set',
      '',
      'stable ██████████████████░░ candidate 10%',
      'tasks   stable     desired 4  running 4  healthy 4',
      '        candidate  desired 1  running 0  healthy -  pending 1',
      'alarms  canary-5xx-rate OK',
      'bake    4m left',
      'queued  canary:v4@sha256:dddddddddddd, pushed 40s ago; starts when canary-abcabcabcabc-1 ends',
    ]);
  });

  it('a blue-green deployment waiting for approval: the real time a person has left', () => {
    const deployment = record('bluegreen', {
      phase: 'approval',
      updatedAt: at(60),
      testTraffic: true,
      approval: { token: 't', requestedAt: at(60), expiresAt: at(60 + 7200) },
    });
    const capacities = new Map([
      ['ts-stable', steady(2)],
      ['ts-new', steady(2)],
    ]);
    // The local cloud's clock runs 60 times faster: two simulated hours are two real minutes.
    const lines = renderDeployment(view(deployment, { now: at(80), capacities, speed: 60 }));
    expect(lines).toEqual([
      'bluegreen-abcabcabcabc-1: bluegreen release 7, blue-green, running (approval)',
      'progress  step 6/11, 1m 20s elapsed',
      'image   bluegreen@sha256:abcabcabcabc (stable: release 6, bluegreen@sha256:123123123123)',
      '',
      '  ✓ check alarms (refuse to start if any is in ALARM): bluegreen-5xx-rate',
      '  ✓ register a task definition revision with the image pinned by digest',
      '  ✓ create the new task set behind the idle target group',
      '  ✓ wait until the new tasks are running and their targets healthy',
      '  ✓ send test-listener traffic to the new task set',
      '  ▶ wait for approval (roll back after 2h)',
      '  · shift 100% of production traffic to the new task set (t+0s)',
      '  · final bake 2m, watching 1 alarm(s)',
      '  · promote: make the new task set primary',
      '  · keep the old task set for 1m (rollback is a weight flip)',
      '  · scale in and delete the old task set',
      '',
      'stable ████████████████████ candidate 0%',
      'tasks   stable     desired 2  running 2  healthy 2',
      '        candidate  desired 2  running 2  healthy 2',
      'alarms  bluegreen-5xx-rate OK',
      'approval  waiting, 2m left (until 2026-12-01T12:01:00.000Z): cutover approve bluegreen-abcabcabcabc-1',
    ]);
  });

  it('a canary rolled back in its bake: the bake failed (✗, with the reason), the rest skipped', () => {
    const deployment = record('canary', {
      status: 'rolled-back',
      phase: 'rolled-back',
      updatedAt: at(200),
      failedStep: { phase: 'bake', candidate: 10 },
      reason: { kind: 'alarm', message: 'alarm canary-5xx-rate went to ALARM' },
    });
    const execution = { status: 'FAILED' as const, error: 'RolledBack', cause: 'alarm', startDate: T0 };
    expect(renderDeployment(view(deployment, { now: at(900), execution }))).toEqual([
      'canary-abcabcabcabc-1: canary release 7, canary, rolled back',
      'progress  step 6/11, took 3m 20s',
      'image   canary@sha256:abcabcabcabc (stable: release 6, canary@sha256:123123123123)',
      '',
      '  ✓ check alarms (refuse to start if any is in ALARM): canary-5xx-rate',
      '  ✓ register a task definition revision with the image pinned by digest',
      '  ✓ create the new task set behind the idle target group',
      '  ✓ wait until the new tasks are running and their targets healthy',
      '  ✓ shift 10% of production traffic to the new task set (t+0s)',
      '  ✗ bake 5m, watching 1 alarm(s) — alarm canary-5xx-rate went to ALARM',
      '  – shift 100% of production traffic to the new task set (t+5m)',
      '  – final bake 2m, watching 1 alarm(s)',
      '  – promote: make the new task set primary',
      '  – keep the old task set for 1m (rollback is a weight flip)',
      '  – scale in and delete the old task set',
      '',
      'stable ████████████████████ candidate 0%',
      'alarms  canary-5xx-rate OK',
      'reason  alarm canary-5xx-rate went to ALARM',
    ]);
  });

  it.each<[string, { phase: Phase; candidate: number }, string]>([
    ['a health wait that never ended', { phase: 'wait-healthy', candidate: 0 }, 'wait until the new tasks'],
    ['the final bake', { phase: 'final bake', candidate: 100 }, 'final bake 2m'],
    ['the bake after the 10% shift', { phase: 'bake', candidate: 10 }, 'bake 5m'],
  ])('the failed step of one aborted in %s', (_, failedStep, failed) => {
    const deployment = record('canary', {
      status: 'aborted',
      phase: 'aborted',
      failedStep,
      reason: { kind: 'operator', message: 'aborted by ana' },
    });
    const steps = view(deployment, { now: at(60) }).steps;
    const index = steps.findIndex((s) => s.state === 'failed');
    expect(steps.filter((s) => s.state === 'failed')).toHaveLength(1);
    expect(steps.slice(0, index).every((s) => s.state === 'done')).toBe(true);
    expect(steps.slice(index + 1).every((s) => s.state === 'skipped')).toBe(true);
    const line = renderDeployment(view(deployment, { now: at(60) }))[4 + index]!;
    expect(line.startsWith(`  ✗ ${failed}`)).toBe(true);
    expect(line.endsWith(' — aborted by ana')).toBe(true);
  });

  it('a record from before the failed step was kept: the step after the furthest shift failed', () => {
    const deployment = record('canary', {
      status: 'rolled-back',
      phase: 'rolled-back',
      reason: { kind: 'alarm', message: 'alarm canary-5xx-rate went to ALARM' },
    });
    const traffic = [
      { at: '2026-12-01T10:00:00.000Z', stable: 100, candidate: 0 },
      { at: '2026-12-01T10:01:00.000Z', stable: 90, candidate: 10 },
      { at: '2026-12-01T10:02:00.000Z', stable: 100, candidate: 0 },
    ];
    const states = view(deployment, { now: at(200), traffic }).steps.map((s) => s.state);
    expect(states).toEqual([...Array(5).fill('done'), 'failed', ...Array(5).fill('skipped')]);
  });

  it('a service with a queued push and its live task set', () => {
    const lines = serviceLines({
      name: 'web',
      strategy: 'linear',
      health: 'ok',
      live: { release: 3, image: image('web', 'e'), digest: null },
      deployment: null,
      alarms: [{ name: 'web-5xx-rate', state: 'OK' }],
      settings: getService(catalog, 'linear')!,
      liveTaskSet: { taskSetId: 'ts', desired: 4, running: 4, pending: 0, healthy: 4, steady: true },
      queued: { image: `${REGISTRY}/web:v4@sha256:${'a'.repeat(64)}`, pushedAt: '2026-12-01T10:00:00.000Z' },
      recentDeployments: [
        {
          deploymentId: 'web-1',
          release: 3,
          status: 'promoted',
          image: image('web', 'e'),
          startedAt: '2026-12-01T09:00:00.000Z',
          endedAt: '2026-12-01T09:05:00.000Z',
          endedSecondsAgo: 3305,
          reason: null,
        },
      ],
      now: '2026-12-01T10:00:05.000Z',
    });
    expect(lines).toEqual([
      'web: release 3 is live, web@sha256:eeeeeeeeeeee (linear)',
      'tasks   live       desired 4  running 4  healthy 4',
      'No deployment in progress.',
      "queued  web:v4@sha256:aaaaaaaaaaaa, pushed 5s ago; starts when the service's lock frees",
      'alarms  web-5xx-rate OK',
      'Recent deployments:',
      '  release 3  promoted    2026-12-01T09:00:00.000Z  web-1',
    ]);
  });
});

describe('status --watch, piped: one block per change, then the outcome', () => {
  it('prints a block when something changes, not when only the clock moves', async () => {
    const base = record('allatonce', { phase: 'wait-healthy', updatedAt: at(5) });
    const views: AnyDeploymentView[] = [
      view(base, { now: at(10), capacities: new Map([['ts-stable', steady(2)]]) }),
      view(base, { now: at(20), capacities: new Map([['ts-stable', steady(2)]]) }), // only the clock moved
      view(
        {
          ...base,
          status: 'rolled-back',
          phase: 'rolled-back',
          updatedAt: at(40),
          failedStep: { phase: 'bake', candidate: 100 },
          reason: { kind: 'alarm', message: 'alarm allatonce-5xx-rate went to ALARM' },
        },
        { now: at(41), execution: { status: 'FAILED', error: 'RolledBack', cause: '', startDate: T0 } },
      ),
    ];
    const client = { get: () => Promise.resolve(views.shift()) } as unknown as ApiClient;
    const io = capture();
    const last = await follow(client, base.deploymentId, io, { mode: 'plain', intervalMs: 1 });

    expect(last.status).toBe('rolled-back');
    expect(io.stdout).toEqual([
      'allatonce-abcabcabcabc-1: allatonce release 7, all-at-once, running (wait-healthy)',
      'progress  step 4/9, 10s elapsed',
      'image   allatonce@sha256:abcabcabcabc (stable: release 6, allatonce@sha256:123123123123)',
      '',
      '  ✓ check alarms (refuse to start if any is in ALARM): allatonce-5xx-rate',
      '  ✓ register a task definition revision with the image pinned by digest',
      '  ✓ create the new task set behind the idle target group',
      '  ▶ wait until the new tasks are running and their targets healthy',
      '  · shift 100% of production traffic to the new task set (t+0s)',
      '  · final bake 2m, watching 1 alarm(s)',
      '  · promote: make the new task set primary',
      '  · keep the old task set for 1m (rollback is a weight flip)',
      '  · scale in and delete the old task set',
      '',
      'stable ████████████████████ candidate 0%',
      'tasks   stable     desired 2  running 2  healthy 2',
      'alarms  allatonce-5xx-rate OK',
      '',
      'allatonce-abcabcabcabc-1: allatonce release 7, all-at-once, rolled back',
      'progress  step 6/9, took 40s',
      'image   allatonce@sha256:abcabcabcabc (stable: release 6, allatonce@sha256:123123123123)',
      '',
      '  ✓ check alarms (refuse to start if any is in ALARM): allatonce-5xx-rate',
      '  ✓ register a task definition revision with the image pinned by digest',
      '  ✓ create the new task set behind the idle target group',
      '  ✓ wait until the new tasks are running and their targets healthy',
      '  ✓ shift 100% of production traffic to the new task set (t+0s)',
      '  ✗ final bake 2m, watching 1 alarm(s) — alarm allatonce-5xx-rate went to ALARM',
      '  – promote: make the new task set primary',
      '  – keep the old task set for 1m (rollback is a weight flip)',
      '  – scale in and delete the old task set',
      '',
      'stable ████████████████████ candidate 0%',
      'alarms  allatonce-5xx-rate OK',
      'reason  alarm allatonce-5xx-rate went to ALARM',
      '✗ allatonce-abcabcabcabc-1 rolled back: alarm allatonce-5xx-rate went to ALARM',
    ]);
  });
});
