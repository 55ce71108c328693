// The sequential judge in a linear rollout, with the real ASL and handlers over fakes: the
// first step holds for its first look, each ShiftTraffic reads only the minutes it has not
// read, a plain regression rolls back at the first step's weight, a healthy release goes
// through, and each look keeps its account of every metric.

import { describe, expect, it } from 'vitest';
import { SEQUENTIAL_FIRST_STEP_SECONDS } from '../../shared/domain/analysis-plan.js';
import { abort, approve } from '../../shared/engine/operator.js';
import { expectAtRest, lastRecord } from '../support/at-rest.js';
import {
  depsOf,
  drive,
  judgedWebWorld,
  start,
  statesEntered,
  webImage,
  type ServiceYaml,
  type World,
} from '../../harness/engine.js';

/** web judged sequentially, with `change` made to its analysis settings. */
function setUp(change?: (analysis: ServiceYaml['analysis']) => void) {
  return { ...judgedWebWorld({ analysis: change }), image: webImage(2) };
}

const minutes = (value: number) => Array<number>(40).fill(value);

/** Per minute: the baseline serves 900 requests, 1% of them 5xx and 1% slower than its p99. */
function baseline(world: World, blue: string) {
  world.metrics.data.set(blue, {
    'latency-p99': [0.25],
    'error-rate--events': minutes(9),
    'error-rate--exposure': minutes(900),
    'latency-p99--rank': minutes(99),
    'latency-p99--exposure': minutes(900),
  });
}

/** The canary serves 100 requests a minute with `errors` 5xx and `slower` percent above the p99. */
function canary(world: World, green: string, { errors = 1, slower = 1 } = {}) {
  world.metrics.data.set(green, {
    'error-rate--events': minutes(errors),
    'error-rate--exposure': minutes(100),
    'latency-p99--rank': minutes(100 - slower),
    'latency-p99--exposure': minutes(100),
  });
}

const analyses = (world: World) =>
  world.events.published.flatMap((e) => (e.detailType === 'Analysis Completed' ? [e.detail] : []));

