// What `status` and `--watch` draw, as pure functions of the API's deployment view. The
// fixture is a real GET /deployments/{id} answer (a linear deployment baking at 30%); each
// test clones it and changes what it is about.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { exitCodeOf, isEnded, outcomeLine } from '../../cli/follow.js';
import { renderDeployment, weightsBar } from '../../cli/render/deployment.js';
import { shortImage } from '../../shared/domain/image-words.js';
import type { DeploymentView } from '../../shared/api/views.js';

const FIXTURE = new URL('../fixtures/cli/deployment-linear-bake.json', import.meta.url);
const baking = (): DeploymentView => JSON.parse(readFileSync(FIXTURE, 'utf8')) as DeploymentView;

describe('renderDeployment', () => {
  it('draws the header, the steps done, current and to come, the weights, the alarms and the bake', () => {
    const lines = renderDeployment(baking());
    expect(lines.slice(0, 3)).toEqual([
      'web-fcdeeb247cfe: web release 5, linear, running (bake)',
      'progress  step 10/27, 4m 2s elapsed',
      'image   web@sha256:fcdeeb247cfe (stable: release 4, web@sha256:2e088daf866c)',
    ]);
    expect(lines).toContain('  ✓ shift 30% of production traffic to the new task set (t+2m)');
    expect(lines).toContain('  · shift 40% of production traffic to the new task set (t+3m)');
    expect(lines.filter((l) => l.startsWith('  ▶ '))).toEqual([
      '  ▶ bake 1m, watching 1 alarm(s), then canary analysis',
    ]);
    expect(lines.filter((l) => /^ {2}[✓▶·] /.test(l))).toHaveLength(baking().steps.length);
    expect(lines.slice(-5)).toEqual([
      'stable ██████████████░░░░░░ candidate 30%',
      'tasks   stable     desired 4  running 4  healthy 4',
      '        candidate  desired 4  running 3  healthy -  pending 1',
      'alarms  web-5xx-rate OK',
      'bake    42s left',
    ]);
  });

  it('folds the steps long done and long to come when told how many fit', () => {
    const lines = renderDeployment(baking(), { maxSteps: 8 });
    const steps = lines.filter((l) => /^ {2}[✓▶·] /.test(l));
    expect(steps).toHaveLength(8);
    expect(steps[0]).toBe('  ✓ … 7 steps done');
    expect(steps[3]).toMatch(/^ {2}▶ bake 1m/);
    expect(steps.at(-1)).toBe('  · … 14 more steps');
  });

  it('shows each hook: passed or failed after how many calls, with its message, and the one running', () => {
    const view = baking();
    view.hooks = [
      {
        hook: 'BeforeAllowTraffic',
        status: 'Succeeded',
        calls: 4,
        message: '5 of 5 answered 200',
        endedAt: '…',
      },
      { hook: 'AfterAllowTraffic', status: 'Running', calls: 1, message: null, endedAt: null },
    ];
    const lines = renderDeployment(view);
    expect(lines).toContain('hook    BeforeAllowTraffic passed after 4 calls: 5 of 5 answered 200');
    expect(lines).toContain('hook    AfterAllowTraffic running, 1 call so far (IN_PROGRESS)');
  });

  it('shows the latest canary analysis: interim or final, score, failing metrics and what follows', () => {
    const view = baking();
    view.analysis = {
      at: '2026-11-27T10:05:00.000Z',
      method: 'mann-whitney',
      step: 8,
      window: null,
      metrics: null,
      brief: null,
      final: true,
      classification: 'Marginal',
      score: 50,
      verdict: 'pause',
      reason: 'final analysis: score 50 is below pass 95 but reaches marginal 40',
      failedMetrics: ['latency-p50'],
    };
    expect(renderDeployment(view)).toContain(
      'analysis  final Marginal, score 50, failing: latency-p50 → pause',
    );
    view.analysis = {
      ...view.analysis,
      final: false,
      classification: 'Pass',
      score: 100,
      verdict: 'continue',
      failedMetrics: [],
    };
    expect(renderDeployment(view)).toContain('analysis  interim Pass, score 100 → continue');
  });

  it('shows an alarm in ALARM, an approval wait, and the reason of a rollback', () => {
    const view = {
      ...baking(),
      status: 'rolled-back' as const,
      bake: null,
      weights: { stable: 100, candidate: 0 },
      alarms: [{ name: 'web-5xx-rate', state: 'ALARM' as const }],
      approval: { expiresAt: '2026-11-27T18:00:00.000Z', secondsLeft: 60 },
      reason: {
        kind: 'alarm' as const,
        message: 'alarm web-5xx-rate went to ALARM',
        alarmName: 'web-5xx-rate',
      },
    };
    const lines = renderDeployment(view);
    expect(lines[0]).toBe('web-fcdeeb247cfe: web release 5, linear, rolled back');
    expect(lines).toContain('stable ████████████████████ candidate 0%');
    expect(lines).toContain('alarms  web-5xx-rate ALARM');
    expect(lines).toContain(
      'approval  waiting, 1m left (until 2026-11-27T18:00:00.000Z): cutover approve web-fcdeeb247cfe',
    );
    expect(lines.at(-1)).toBe('reason  alarm web-5xx-rate went to ALARM');
    expect(lines.some((l) => l.startsWith('bake'))).toBe(false);
  });

  it('draws a deployment that is starting, or was refused before it began', () => {
    const execution = { status: 'FAILED' as const, error: 'ServiceBusy', cause: 'web is being deployed' };
    expect(
      renderDeployment({
        deploymentId: 'web-1',
        status: 'starting',
        execution: { ...execution, status: 'RUNNING' as const },
      }),
    ).toEqual(["web-1: starting (the execution runs; it has not taken the service's lock yet)"]);
    expect(renderDeployment({ deploymentId: 'web-1', status: 'refused', execution })).toEqual([
      'web-1: refused before it began',
      'reason  ServiceBusy: web is being deployed',
    ]);
  });
});

