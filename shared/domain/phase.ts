// A deployment's phase: the step now running, as the engine records it with each step and the
// views read it back. Stored as text in the deployment record (`shift 30%`, `hook:BeforeAllowTraffic`),
// so records written before this module read the same; every value the engine writes is in
// `Phase`, and `phaseInfo` is the one reader, so a new phase that a view does not handle is a
// type error there, not a string no view matches.

import { HOOK_NAMES, type HookName } from './catalog-schema.js';

/** The phases whose text is all they say. */
const PLAIN_PHASES = [
  'started',
  'check-alarms',
  'register-task-definition',
  'wait-healthy',
  'healthy',
  'test-traffic',
  // The header-routed step: only requests with the catalog's header or cookie reach the new task set.
  'header route',
  'bake',
  'final bake',
  'analysis',
  'final analysis',
  'analysis skipped',
  'rolling back',
  'rolled-back',
  'aborted',
  'promoted',
  'cleaning up',
  'handed over',
  'done',
] as const;
type PlainPhase = (typeof PLAIN_PHASES)[number];

/** Why a deployment waits for a person: the catalog, a marginal analysis, or a failed one with onFail: pause. */
export const APPROVAL_REASONS = ['approval required', 'analysis marginal', 'analysis failed'] as const;
export type ApprovalReason = (typeof APPROVAL_REASONS)[number];

export type Phase =
  | PlainPhase
  | `batch ${number} of ${number}`
  | `hook:${HookName}`
  | 'approval'
  | 'approval (analysis marginal)'
  | 'approval (analysis failed)'
  | `shift ${number}%`;

/** A phase read back: what the step is, with the numbers and names its text carries. */
export type PhaseInfo =
  | { kind: PlainPhase }
  | { kind: 'batch'; batch: number; of: number }
  | { kind: 'hook'; hook: HookName }
  | { kind: 'approval'; because: ApprovalReason }
  | { kind: 'shift'; weight: number };

/** The phase of a promoted deployment in its termination wait: its old task set still runs. */
export const TERMINATION_WAIT_PHASE = 'promoted' satisfies Phase;
/** The phase of a promoted deployment whose clean-up began: its old task set is being removed. */
export const CLEANING_UP_PHASE = 'cleaning up' satisfies Phase;
/** The phase of a promoted deployment whose old task set a rollback took over (`handedOverTo`). */
export const HANDED_OVER_PHASE = 'handed over' satisfies Phase;

export const approvalPhase = (because: ApprovalReason): Phase =>
  because === 'approval required' ? 'approval' : `approval (${because})`;

const PLAIN = new Set<string>(PLAIN_PHASES);

const SHIFT = /^shift (\d{1,3})%$/;
const BATCH = /^batch (\d+) of (\d+)$/;

/** Reads a stored phase; undefined for text that is no phase (a record from a newer version, say). */
export function phaseInfo(phase: string): PhaseInfo | undefined {
  if (PLAIN.has(phase)) return { kind: phase } as PhaseInfo;
  if (phase === 'approval') return { kind: 'approval', because: 'approval required' };
  if (phase === 'approval (analysis marginal)') return { kind: 'approval', because: 'analysis marginal' };
  if (phase === 'approval (analysis failed)') return { kind: 'approval', because: 'analysis failed' };
  if (phase.startsWith('hook:')) {
    const hook = phase.slice('hook:'.length);
    return (HOOK_NAMES as readonly string[]).includes(hook)
      ? { kind: 'hook', hook: hook as HookName }
      : undefined;
  }
  const shift = SHIFT.exec(phase);
  if (shift !== null) return { kind: 'shift', weight: Number(shift[1]) };
  const batch = BATCH.exec(phase);
  if (batch !== null) return { kind: 'batch', batch: Number(batch[1]), of: Number(batch[2]) };
  return undefined;
}
