// The deployment plan as a timeline: each step done, current, pending, failed or skipped, in the
// words `cutover plan` and `cutover status` use (shared/domain/step-words.ts).
import type { StepView } from '../../../shared/api/views.js';
import { describeStep } from '../../../shared/domain/step-words.js';

const stateWords = {
  done: 'done',
  current: 'now',
  pending: 'to do',
  failed: 'failed',
  skipped: 'not run',
} as const;

export function StepTimeline({ steps }: { steps: StepView[] }) {
  if (steps.length === 0) return <p class="muted">No plan to show.</p>;
  return (
    <ol class="steps">
      {steps.map((step, i) => (
        <li
          key={`${i}-${step.kind}`}
          class={`step step-${step.state}`}
          {...(step.state === 'current' ? { 'aria-current': 'step' as const } : {})}
        >
          <span class="step-state">{stateWords[step.state]}</span>
          <span class="step-text">{sentence(describeStep(step))}</span>
        </li>
      ))}
    </ol>
  );
}

/** A step's words as a sentence on its own line: its first letter capitalised. */
function sentence(words: string): string {
  return words.charAt(0).toUpperCase() + words.slice(1);
}
