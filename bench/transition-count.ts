// Counting billed Step Functions state transitions from an execution history, and
// what the same run would cost with a bake that polls the alarms instead.
//
// AWS bills a Standard workflow per state transition: "Step Functions counts a state
// transition each time a step of your workflow is executed ... including retries".
// Each step executed is one `*StateEntered` event in the history (Pass, Task, Choice,
// Wait, Succeed, Fail alike); a Retry runs the Task again without a new StateEntered,
// so each retry is counted from its extra LambdaFunctionScheduled / TaskScheduled event.

import type { HistoryEvent } from '../local/stepfunctions/history.js';

/** The Task states that bake: one `.waitForTaskToken` Task each, whatever its length. */
export const BAKE_STATES = new Set(['Bake', 'FinalBake']);

/** The polling design: Wait 15 s, a Task that reads the alarms, a Choice, per poll. */
export const POLL_SECONDS = 15;
export const TRANSITIONS_PER_POLL = 3;

const nameOf = (event: HistoryEvent) => (event.stateEnteredEventDetails as { name: string }).name;

export function statesEnteredIn(history: readonly HistoryEvent[]): string[] {
  return history.filter((e) => e.type.endsWith('StateEntered')).map(nameOf);
}

export function retriesIn(history: readonly HistoryEvent[]): number {
  const scheduled = history.filter(
    (e) => e.type === 'LambdaFunctionScheduled' || e.type === 'TaskScheduled',
  ).length;
  return scheduled - history.filter((e) => e.type === 'TaskStateEntered').length;
}

export function billedTransitions(history: readonly HistoryEvent[]): number {
  return statesEnteredIn(history).length + retriesIn(history);
}

/** Each bake of the run, with how long it held (simulated seconds, entered to exited). */
export function bakesIn(history: readonly HistoryEvent[]): { state: string; seconds: number }[] {
  const bakes: { state: string; seconds: number }[] = [];
  for (const [i, event] of history.entries()) {
    if (event.type !== 'TaskStateEntered' || !BAKE_STATES.has(nameOf(event))) continue;
    const state = nameOf(event);
    const exited = history
      .slice(i + 1)
      .find(
        (e) => e.type === 'TaskStateExited' && (e.stateExitedEventDetails as { name: string }).name === state,
      );
    if (exited === undefined) throw new Error(`bake ${state} (event ${event.id}) never ended`);
    bakes.push({ state, seconds: (exited.timestamp - event.timestamp) / 1000 });
  }
  return bakes;
}

/**
 * The same run with every bake replaced by a loop that polls the alarms every 15 s:
 * ceil(B / 15) polls of 3 transitions each for a bake of B seconds, instead of one.
 */
export function withPollingBakes(transitions: number, bakes: readonly { seconds: number }[]): number {
  const polling = bakes.reduce(
    (sum, b) => sum + Math.ceil(b.seconds / POLL_SECONDS) * TRANSITIONS_PER_POLL,
    0,
  );
  return transitions - bakes.length + polling;
}

/** States entered more than once, with how many times, in the order first entered. */
export function repeatedStates(states: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > 1);
}
