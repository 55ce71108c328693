// Canary analysis in the canary (linear) and blue-green state machines, with the real
// ASL and handlers over fakes: every bake of a linear rollout is judged over a growing
// window, both target groups over the same minutes; blue-green judges once, the new
// group's minutes against the old group's just before the shift. A fail rolls back with
// the score and failing metrics as the reason; a marginal final result waits for a person.

import { describe, expect, it } from 'vitest';
import {
  ANALYSIS_LAG_MINUTES,
  ANALYSIS_PERIOD_SECONDS,
  MIN_ANALYSIS_MINUTES,
} from '../../shared/domain/analysis-plan.js';
import { abort, approve, promote } from '../../shared/engine/operator.js';
import { expectAtRest, lastRecord, ledgerTypes } from '../support/at-rest.js';
import {
  createWorld,
  depsOf,
  DIGEST,
  drive,
  exampleCatalog,
  REGISTRY,
  recordPromoted,
  seedService,
  start,
  statesEntered,
  type World,
} from '../../harness/engine.js';

const MINUTE = ANALYSIS_PERIOD_SECONDS * 1000;
const fast = [0.1, 0.11, 0.1, 0.12, 0.1, 0.11, 0.1, 0.12, 0.11, 0.1];
const slow = fast.map((v) => v * 3);

/** Thresholds under which one failing metric of two (score 50) is marginal, not a fail. */
const lenient = (services: Record<string, Record<string, unknown>>, name = 'web') => {
  (services[name]!.analysis as Record<string, unknown>).thresholds = { pass: 95, marginal: 40 };
};

/** `api` (blue-green) with analysis on and no approval before traffic moves. */
const analysedApi = (services: Record<string, Record<string, unknown>>) => {
  services.api!.analysis = structuredClone(services.web!.analysis);
  services.api!.approval = { required: false };
};

function setUp(text = exampleCatalog(), service = 'web') {
  const world = createWorld(text);
  const entry = seedService(world, service);
  const [blue, green] = entry.traffic.targetGroups;
  return { world, blue, green, image: `${REGISTRY}/${service}@${DIGEST(2)}` };
}

/** The canary is three times slower than the baseline on p99; its error rate is the same. */
function slowCanary(world: World, blue: string, green: string) {
  world.metrics.data.set(blue, { 'error-rate': fast, 'latency-p99': fast });
  world.metrics.data.set(green, { 'error-rate': fast, 'latency-p99': slow });
}

const analyses = (world: World) =>
  world.events.published.flatMap((e) => (e.detailType === 'Analysis Completed' ? [e.detail] : []));

