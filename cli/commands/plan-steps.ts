// One line of English per step of a deployment plan: what `cutover plan` lists and what
// `cutover status` marks done, running or waiting. Kept apart from the plan command so that
// `status` does not load the catalog parser to print a step.

import { formatDuration } from '../output.js';
import type { PlanStep } from '../../shared/domain/plan.js';

export function describeStep(step: PlanStep): string {
  switch (step.kind) {
    case 'check-alarms':
      return step.alarms.length === 0
        ? 'check alarms: none are watched'
        : `check alarms (refuse to start if any is in ALARM): ${step.alarms.join(', ')}`;
    case 'register-task-definition':
      return 'register a task definition revision with the image pinned by digest';
    case 'create-task-set':
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
    case 'shift':
      return `shift ${step.weight}% of production traffic to the new task set (t+${formatDuration(step.atSeconds)})`;
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
