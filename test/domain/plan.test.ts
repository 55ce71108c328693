import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { planDeployment, type PlanStep } from '../../shared/domain/plan.js';
import { DeploymentRequestInvalid } from '../../shared/domain/errors.js';
import type { ServiceEntry } from '../../shared/domain/catalog-schema.js';
import { describeStep } from '../../shared/domain/step-words.js';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';

const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

const catalog = parseCatalog(readFileSync(new URL('../../examples/catalog.yml', import.meta.url), 'utf8'));
const web = catalog.services.web!;
const api = catalog.services.api!;
const worker = catalog.services.worker!;
/** web without its analysis: its only gate is then the BeforeAllowTraffic hook. */
const webUnjudged: ServiceEntry = { ...web, analysis: { ...web.analysis, enabled: false } };

/** A compact picture of the steps, to compare whole plans at a glance. */
function outline(steps: PlanStep[]): string[] {
  return steps.map((s) => {
    switch (s.kind) {
      case 'hook':
        return `hook ${s.hook}`;
      case 'shift':
        return `shift ${s.weight}% @${s.atSeconds}s`;
      case 'bake':
        return `bake ${s.seconds}s${s.analysis ? ' +analysis' : ''}${s.final ? ' (final)' : ''}`;
      case 'scale-batch':
        return `batch ${s.batch}: ${s.candidatePercent}/${s.stablePercent}`;
      case 'create-task-set':
        return `create-task-set ${s.targetGroup} ${s.scalePercent}%`;
      case 'termination-wait':
        return `termination-wait ${s.seconds}s`;
      case 'approval':
        return `approval ${s.timeoutSeconds}s`;
      default:
        return s.kind;
    }
  });
}

describe('planDeployment', () => {
  it('plans a linear deployment: hooks, ten shifts with analysed bakes, final bake, promote, clean up', () => {
    const plan = planDeployment('web', web);
    expect(plan.strategy).toBe('linear');
    expect(plan.scheduleSource).toBe('Linear10PercentEvery1Minutes');
    expect(outline(plan.steps)).toEqual([
      'check-alarms',
      'register-task-definition',
      'create-task-set idle 100%',
      'wait-healthy',
      'hook BeforeAllowTraffic',
      ...[10, 20, 30, 40, 50, 60, 70, 80, 90].flatMap((w, i) => [
        `shift ${w}% @${i * 60}s`,
        'bake 60s +analysis',
      ]),
      'shift 100% @540s',
      'bake 300s (final)',
      'promote',
      'termination-wait 300s',
      'clean-up',
    ]);
    expect(plan.minimumSeconds).toBe(540 + 300 + 300);
    expect(plan.steps[0]).toEqual({ kind: 'check-alarms', alarms: ['web-5xx-rate', 'web-p99-latency'] });
  });

  it('plans a blue-green deployment: test traffic with its hooks, approval, one shift, analysed final bake', () => {
    const plan = planDeployment('api', { ...api, analysis: { ...api.analysis, enabled: true } });
    expect(plan.scheduleSource).toBe('AllAtOnce');
    expect(outline(plan.steps)).toEqual([
      'check-alarms',
      'register-task-definition',
      'create-task-set idle 100%',
      'wait-healthy',
      'test-traffic',
      'hook AfterAllowTestTraffic',
      'approval 86400s',
      'shift 100% @0s',
      'bake 600s +analysis (final)',
      'promote',
      'termination-wait 900s',
      'clean-up',
    ]);
  });

  it('plans a rolling deployment in batches within the stable target group, each health-gated', () => {
    const plan = planDeployment('worker', worker);
    expect(plan.schedule).toBeNull();
    expect(outline(plan.steps)).toEqual([
      'check-alarms',
      'register-task-definition',
      'create-task-set stable 0%',
      'batch 1: 25/75',
      'wait-healthy',
      'batch 2: 50/50',
      'wait-healthy',
      'batch 3: 75/25',
      'wait-healthy',
      'batch 4: 100/0',
      'wait-healthy',
      'bake 120s (final)',
      'promote',
      'clean-up',
    ]);
  });

  it('rolls in a last partial batch when the batch size does not divide 100', () => {
    const plan = planDeployment('worker', worker, { batchPercent: 40 });
    expect(outline(plan.steps).filter((s) => s.startsWith('batch'))).toEqual([
      'batch 1: 40/60',
      'batch 2: 80/20',
      'batch 3: 100/0',
    ]);
  });

  it('runs every hook at its CodeDeploy point when all four are set', () => {
    const entry: ServiceEntry = {
      ...api,
      approval: { required: false, timeoutSeconds: 3600, separateApprover: false },
      hooks: {
        AfterAllowTraffic: 'd',
        BeforeAllowTraffic: 'c',
        AfterAllowTestTraffic: 'b',
        BeforeAllowTestTraffic: 'a',
      },
    };
    const hooks = planDeployment('api', entry, { strategy: 'canary' }).steps.flatMap((s) =>
      s.kind === 'hook' || s.kind === 'test-traffic' || s.kind === 'shift' ? [outline([s])[0]] : [],
    );
    expect(hooks).toEqual([
      'hook BeforeAllowTestTraffic',
      'test-traffic',
      'hook AfterAllowTestTraffic',
      'hook BeforeAllowTraffic',
      'shift 10% @0s',
      'shift 100% @300s',
      'hook AfterAllowTraffic',
    ]);
  });

  it('leaves out bakes of zero seconds', () => {
    const plan = planDeployment('web', { ...webUnjudged, bakeSeconds: 0 }, { strategy: 'all-at-once' });
    expect(outline(plan.steps).filter((s) => s.startsWith('bake'))).toEqual([]);
  });
});

