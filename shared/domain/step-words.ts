// One line of English per step of a deployment plan: what `cutover plan` lists, what
// `cutover status` marks done, running or waiting, and what the dashboard's plan shows.
// Pure, and it imports nothing at run time: the dashboard's browser bundle includes it, and
// `status` prints a step without loading the catalog parser.

import type { PlanStep } from './plan.js';

/** `45` → `45s`, `90` → `1m 30s`, `600` → `10m`, `5400` → `1h 30m`. */
export function formatDuration(seconds: number): string {
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small === 0 ? `${big}${bigUnit}` : `${big}${bigUnit} ${small}${smallUnit}`;
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return pair(Math.floor(seconds / 60), 'm', seconds % 60, 's');
  return pair(Math.floor(seconds / 3600), 'h', Math.floor((seconds % 3600) / 60), 'm');
}

/** `shift 10% of production traffic to the new task set (t+0s)`. */
export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'check-alarms':
      return step.alarms.length === 0
        ? 'check alarms: none are watched'
        : `check alarms (refuse to start if any is in ALARM): ${step.alarms.join(', ')}`;
    case 'register-task-definition':
      return 'register a task definition revision with the image pinned by digest';
    case 'create-task-set':
      if (step.baseline === true)
        return 'create the new task set behind the idle target group, and a baseline task set of the stable revision, the same size, behind the baseline target group';
      return step.targetGroup === 'idle'
        ? 'create the new task set behind the idle target group'
        : 'create the new task set in the stable target group, at 0 tasks';
    case 'wait-healthy':
      return 'wait until the new tasks are running and their targets healthy';
    case 'hook':
      return `run hook ${step.hook}: ${step.function} (timeout ${formatDuration(step.timeoutSeconds)})`;
    case 'test-traffic':
      return 'send test-listener traffic to the new task set';
    case 'approval':
      return `wait for approval (roll back after ${formatDuration(step.timeoutSeconds)})`;
    case 'shift': {
      const at = `(t+${formatDuration(step.atSeconds)})`;
      if (step.header !== undefined)
        return `send only ${step.header} to the new task set, by a listener rule of its own, before any weighted traffic ${at}`;
      if (step.baseline === undefined)
        return `shift ${step.weight}% of production traffic to the new task set ${at}`;
      const baseline =
        step.baseline > 0
          ? `and ${step.baseline}% to the baseline`
          : 'and none to the baseline, which goes at promotion';
      return `shift ${step.weight}% of production traffic to the new task set ${baseline} ${at}`;
    }
    case 'bake': {
      const what = step.final ? 'final bake' : 'bake';
      const alarms = step.alarms.length === 0 ? 'no alarms' : `${step.alarms.length} alarm(s)`;
      return `${what} ${formatDuration(step.seconds)}, watching ${alarms}${step.analysis ? ', then canary analysis' : ''}`;
    }
    case 'scale-batch':
      return `batch ${step.batch}: scale the new task set to ${step.candidatePercent}%, the old to ${step.stablePercent}%`;
    case 'promote':
      return 'promote: make the new task set primary';
    case 'termination-wait':
      return `keep the old task set for ${formatDuration(step.seconds)} (rollback is a weight flip)`;
    case 'clean-up':
      return 'scale in and delete the old task set';
  }
}