describe('canary analysis in a linear rollout', () => {
  it('judges every bake over a growing window, both groups over the same minutes, and promotes', async () => {
    const { world, blue, green, image } = setUp();
    const execution = start(world, 'canary', { service: 'web', image });
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    // Each bake is judged by the ShiftTraffic after it: no state of its own.
    expect(statesEntered(execution)).not.toContain('Analyze');
    expect(statesEntered(execution).filter((s) => s === 'ShiftTraffic')).toHaveLength(10);
    // A judgement needs 5 whole minutes that ended the lag before it: the bakes before are
    // skipped, the later ones cover them. The 9 bakes end 1 to 9 minutes after the first shift.
    const judged = analyses(world);
    const fewest = 9 - MIN_ANALYSIS_MINUTES - ANALYSIS_LAG_MINUTES;
    expect(judged.length).toBeGreaterThanOrEqual(fewest);
    expect(judged.length).toBeLessThanOrEqual(fewest + 1);
    expect(judged.every((a) => a.classification === 'Pass' && a.verdict === 'continue')).toBe(true);
    expect(judged.map((a) => a.final)).toEqual([...Array(judged.length - 1).fill(false), true]);
    // The deployment keeps every judgement, in order, for the dashboard.
    const kept = world.deployments.items.get(execution.name)!.analyses ?? [];
    expect(kept.map((a) => [a.final, a.score])).toEqual(judged.map((a) => [a.final, a.score]));
    // Reads come in pairs: the stable group, then the new one, over the same whole minutes.
    const reads = world.metrics.reads;
    expect(reads.length).toBe(judged.length * 2);
    for (let i = 0; i < reads.length; i += 2) {
      expect(reads[i]!.targetGroupArn).toBe(blue);
      expect(reads[i + 1]!.targetGroupArn).toBe(green);
      expect(reads[i + 1]!.window).toEqual(reads[i]!.window);
      expect(reads[i]!.window.start % MINUTE).toBe(0);
      expect(reads[i]!.window.end % MINUTE).toBe(0);
      expect(reads[i]!.names).toEqual(['error-rate', 'latency-p99']);
      expect(reads[i]!.window.end - reads[i]!.window.start).toBeGreaterThanOrEqual(5 * MINUTE);
    }
    const starts = new Set(reads.map((r) => r.window.start));
    expect(starts.size).toBe(1);
    const ends = reads.filter((_, i) => i % 2 === 0).map((r) => r.window.end);
    expect(ends).toEqual([...ends].sort((a, b) => a - b));
    expect(new Set(ends).size).toBe(ends.length);
    await expectAtRest(world, 'web', image);
  });

  it('a slow canary fails an interim analysis: the next ShiftTraffic rolls back before moving traffic, naming the metric', async () => {
    const { world, blue, green } = setUp();
    slowCanary(world, blue, green);
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    expect(execution.cause).toContain('latency-p99');
    expect(lastRecord(world, 'web')).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'analysis', score: 50, failedMetrics: ['latency-p99'] } },
    });
    expect(analyses(world).at(-1)).toMatchObject({
      final: false,
      classification: 'Fail',
      verdict: 'roll back',
      score: 50,
      failedMetrics: ['latency-p99'],
    });
    // The ShiftTraffic after the judged bake failed with AnalysisFailed, and rolled back.
    expect(statesEntered(execution).slice(-6)).toEqual([
      'Bake',
      'ShiftTraffic',
      'RollBack',
      'VerifyRollback?',
      'ReleaseLockAfterRollBack',
      'RolledBack',
    ]);
    const failed = execution.history.filter((e) => e.type === 'LambdaFunctionFailed');
    expect(failed.map((e) => (e.lambdaFunctionFailedEventDetails as { error: string }).error)).toEqual([
      'AnalysisFailed',
    ]);
    // Traffic never went past the step whose bake failed: judged, then rolled back, not shifted.
    const weights = world.router.changes.map(
      (c) => c.weights.find((w) => w.targetGroupArn === green)!.weight,
    );
    expect(weights.at(-1)).toBe(0);
    const reached = weights.at(-2)!;
    expect(world.deployments.items.get(execution.name)!.analysis!.step).toBe(reached / 10 - 1);
    expect(statesEntered(execution)).not.toContain('Promote');
    expect(world.events.types()).toContain('Deployment Rolled Back');
    await expectAtRest(world, 'web', `${REGISTRY}/web@${DIGEST(1)}`);
  });

  it('with onFail: pause, the failed interim analysis waits for a person at the weight it reached', async () => {
    const paused = exampleCatalog((services) => {
      services.web!.analysis.onFail = 'pause';
    });
    const { world, blue, green } = setUp(paused);
    slowCanary(world, blue, green);
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
    const waiting = world.deployments.items.get(execution.name)!;
    expect(waiting.phase).toBe('approval (analysis failed)');
    expect(waiting.analysis).toMatchObject({ final: false, classification: 'Fail', verdict: 'pause' });
    expect(statesEntered(execution).at(-1)).toBe('WaitForAnalysisDecision');
    await abort(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'p99 too high' });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
  });

  it('a critical metric that fails sets the score to 0', async () => {
    const { world, blue, green } = setUp();
    world.metrics.data.set(blue, { 'error-rate': fast, 'latency-p99': fast });
    world.metrics.data.set(green, { 'error-rate': slow, 'latency-p99': fast });
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web').detail).toMatchObject({
      reason: { kind: 'analysis', score: 0, failedMetrics: ['error-rate'] },
    });
    expect(
      String((lastRecord(world, 'web').detail as { reason: { message: string } }).reason.message),
    ).toContain('critical metric error-rate failed');
  });

  it('a marginal final result waits at 90% for a person; approve goes on to promotion', async () => {
    const { world, blue, green, image } = setUp(exampleCatalog(lenient));
    slowCanary(world, blue, green);
    const execution = start(world, 'canary', { service: 'web', image });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);

    const waiting = world.deployments.items.get(execution.name)!;
    expect(waiting.phase).toBe('approval (analysis marginal)');
    expect(waiting.weights).toEqual({ stable: 10, candidate: 90 });
    expect(waiting.analysis).toMatchObject({
      final: true,
      classification: 'Marginal',
      verdict: 'pause',
      score: 50,
    });
    // Every interim analysis went on: 50 is above marginal 40.
    expect(
      analyses(world)
        .slice(0, -1)
        .every((a) => a.verdict === 'continue'),
    ).toBe(true);
    expect(world.events.published.at(-1)).toMatchObject({
      detailType: 'Approval Needed',
      detail: { because: 'analysis marginal' },
    });
    expect(statesEntered(execution).at(-1)).toBe('WaitForAnalysisDecision');

    const judgements = analyses(world).length;
    const reads = world.metrics.reads.length;
    await approve(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'p99 is within budget' });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(ledgerTypes(world, 'web').slice(-3)).toEqual(['OperatorAction', 'TrafficShifted', 'Promoted']);
    // The ShiftTraffic after the decision goes on with the judgement made: nothing read or judged again.
    const entered = statesEntered(execution);
    expect(entered.slice(entered.indexOf('WaitForAnalysisDecision'), -4)).toEqual([
      'WaitForAnalysisDecision',
      'ShiftTraffic',
      'AfterShift?',
      'FinalBake',
    ]);
    expect(analyses(world)).toHaveLength(judgements);
    expect(world.metrics.reads).toHaveLength(reads);
    await expectAtRest(world, 'web', image);
  });

  it('a marginal final result that a person aborts rolls back', async () => {
    const { world, blue, green } = setUp(exampleCatalog(lenient));
    slowCanary(world, blue, green);
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
    await abort(depsOf(world), execution.name, { actor: 'operator:ana', reason: 'p99 too high' });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'web').detail).toMatchObject({ reason: { kind: 'operator' } });
    await expectAtRest(world, 'web', `${REGISTRY}/web@${DIGEST(1)}`);
  });

  it('no answer to a marginal result within the approval timeout rolls back', async () => {
    const { world, blue, green } = setUp(exampleCatalog(lenient));
    slowCanary(world, blue, green);
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(statesEntered(execution)).toContain('WaitForAnalysisDecision');
    expect(lastRecord(world, 'web').detail).toMatchObject({ reason: { kind: 'approval-timeout' } });
  });

  it('promote during a bake skips that step’s analysis; promote --full skips every one left', async () => {
    const { world, blue, green } = setUp();
    slowCanary(world, blue, green);
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.bake !== undefined);
    await promote(depsOf(world), execution.name, { actor: 'operator:ana', full: false });
    await drive(world, execution, () => statesEntered(execution).filter((s) => s === 'Bake').length === 2);
    expect(world.deployments.items.get(execution.name)?.phase).not.toBe('rolled back');
    expect(world.metrics.reads).toEqual([]);
    await promote(depsOf(world), execution.name, { actor: 'operator:ana', full: true });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(world.metrics.reads).toEqual([]);
    expect(analyses(world)).toEqual([]);
  });

  it('a rollback is never analysed', async () => {
    const { world, blue, green, image } = setUp();
    slowCanary(world, blue, green);
    await recordPromoted(world, 'web', image);
    const execution = start(world, 'canary', {
      service: 'web',
      image,
      trigger: 'rollback',
      strategy: 'linear',
    });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    // Analyze runs after each bake and returns at once: nothing is read, nothing judged.
    expect(world.metrics.reads).toEqual([]);
    expect(world.events.types()).not.toContain('Analysis Completed');
  });

  it('a metric source that fails rolls back, naming the error', async () => {
    const { world } = setUp();
    world.metrics.failing = new Error('GetMetricData: AccessDenied');
    const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(JSON.stringify(lastRecord(world, 'web').detail)).toContain('GetMetricData: AccessDenied');
  });
});