describe('weightsBar', () => {
  it.each([
    [100, 0, 'stable ████████████████████ candidate 0%'],
    [90, 10, 'stable ██████████████████░░ candidate 10%'],
    [70, 30, 'stable ██████████████░░░░░░ candidate 30%'],
    [0, 100, 'stable ░░░░░░░░░░░░░░░░░░░░ candidate 100%'],
  ])('stable %i, candidate %i: %s', (stable, candidate, bar) => {
    expect(weightsBar({ stable, candidate })).toBe(bar);
  });

  it.each([
    [60, 20, 20, 'stable ████████████▒▒▒▒░░░░ candidate 20%, baseline 20%'],
    [0, 60, 40, 'stable ▒▒▒▒▒▒▒▒░░░░░░░░░░░░ candidate 60%, baseline 40%'],
    [0, 100, 0, 'stable ░░░░░░░░░░░░░░░░░░░░ candidate 100%, baseline 0%'],
  ])('with a baseline: stable %i, candidate %i, baseline %i: %s', (stable, candidate, baseline, bar) => {
    expect(weightsBar({ stable, candidate, baseline })).toBe(bar);
  });
});

describe('a deployment with a baseline', () => {
  it('draws its task set beside the others while it runs, and says when promotion removed it', () => {
    const view = baking();
    view.weights = { stable: 40, candidate: 30, baseline: 30 };
    const counts = { taskSetId: 'ecs-svc/3', desired: 4, running: 4, pending: 0, healthy: 4, steady: true };
    view.taskSets = { ...view.taskSets!, baseline: counts };
    const lines = renderDeployment(view);
    expect(lines).toContain('stable ████████▒▒▒▒▒▒░░░░░░ candidate 30%, baseline 30%');
    expect(lines).toContain('        baseline   desired 4  running 4  healthy 4');
    view.taskSets = { ...view.taskSets, baseline: { taskSetId: 'ecs-svc/3', removed: true } };
    expect(renderDeployment(view)).toContain('        baseline   removed');
  });
});

describe('the end of a deployment', () => {
  it.each([
    ['running', false, 0],
    ['promoted', true, 0],
    ['rolled-back', true, 1],
    ['aborted', true, 1],
  ] as const)('%s: ended %s, exit %i', (status, ended, code) => {
    const view = { ...baking(), status };
    expect(isEnded(view)).toBe(ended);
    expect(exitCodeOf(view)).toBe(code);
  });

  it('a running deployment whose execution failed has ended, and failed', () => {
    const view = {
      ...baking(),
      execution: { status: 'FAILED' as const, error: 'States.Runtime', cause: 'boom' },
    };
    expect(isEnded(view)).toBe(true);
    expect(exitCodeOf(view)).toBe(1);
    expect(outcomeLine(view)).toBe('✗ web-fcdeeb247cfe stopped: its execution ended FAILED States.Runtime');
  });

  it('says how it ended', () => {
    expect(outcomeLine({ ...baking(), status: 'promoted' })).toBe(
      '✓ web-fcdeeb247cfe promoted: release 5 of web is live',
    );
    expect(
      outcomeLine({
        ...baking(),
        status: 'aborted',
        reason: { kind: 'operator', message: 'aborted by operator:ana' },
      }),
    ).toBe('✗ web-fcdeeb247cfe aborted: aborted by operator:ana');
  });
});

describe('shortImage', () => {
  it('drops the registry and keeps 12 digits of the digest', () => {
    expect(shortImage(`000000000000.dkr.ecr.us-east-1.amazonaws.com/team/web@sha256:${'c'.repeat(64)}`)).toBe(
      'team/web@sha256:cccccccccccc',
    );
    expect(shortImage('web:v2')).toBe('web:v2');
    expect(shortImage(`team/web@sha256:${'d'.repeat(64)}`)).toBe('team/web@sha256:dddddddddddd');
  });
});
