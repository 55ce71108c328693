// The deployment plan as a timeline: each step done, current, pending, failed or skipped, in words.
import { describeStep } from '../format';
import type { Step } from '../types';

const stateWords = {
  done: 'done',
  current: 'now',
  pending: 'to do',
  failed: 'failed',
  skipped: 'not run',
} as const;

export function StepTimeline({ steps }: { steps: Step[] }) {
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
          <span class="step-text">{describeStep(step)}</span>
        </li>
      ))}
    </ol>
  );
}