describe('the sequential judge in a linear rollout', () => {
  it('stops a canary with 40% of its requests slower than the stable p99 at the first step, explaining why', async () => {
    const { world, blue, green, image } = setUp();
    baseline(world, blue);
    canary(world, green, { slower: 40 });
    const execution = start(world, 'canary', { service: 'web', image });
    await drive(world, execution);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    // One ShiftTraffic moved traffic (to 10%); the next looked, and rolled back.
    const shifts = statesEntered(execution).filter((s) => s === 'ShiftTraffic');
    expect(shifts).toHaveLength(2);
    expect(
      world.router.changes.map((c) => c.weights.find((w) => w.targetGroupArn === green)?.weight),
    ).not.toContain(20);
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'analysis', failedMetrics: ['latency-p99'] } },
    });
    const deployment = world.deployments.items.get(execution.name)!;
    const look = deployment.analysis!;
    expect(look).toMatchObject({
      method: 'sequential',
      classification: 'Fail',
      verdict: 'roll back',
      step: 0,
    });
    const p99 = look.metrics!.find((m) => m.name === 'latency-p99')!;
    expect(p99.classification).toBe('High');
    expect(p99.reason).toMatch(
      /^High: the e-value against "the canary's rate of requests slower than 0\.25 s/,
    );
    expect(p99.effect.measure).toBe('rate ratio');
    expect(p99.effect.estimate).toBeCloseTo(40, 0);
    // The first look had the first step's minutes: at least one whole minute at 10%.
    expect(p99.samples.minutes).toBeGreaterThanOrEqual(2);
    expect(deployment.evidence!.thresholds).toEqual({ 'latency-p99': 0.25 });
  });

  it('holds the first step for its first look, reads each minute once, and promotes a healthy canary', async () => {
    const { world, blue, green, image } = setUp();
    baseline(world, blue);
    canary(world, green);
    const execution = start(world, 'canary', { service: 'web', image });
    await drive(world, execution);

    expect(execution.cause ?? '').toBe('');
    expect(execution.status).toBe('SUCCEEDED');
    const deployment = world.deployments.items.get(execution.name)!;
    // The plan the deployment kept shows the first step's longer bake.
    const bakes = deployment.plan!.filter((s) => s.kind === 'bake');
    expect(bakes[0]).toMatchObject({ seconds: SEQUENTIAL_FIRST_STEP_SECONDS, analysis: true });
    expect(bakes[1]).toMatchObject({ seconds: 60, analysis: true });
    const looks = analyses(world);
    expect(looks.length).toBe(9);
    expect(looks.every((a) => a.verdict === 'continue' && a.classification !== 'Fail')).toBe(true);
    expect(looks.map((a) => a.final)).toEqual([...Array(8).fill(false), true]);
    // Minute reads of the two groups never overlap from one look to the next.
    const reads = world.metrics.reads.filter((r) => r.names.includes('error-rate--events'));
    const canaryReads = reads.filter((r) => r.targetGroupArn === green).map((r) => r.window);
    for (let i = 1; i < canaryReads.length; i++) expect(canaryReads[i]!.start).toBe(canaryReads[i - 1]!.end);
    // Only the latest look keeps every metric's full account; each earlier one keeps its brief.
    const kept = deployment.analyses!;
    expect(kept.slice(0, -1).every((a) => a.metrics === undefined && a.brief?.length === 2)).toBe(true);
    expect(kept.at(-1)!.metrics).toHaveLength(2);
    expect(JSON.stringify(deployment).length).toBeLessThan(60_000);
    // The tally counts each minute once: the minutes read from the first look to the last.
    const errors = deployment.evidence!.metrics.find((m) => m.name === 'error-rate')!;
    const readMinutes = (canaryReads.at(-1)!.end - canaryReads[0]!.start) / 60_000;
    expect(errors.minutes).toBe(readMinutes);
    expect(errors).toMatchObject({ canary: { events: readMinutes, exposure: 100 * readMinutes } });
    await expectAtRest(world, 'web', image);
  });

  it('refuses blue-green for a service judged sequentially', async () => {
    const { world, image } = setUp();
    const execution = start(world, 'blue-green', { service: 'web', image, strategy: 'blue-green' });
    await drive(world, execution);
    expect(execution.status).toBe('FAILED');
    expect(execution.cause).toContain(
      'sequential analysis compares two task sets serving production at once',
    );
  });

  it('with onFail: pause, a failed look waits for a person instead; approved, the next look that fails asks again; aborted, it rolls back', async () => {
    const { world, blue, green, image } = setUp((a) => (a.onFail = 'pause'));
    baseline(world, blue);
    canary(world, green, { slower: 40 });
    const execution = start(world, 'canary', { service: 'web', image });
    const asked = () => world.deployments.items.get(execution.name)?.approval !== undefined;
    await drive(world, execution, asked);

    const waiting = world.deployments.items.get(execution.name)!;
    expect(waiting.phase).toBe('approval (analysis failed)');
    expect(waiting.weights).toEqual({ stable: 90, candidate: 10 });
    expect(waiting.analysis).toMatchObject({ classification: 'Fail', verdict: 'pause', step: 0 });
    expect(waiting.analysis!.reason).toMatch(/onFail is pause, so a person decides$/);
    expect(world.events.published.at(-1)).toMatchObject({
      detailType: 'Approval Needed',
      detail: { because: 'analysis failed' },
    });

    await approve(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'known slow path' });
    await drive(
      world,
      execution,
      () => world.deployments.items.get(execution.name)?.analysis?.step === 1 && asked(),
    );
    expect(world.deployments.items.get(execution.name)).toMatchObject({
      phase: 'approval (analysis failed)',
      weights: { stable: 80, candidate: 20 },
    });
    await abort(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'still slow' });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web').detail).toMatchObject({ reason: { kind: 'operator' } });
  });

  it('a metric that rolls back wins over one that pauses', async () => {
    const change = (a: ServiceYaml['analysis']) => {
      a.metrics.find((m) => m.name === 'latency-p99')!.onFail = 'pause';
    };
    const { world, blue, green, image } = setUp(change);
    baseline(world, blue);
    canary(world, green, { slower: 40, errors: 30 });
    const execution = start(world, 'canary', { service: 'web', image });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: { kind: 'analysis', failedMetrics: ['error-rate', 'latency-p99'] },
    });
  });
});
