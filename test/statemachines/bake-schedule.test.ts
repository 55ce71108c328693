// A healthy bake ends with its schedule's success, not with its task's timeout: the history
// shows TaskSucceeded for each bake. An alarm, a promote or an abort ends the bake first and
// deletes its schedule; a schedule that never fires leaves the timeout, a margin later, to
// pass the bake as before.

import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../local/stepfunctions/history.js';
import { BAKE_TIMEOUT_MARGIN_SECONDS } from '../../shared/domain/bake-schedule.js';
import { failBakesWatching } from '../../shared/engine/on-alarm.js';
import { abort, promote } from '../../shared/engine/operator.js';
import { drive, start, webImage, webWorld, type World } from '../../harness/engine.js';

const V2 = webImage(2);
const setUp = webWorld;

/** How each bake task (Bake, FinalBake) ended, by the event that ended it, in order. */
function bakeEndings(history: readonly HistoryEvent[]): string[] {
  const endings: string[] = [];
  let inBake = false;
  for (const event of history) {
    const name = (event.stateEnteredEventDetails as { name?: string } | undefined)?.name;
    if (event.type === 'TaskStateEntered') inBake = name === 'Bake' || name === 'FinalBake';
    else if (inBake && ['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'].includes(event.type)) {
      endings.push(event.type);
      inBake = false;
    }
  }
  return endings;
}

const enteredAt = (history: readonly HistoryEvent[], state: string) =>
  history
    .filter((e) => e.type.endsWith('StateEntered'))
    .filter((e) => (e.stateEnteredEventDetails as { name: string }).name === state)
    .map((e) => e.timestamp);

/** Runs a canary deployment of `web` until its second step (20%) is baking. */
async function bakingAt20(world: World, rule: string, blue: string) {
  const execution = start(world, 'canary', { service: 'web', image: V2 });
  await drive(
    world,
    execution,
    () => world.watchers.watching.length > 0 && world.router.weightOf(rule, blue) === 80,
  );
  return execution;
}

describe('a bake ends by its schedule', () => {
  it('a healthy deployment: every bake reads TaskSucceeded, none TaskTimedOut, and no schedule is left', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(bakeEndings(execution.history)).toEqual(Array(10).fill('TaskSucceeded'));
    expect(execution.history.filter((e) => e.type === 'TaskTimedOut')).toEqual([]);
    expect(world.bakeSchedules.created).toHaveLength(10);
    expect(world.bakeSchedules.pending.size).toBe(0);
  });

  it('the bake lasts its bake time exactly: the next step starts at the schedule, not at the timeout', async () => {
    const { world } = setUp();
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);
    const bakes = enteredAt(execution.history, 'Bake');
    // The ShiftTraffic after each bake (the first one follows none).
    const next = enteredAt(execution.history, 'ShiftTraffic').slice(1);
    const bakeSeconds = 60; // Linear10PercentEvery1Minutes
    expect(bakes.length).toBe(9);
    bakes.forEach((at, i) => expect(next[i]! - at).toBe(bakeSeconds * 1000));
  });

  it('an alarm during the bake rolls back at once, and the bake schedule is deleted and never fires', async () => {
    const { world, rule, blue } = setUp();
    const execution = await bakingAt20(world, rule, blue);
    const before = world.clock.now();
    world.alarms.inAlarm.add('web-5xx-rate');
    expect((await failBakesWatching(world, 'web-5xx-rate')).failed).toHaveLength(1);
    await drive(world, execution);
    expect(execution.status).toBe('FAILED');
    expect(enteredAt(execution.history, 'RollBack')).toEqual([before]);
    expect(bakeEndings(execution.history).at(-1)).toBe('TaskFailed');
    expect(world.bakeSchedules.cancelled).toHaveLength(1);
    expect(world.bakeSchedules.pending.size).toBe(0);
    // Only the first bake's schedule fired: the failed one's was deleted before its time.
    expect(world.bakeSchedules.fired).toEqual(['delivered']);
  });

  it('promote during a bake ends it at once and deletes its schedule', async () => {
    const { world, rule, blue } = setUp();
    const execution = await bakingAt20(world, rule, blue);
    const token = [...world.bakeSchedules.pending.keys()][0]!;
    await promote(world, execution.name, { actor: 'operator:ana', full: false });
    await drive(world, execution, () => world.router.weightOf(rule, blue) === 70);
    expect(world.bakeSchedules.cancelled).toContain(token);
    expect(world.bakeSchedules.pending.has(token)).toBe(false);
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    // The promoted bake ended by the operator's success; the others by their schedules.
    expect(bakeEndings(execution.history)).toEqual(Array(10).fill('TaskSucceeded'));
    expect(world.bakeSchedules.fired.filter((o) => o === 'delivered')).toHaveLength(9);
  });

  it('abort during a bake rolls back and deletes its schedule', async () => {
    const { world, rule, blue } = setUp();
    const execution = await bakingAt20(world, rule, blue);
    await abort(world, execution.name, { actor: 'operator:lee', reason: 'wrong image' });
    await drive(world, execution);
    expect(execution.status).toBe('FAILED');
    expect(world.bakeSchedules.cancelled).toHaveLength(1);
    expect(world.bakeSchedules.pending.size).toBe(0);
  });

  it('a schedule that never fires: the timeout, a margin later, still passes every bake', async () => {
    const { world } = setUp();
    world.bakeSchedules.firing = false;
    const execution = start(world, 'canary', { service: 'web', image: V2 });
    await drive(world, execution);
    expect(execution.status).toBe('SUCCEEDED');
    expect(bakeEndings(execution.history)).toEqual(Array(10).fill('TaskTimedOut'));
    const bakes = enteredAt(execution.history, 'Bake');
    const next = enteredAt(execution.history, 'ShiftTraffic').slice(1);
    const bakeSeconds = 60; // Linear10PercentEvery1Minutes
    expect(next[0]! - bakes[0]!).toBe((bakeSeconds + BAKE_TIMEOUT_MARGIN_SECONDS) * 1000);
    // Each next step deleted the schedule that had not fired.
    expect(world.bakeSchedules.cancelled).toHaveLength(10);
  });
});