describe('overrides from the deploy request', () => {
  it('a preset alone picks the strategy it belongs to', () => {
    const plan = planDeployment('web', web, { preset: 'Canary10Percent15Minutes' });
    expect(plan.strategy).toBe('canary');
    expect(plan.schedule).toEqual([
      { weight: 10, atSeconds: 0, bakeSeconds: 900 },
      { weight: 100, atSeconds: 900, bakeSeconds: 0 },
    ]);
  });

  it('AllAtOnce on a blue-green service stays blue-green', () => {
    expect(planDeployment('api', api, { preset: 'AllAtOnce' }).strategy).toBe('blue-green');
    expect(planDeployment('web', webUnjudged, { preset: 'AllAtOnce' }).strategy).toBe('all-at-once');
  });

  it('a strategy alone keeps the catalog preset when it fits, or takes the first that does', () => {
    expect(planDeployment('web', web, { strategy: 'linear' }).scheduleSource).toBe(
      'Linear10PercentEvery1Minutes',
    );
    expect(planDeployment('web', web, { strategy: 'canary' }).scheduleSource).toBe('Canary10Percent5Minutes');
    expect(planDeployment('web', webUnjudged, { strategy: 'rolling' }).scheduleSource).toBe('rolling');
  });

  it.each([
    [{ strategy: 'sideways' }, 'strategy'],
    [{ preset: 'Linear50PercentEvery1Minutes' }, 'preset'],
    [{ strategy: 'linear', preset: 'Canary10Percent5Minutes' }, 'preset'],
    [{ strategy: 'rolling', preset: 'AllAtOnce' }, 'preset'],
    [{ batchPercent: 0 }, 'batchPercent'],
    [{ batchPercent: 12.5 }, 'batchPercent'],
  ])('rejects %o at %s', (options, path) => {
    try {
      planDeployment('web', web, options);
      expect.unreachable('the plan should have been refused');
    } catch (error) {
      expect(error).toBeInstanceOf(DeploymentRequestInvalid);
      expect((error as DeploymentRequestInvalid).problems.map((p) => p.path)).toEqual([path]);
    }
  });
});

