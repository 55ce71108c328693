// Production traffic split between the stable and the new release (and a baseline task set,
// while one runs), as a bar with its numbers.
import type { DeploymentView } from '../../../shared/api/views.js';

type Weights = DeploymentView['weights'];

export function WeightsBar({ weights, label }: { weights: Weights; label?: string }) {
  const candidate = Math.max(0, Math.min(100, weights.candidate));
  // A baseline task set's share (analysis.baseline), drawn after the new release's.
  const baseline = Math.max(0, Math.min(100 - candidate, weights.baseline ?? 0));
  return (
    <div class="weights">
      <div
        class="weights-bar"
        role="meter"
        aria-label={label ?? 'production traffic on the new release'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={candidate}
        aria-valuetext={`${candidate}% on the new release`}
        data-candidate={candidate}
      >
        <span class="weights-candidate" style={{ width: `${candidate}%` }} />
        {baseline > 0 && <span class="weights-baseline" style={{ width: `${baseline}%` }} />}
      </div>
      <span class="weights-text">
        new {weights.candidate}%{weights.baseline !== undefined && ` · baseline ${weights.baseline}%`} ·
        stable {weights.stable}%
      </span>
    </div>
  );
}
