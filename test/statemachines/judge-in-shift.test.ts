// A linear rollout's bakes are judged by the ShiftTraffic that follows each one, before it
// moves traffic: the last bake before 100% gets the final judgement there, ahead of the final
// bake and Promote, and a ShiftTraffic that runs again never judges the same bake twice.

import { describe, expect, it } from 'vitest';
import { retriesIn } from '../../bench/transition-count.js';
import { failNext } from '../../harness/fakes/tables.js';
import { AFTER_LAST_SHIFT, drive, start, statesEntered, webImage, webWorld } from '../../harness/engine.js';

const V2 = webImage(2);
const setUp = webWorld;

/** Where each state was entered, in ms on the simulated clock, in order. */
function entries(execution: ReturnType<typeof start>): { name: string; at: number }[] {
  return execution.history
    .filter((e) => e.type.endsWith('StateEntered'))
    .map((e) => ({ name: (e.stateEnteredEventDetails as { name: string }).name, at: e.timestamp }));
}

describe('judging a step inside the next ShiftTraffic', () => {
  it('the last step is judged (final) by the shift to 100%, before it moves traffic, the final bake and Promote', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');

    const deployment = world.deployments.items.get(execution.name)!;
    const final = deployment.analyses!.at(-1)!;
    // Linear10PercentEvery1Minutes: step 8 bakes at 90%; step 9 (100%) has no bake of its own.
    expect(final).toMatchObject({ step: 8, final: true, verdict: 'continue' });
    expect(deployment.analyses!.filter((a) => a.final)).toEqual([final]);
    // Judged when the last ShiftTraffic ran, which came before the final bake and Promote.
    const states = entries(execution);
    const lastShift = states.findLastIndex((s) => s.name === 'ShiftTraffic');
    expect(final.at).toBe(states[lastShift]!.at);
    const names = states.map((s) => s.name);
    expect(names.slice(lastShift)).toEqual(AFTER_LAST_SHIFT);
    // Judged first, then shifted: the judgement is published before the shift to 100%.
    const published = world.events.published.map((e) =>
      e.detailType === 'Analysis Completed' && (e.detail as { final: boolean }).final
        ? 'final analysis'
        : e.detailType === 'Traffic Shifted'
          ? `shift ${(e.detail as { weights: { candidate: number } }).weights.candidate}%`
          : null,
    );
    expect(published.filter((p) => p !== null).slice(-3)).toEqual([
      'shift 90%',
      'final analysis',
      'shift 100%',
    ]);
  });

  it('a ShiftTraffic retried after its judgement does not judge the bake again', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    // Run until the last step's bake (90%) is on, then make the next weight change fail once.
    await drive(
      world,
      execution,
      () =>
        world.deployments.items.get(execution.name)?.weights.candidate === 90 &&
        world.watchers.watching.length > 0,
    );
    failNext(world.router, 'setWeights', 1);
    await drive(world, execution);

    expect(execution.status).toBe('SUCCEEDED');
    // The shift to 100% ran twice (a retry of a transient error), the judgement once.
    expect(statesEntered(execution).filter((s) => s === 'ShiftTraffic')).toHaveLength(10);
    expect(retriesIn(execution.history)).toBe(1);
    const steps = world.deployments.items.get(execution.name)!.analyses!.map((a) => a.step);
    expect(steps.at(-1)).toBe(8);
    expect(new Set(steps).size).toBe(steps.length);
    // Metrics read once per judgement: a baseline and a canary read each.
    expect(world.metrics.reads).toHaveLength(steps.length * 2);
    // Its event is published at least once: the retry publishes the judgement it found again.
    const published = world.events.published.filter((e) => e.detailType === 'Analysis Completed');
    expect(published).toHaveLength(steps.length + 1);
    expect(published.at(-1)).toEqual(published.at(-2));
  });
});
