// What `status` prints for a deployment, and `status --watch` and `deploy --wait` redraw:
// pure functions from the API's view to lines.

import { printable } from '../printable.js';
import { describeStep, formatDuration } from '../../shared/domain/step-words.js';
import type { AnyDeploymentView, DeploymentView, StepState } from '../../shared/api/views.js';
import { alarmsText, queuedLine, secondsBetween, taskSetLine } from './words.js';
import { shortImage } from '../../shared/domain/image-words.js';

const MARKS: Record<StepState, string> = { done: '✓', current: '▶', pending: '·', failed: '✗', skipped: '–' };
const BAR_CELLS = 20;

type Step = DeploymentView['steps'][number];

/**
 * The lines `status` prints for a deployment, and `--watch` redraws. `maxSteps` folds the
 * steps long done and long to come into one line each, so a redraw fits on the screen. Each
 * line is printable: a control character from the ledger (a reason's line break or escape
 * sequence) is shown escaped, inside its line.
 */
export function renderDeployment(view: AnyDeploymentView, options: { maxSteps?: number } = {}): string[] {
  return deploymentLines(view, options).map(printable);
}

function deploymentLines(view: AnyDeploymentView, options: { maxSteps?: number }): string[] {
  if (!('steps' in view)) {
    const execution = view.execution;
    return view.status === 'starting'
      ? [`${view.deploymentId}: starting (the execution runs; it has not taken the service's lock yet)`]
      : [
          `${view.deploymentId}: refused before it began`,
          `reason  ${execution?.error ?? 'unknown'}: ${execution?.cause ?? 'no cause given'}`,
        ];
  }
  const progress = progressText(view);
  const lines = [
    `${view.deploymentId}: ${view.service} release ${view.release}, ${view.strategy}, ${statusText(view)}`,
    ...(progress === null ? [] : [progress]),
    `image   ${shortImage(view.image)} (stable: release ${view.stable.release}, ${shortImage(view.stable.image)})`,
    '',
    ...stepLines(view, options.maxSteps ?? Infinity),
    '',
    weightsBar(view.weights),
    ...headerRouteLines(view),
    ...taskSetLines(view),
    `alarms  ${alarmsText(view.alarms)}`,
  ];
  if (view.bake !== null) lines.push(`bake    ${formatDuration(view.bake.secondsLeft)} left`);
  for (const hook of hooksOf(view)) lines.push(`hook    ${hookText(hook)}`);
  if (view.analysis) lines.push(`analysis  ${analysisText(view.analysis)}`);
  if (view.approval !== null) lines.push(approvalText(view));
  if (view.queued) lines.push(queuedLine(view.queued, view.now, `${view.deploymentId} ends`));
  if (view.reason !== null) lines.push(`reason  ${view.reason.message}`);
  return lines;
}

/** `progress  step 4/10, 2m 30s elapsed`; once ended, `step 4/10, took 2m 30s`. */
function progressText(view: DeploymentView): string | null {
  const parts: string[] = [];
  const at = view.steps.findIndex((s) => s.state === 'current' || s.state === 'failed');
  const done = view.steps.filter((s) => s.state === 'done').length;
  // Ended with no step marked failed and not all done (a record that says nothing of where): no step.
  const known = at !== -1 || done === view.steps.length;
  if (view.steps.length > 0 && known) parts.push(`step ${at === -1 ? done : at + 1}/${view.steps.length}`);
  const running = view.status === 'running';
  const seconds = secondsBetween(view.startedAt, running ? view.now : view.updatedAt);
  if (seconds !== null)
    parts.push(running ? `${formatDuration(seconds)} elapsed` : `took ${formatDuration(seconds)}`);
  return parts.length === 0 ? null : `progress  ${parts.join(', ')}`;
}

function stepLines(view: DeploymentView, maxSteps: number): string[] {
  const steps = view.steps;
  const line = (step: Step) => {
    const why = step.state === 'failed' && view.reason !== null ? ` — ${view.reason.message}` : '';
    return `  ${MARKS[step.state]} ${describeStep(step)}${why}`;
  };
  if (steps.length <= maxSteps) return steps.map(line);
  // Keep the current (or failed) step with two done before it, fill the rest with steps to come.
  const shown = Math.max(3, maxSteps - 2);
  const current = steps.findIndex((step) => step.state !== 'done');
  const at = current === -1 ? steps.length : current;
  const first = Math.max(0, Math.min(at - 2, steps.length - shown));
  const last = Math.min(steps.length, first + shown);
  return [
    ...(first > 0 ? [`  ✓ … ${first} steps done`] : []),
    ...steps.slice(first, last).map(line),
    ...(last < steps.length ? [`  ${MARKS[steps[last]!.state]} … ${steps.length - last} more steps`] : []),
  ];
}