describe("the catalog's gates are a floor", () => {
  /** The message of the one problem a refused plan has, at `path`. */
  function refusal(service: string, entry: ServiceEntry, options: object, path: string): string {
    try {
      planDeployment(service, entry, options);
    } catch (error) {
      expect(error).toBeInstanceOf(DeploymentRequestInvalid);
      const problems = (error as DeploymentRequestInvalid).problems;
      expect(problems.map((p) => p.path)).toEqual([path]);
      return problems[0]!.message;
    }
    throw new Error(`the plan ${JSON.stringify(options)} for ${service} should have been refused`);
  }

  const gated = (steps: PlanStep[]) =>
    outline(steps).filter((s) => /^(approval|test-traffic|hook|bake .*\+analysis)/.test(s));

  it('api (test traffic, AfterAllowTestTraffic, approval) cannot roll: the message names what rolling skips and keeps', () => {
    const message = refusal('api', api, { strategy: 'rolling' }, 'strategy');
    expect(message).toBe(
      'strategy rolling would skip test traffic and hook AfterAllowTestTraffic, which the catalog requires of api ' +
        '(rolling keeps approval); leave it out to deploy as the catalog says (blue-green), or choose a strategy that keeps every gate: blue-green, canary, linear, all-at-once',
    );
  });

  it.each([
    [{ strategy: 'all-at-once' }, 'strategy', 'strategy all-at-once would skip analysis'],
    [{ strategy: 'rolling' }, 'strategy', 'strategy rolling would skip analysis'],
    [{ preset: 'AllAtOnce' }, 'preset', 'preset AllAtOnce (strategy all-at-once) would skip analysis'],
  ])('web (analysis on) refuses %o: no second target group to judge', (options, path, words) => {
    const message = refusal('web', web, options, path);
    expect(message).toContain(words);
    expect(message).toContain('keeps hook BeforeAllowTraffic');
    expect(message).toContain('keeps every gate: blue-green, canary, linear');
  });

  it.each(['blue-green', 'canary', 'linear', 'all-at-once'])(
    'api overridden to %s keeps test traffic, its hook and approval, in that order',
    (strategy) => {
      expect(gated(planDeployment('api', api, { strategy }).steps)).toEqual([
        'test-traffic',
        'hook AfterAllowTestTraffic',
        'approval 86400s',
      ]);
    },
  );

  it('rolling waits for approval after creating its task set, before the BeforeAllowTraffic hook and the first batch', () => {
    const entry: ServiceEntry = {
      ...worker,
      approval: { required: true, timeoutSeconds: 600, separateApprover: false },
      hooks: { BeforeAllowTraffic: 'smoke' },
    };
    expect(outline(planDeployment('worker', entry).steps).slice(0, 6)).toEqual([
      'check-alarms',
      'register-task-definition',
      'create-task-set stable 0%',
      'approval 600s',
      'hook BeforeAllowTraffic',
      'batch 1: 25/75',
    ]);
  });

  it('a service that requires approval and hooks, but no test traffic or analysis, may roll', () => {
    const entry: ServiceEntry = { ...webUnjudged, approval: { ...web.approval, required: true } };
    expect(gated(planDeployment('web', entry, { strategy: 'rolling' }).steps)).toEqual([
      'approval 3600s',
      'hook BeforeAllowTraffic',
    ]);
  });

  it('a rollback (approval and analysis off in its settings) may run all at once on a judged service', () => {
    const rollbackSettings: ServiceEntry = {
      ...web,
      approval: { ...web.approval, required: false },
      analysis: { ...web.analysis, enabled: false },
    };
    expect(planDeployment('web', rollbackSettings, { strategy: 'all-at-once' }).strategy).toBe('all-at-once');
  });

  describe('with a real baseline (analysis.baseline)', () => {
    const baselined: ServiceEntry = {
      ...web,
      traffic: {
        ...web.traffic,
        baselineTargetGroup:
          'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-base/0a1b2c3d4e5f',
      },
      analysis: { ...web.analysis, baseline: true },
    };

    it("starts the baseline with the canary and gives it the canary's share while the stable one has as much", () => {
      const { steps } = planDeployment('web', baselined);
      expect(steps.find((s) => s.kind === 'create-task-set')).toMatchObject({ baseline: true });
      const shares = steps.flatMap((s) => (s.kind === 'shift' ? [[s.weight, s.baseline]] : []));
      expect(shares).toEqual([
        [10, 10],
        [20, 20],
        [30, 30],
        [40, 40],
        [50, 50],
        [60, 40],
        [70, 30],
        [80, 20],
        [90, 10],
        [100, 0],
      ]);
      const words = steps.map(describeStep);
      expect(words).toContain(
        'create the new task set behind the idle target group, and a baseline task set of the stable revision, the same size, behind the baseline target group',
      );
      expect(words).toContain(
        'shift 30% of production traffic to the new task set and 30% to the baseline (t+2m)',
      );
      expect(words.filter((w) => w.startsWith('shift 100%'))).toEqual([
        'shift 100% of production traffic to the new task set and none to the baseline, which goes at promotion (t+9m)',
      ]);
    });

    it('runs none for a deployment that judges nothing (a rollback, whose settings turn analysis off)', () => {
      expect(planDeployment('web', baselined).steps.some((s) => 'baseline' in s)).toBe(true);
      const rollback = { ...baselined, analysis: { ...baselined.analysis, enabled: false } };
      expect(planDeployment('web', rollback).steps.some((s) => 'baseline' in s)).toBe(false);
    });

    it('refuses blue-green, which never serves a baseline beside the canary', () => {
      expect(() => planDeployment('web', baselined, { strategy: 'blue-green' })).toThrow(
        /judges the canary against a baseline task set serving beside it, which blue-green never does/,
      );
    });
  });

  describe('with a header-routed step (headerStep)', () => {
    const routed: ServiceEntry = {
      ...web,
      headerStep: { header: 'X-Canary', values: ['always', 'yes'], seconds: 600, rulePriority: 5 },
    };

    it('comes first, at weight 0, for its seconds; the weighted steps follow as late', () => {
      const plan = planDeployment('web', routed);
      expect(plan.schedule!.slice(0, 3)).toEqual([
        { weight: 0, atSeconds: 0, bakeSeconds: 600, header: true },
        { weight: 10, atSeconds: 600, bakeSeconds: 60 },
        { weight: 20, atSeconds: 660, bakeSeconds: 60 },
      ]);
      const words = plan.steps.map(describeStep);
      const first = words.findIndex((w) => w.startsWith('send only'));
      expect(words[first]).toBe(
        'send only requests with header X-Canary: always or yes to the new task set, by a listener rule of its own, before any weighted traffic (t+0s)',
      );
      expect(words[first + 1]).toBe('bake 10m, watching 2 alarm(s), then canary analysis');
      expect(words[first + 2]).toMatch(/^shift 10% of production traffic to the new task set \(t\+10m\)$/);
    });

    it('is a gate: a strategy that would skip it is refused; a rollback runs without it', () => {
      expect(() =>
        planDeployment(
          'web',
          { ...routed, analysis: { ...web.analysis, enabled: false } },
          { strategy: 'all-at-once' },
        ),
      ).toThrow(/would skip header step/);
      const rollback = validateDeploymentRequest(
        {
          service: 'web',
          image: `${REGISTRY}/web@sha256:${'a'.repeat(64)}`,
          trigger: 'rollback',
          actor: 'operator:ana',
        },
        { ...catalog, services: { ...catalog.services, web: routed } },
        'web-rollback',
      );
      expect(rollback.settings.headerStep).toBeUndefined();
      expect(rollback.plan.steps.some((step) => step.kind === 'shift' && step.header !== undefined)).toBe(
        false,
      );
    });
  });
});