describe('canary analysis in a blue-green deployment', () => {
  it('judges once after the final bake: the new group after the shift against the old one before it', async () => {
    const { world, blue, green, image } = setUp(exampleCatalog(analysedApi), 'api');
    const execution = start(world, 'blue-green', { service: 'api', image });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    const [before, after] = world.metrics.reads;
    expect(world.metrics.reads).toHaveLength(2);
    expect(before!.targetGroupArn).toBe(blue);
    expect(after!.targetGroupArn).toBe(green);
    expect(before!.window.end).toBeLessThanOrEqual(after!.window.start);
    expect(before!.window.end - before!.window.start).toBe(after!.window.end - after!.window.start);
    // The final bake is 600 s: ten whole minutes, or nine when the shift fell inside a minute,
    // less the newest minutes, whose metrics CloudWatch may not have yet.
    expect([9, 10].map((m) => (m - ANALYSIS_LAG_MINUTES) * MINUTE)).toContain(
      after!.window.end - after!.window.start,
    );
    const entered = statesEntered(execution);
    expect(entered.indexOf('FinalBake')).toBeLessThan(entered.indexOf('Analyze'));
    expect(entered.indexOf('Analyze')).toBeLessThan(entered.indexOf('Promote'));
    expect(analyses(world)).toEqual([expect.objectContaining({ final: true, verdict: 'continue' })]);
  });

  it('a slow green rolls back before promotion', async () => {
    const { world, blue, green } = setUp(exampleCatalog(analysedApi), 'api');
    slowCanary(world, blue, green);
    const execution = start(world, 'blue-green', { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` });
    await drive(world, execution);
    expect(execution.error).toBe('RolledBack');
    expect(lastRecord(world, 'api').detail).toMatchObject({ reason: { kind: 'analysis', score: 50 } });
    expect(statesEntered(execution)).not.toContain('Promote');
    await expectAtRest(world, 'api', `${REGISTRY}/api@${DIGEST(1)}`);
  });

  it('a marginal result waits for a person, with all traffic on green; approve promotes', async () => {
    const { world, blue, green, image } = setUp(
      exampleCatalog((s) => {
        analysedApi(s);
        lenient(s, 'api');
      }),
      'api',
    );
    slowCanary(world, blue, green);
    const execution = start(world, 'blue-green', { service: 'api', image });
    await drive(world, execution, () => world.deployments.items.get(execution.name)?.approval !== undefined);
    expect(world.deployments.items.get(execution.name)).toMatchObject({
      phase: 'approval (analysis marginal)',
      weights: { stable: 0, candidate: 100 },
    });
    await approve(depsOf(world), execution.name, { actor: 'operator:ana' });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    await expectAtRest(world, 'api', image);
  });
});
