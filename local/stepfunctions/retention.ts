// How many executions the local Step Functions keeps. Each finished execution keeps its whole
// history (GetExecutionHistory), a few hundred KB for a deployment, and all of it is saved in
// state.json, so keeping every one makes the file grow without bound. The local cloud keeps the
// newest N finished executions of each state machine (by when they ended) and forgets older
// ones, as AWS forgets executions 90 days after they close. A running execution is never
// forgotten, however many there are.

/** Finished executions kept per state machine unless told otherwise (`--keep-executions`). */
export const DEFAULT_KEEP_EXECUTIONS = 100;

/** What pruning reads of an execution. */
export interface Retained {
  stateMachineArn: string;
  status: string;
  startDate: number;
  stopDate?: number;
}

/**
 * The executions to keep, in their given order: every running one, and of the finished ones the
 * `keep` that ended last in each state machine (ties: the later in the list is the newer).
 */
export function retainExecutions<T extends Retained>(executions: readonly T[], keep: number): T[] {
  const newestFirst = executions
    .map((execution, index) => ({ execution, index }))
    .filter(({ execution }) => execution.status !== 'RUNNING')
    .sort((a, b) => endOf(b.execution) - endOf(a.execution) || b.index - a.index);
  const kept = new Set<number>();
  const perMachine = new Map<string, number>();
  for (const { execution, index } of newestFirst) {
    const count = perMachine.get(execution.stateMachineArn) ?? 0;
    if (count >= keep) continue;
    perMachine.set(execution.stateMachineArn, count + 1);
    kept.add(index);
  }
  return executions.filter((execution, index) => execution.status === 'RUNNING' || kept.has(index));
}

/** Checks a `keep` setting: a whole number of at least 1. */
export function isKeepExecutions(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

function endOf(execution: Retained): number {
  return execution.stopDate ?? execution.startDate;
}