/** `route   requests with cookie canary=always → the new task set (rule priority 5)`, while it routes. */
function headerRouteLines(view: DeploymentView): string[] {
  const route = 'headerRoute' in view ? view.headerRoute : undefined;
  if (route === undefined || !route.open || view.status !== 'running') return [];
  return [
    `route   ${route.matches ?? 'matching requests'} → the new task set (rule priority ${route.priority})`,
  ];
}

/** The stable and candidate task sets' counts, while the deployment runs. */
function taskSetLines(view: DeploymentView): string[] {
  if (view.status !== 'running') return [];
  if (!view.taskSets) return ['tasks   counts unavailable (ECS did not answer)'];
  const lines = [taskSetLine('stable', view.taskSets.stable)];
  if (view.taskSets.candidate !== null) lines.push(taskSetLine('candidate', view.taskSets.candidate));
  const baseline = 'baseline' in view.taskSets ? view.taskSets.baseline : undefined;
  if (baseline !== undefined)
    lines.push(
      baseline !== null && 'removed' in baseline
        ? `${'baseline'.padEnd(10)} removed`
        : taskSetLine('baseline', baseline),
    );
  return lines.map((line, i) => `${i === 0 ? 'tasks   ' : '        '}${line}`);
}

/** `approval  waiting, 59m 40s left (until <time>): cutover approve <id>`. */
function approvalText(view: DeploymentView): string {
  const approval = view.approval!;
  return `approval  waiting, ${formatDuration(approval.secondsLeft)} left (until ${approval.expiresAt}): cutover approve ${view.deploymentId}`;
}

/** Its hooks; none from an API deployed before it reported them (the CLI may be newer than the stack). */
function hooksOf(view: DeploymentView): DeploymentView['hooks'] {
  return 'hooks' in view ? view.hooks : [];
}

/** `BeforeAllowTraffic passed after 4 calls: 5 of 5 smoke requests answered 200`. */
function hookText(hook: DeploymentView['hooks'][number]): string {
  const calls = `${hook.calls} call${hook.calls === 1 ? '' : 's'}`;
  if (hook.status === 'Running') return `${hook.hook} running, ${calls} so far (IN_PROGRESS)`;
  const checked = 'afterRollback' in hook && hook.afterRollback === true ? ' the rollback' : '';
  const outcome = `${hook.hook} ${hook.status === 'Succeeded' ? 'passed' : 'failed'}${checked} after ${calls}`;
  return hook.message === null ? outcome : `${outcome}: ${hook.message}`;
}

function analysisText(analysis: NonNullable<DeploymentView['analysis']>): string {
  const failing = analysis.failedMetrics.length > 0 ? `, failing: ${analysis.failedMetrics.join(', ')}` : '';
  return `${analysis.final ? 'final' : 'interim'} ${analysis.classification}, score ${analysis.score}${failing} → ${analysis.verdict}`;
}

/**
 * `stable ██████████████░░░░░░ candidate 30%`: one cell per 5% of production traffic; a baseline
 * task set's share, while one runs, is `▒` between them (`… candidate 20%, baseline 20%`).
 */
export function weightsBar(weights: {
  stable: number;
  candidate: number;
  baseline?: number | undefined;
}): string {
  const candidate = Math.round((weights.candidate / 100) * BAR_CELLS);
  const baseline = Math.min(BAR_CELLS - candidate, Math.round(((weights.baseline ?? 0) / 100) * BAR_CELLS));
  const cells = `${'█'.repeat(BAR_CELLS - candidate - baseline)}${'▒'.repeat(baseline)}${'░'.repeat(candidate)}`;
  const share = weights.baseline === undefined ? '' : `, baseline ${weights.baseline}%`;
  return `stable ${cells} candidate ${weights.candidate}%${share}`;
}

function statusText(view: DeploymentView): string {
  if (view.status === 'running')
    return view.promoteFull ? `running (${view.phase}, promoting fully)` : `running (${view.phase})`;
  return view.status === 'rolled-back' ? 'rolled back' : view.status;
}
