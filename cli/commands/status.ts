// `cutover status <service|deployment-id> [--watch]`: where a deployment is (its steps, the
// production weights, the alarms, the bake), or what a service runs. `--watch` follows a
// deployment until it ends, redrawing in place on a terminal and printing one block per
// change when piped. `deploy --wait` follows the same way.

import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { UsageError } from '../errors.js';
import { formatDuration, printJson, type Output } from '../output.js';
import { jsonText, printable } from '../printable.js';
import {
  ApiFailure,
  clientFrom,
  CONNECTION_HELP,
  CONNECTION_OPTIONS,
  reportingApiFailures,
  segment,
  type ApiClient,
} from '../api-client.js';
import { describeStep } from './plan.js';
import type { deploymentView, executionView, StepState } from '../../shared/api/views.js';

/** GET /deployments/{id} once the deployment has its record. */
export type DeploymentView = ReturnType<typeof deploymentView>;

/** GET /deployments/{id} before that: the execution is starting, or ended without taking the lock. */
export interface EarlyDeploymentView {
  deploymentId: string;
  status: 'starting' | 'refused';
  execution: ReturnType<typeof executionView>;
}

export type AnyDeploymentView = DeploymentView | EarlyDeploymentView;

const help = `Usage: cutover status <service|deployment-id> [--watch] [options]

Show a deployment: its steps done (✓), current (▶) and to come (·), the production
weights, the alarms and the time left in the bake. Given a service, show the deployment
in progress, or else the live release.

Options:
  --watch             follow the deployment until it ends: redraw in place on a terminal,
                      one block per change when piped (with --json: one JSON line per change).
                      Polls every second ($CUTOVER_POLL_MS sets the interval in ms)

${CONNECTION_HELP}

Exit codes: 0 running or promoted (a service: 0), 1 rolled back, aborted or refused,
2 bad usage or unknown service or deployment.

Examples:
  cutover status web
  cutover status web --watch
  cutover status web-7f5b2640fe6f-1764238400-a1b2c3 --json`;

export const statusCommand: Command = {
  name: 'status',
  summary: "show a deployment's progress, or a service's live release (--watch follows it)",
  help,
  run: reportingApiFailures(async (args, output) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { ...CONNECTION_OPTIONS, watch: { type: 'boolean' } },
    });
    if (positionals.length !== 1)
      throw new UsageError('status takes exactly one service name or deployment id', help);
    const client = clientFrom(values);
    const target = await lookUp(client, positionals[0]!);
    if ('service' in target) {
      if (output.json) printJson(output, target.service);
      else printService(output, target.service);
      return 0;
    }
    if (values.watch) {
      const view = await follow(client, target.deployment.deploymentId, output, {
        mode: watchMode(output),
        intervalMs: pollInterval(),
        first: target.deployment,
        maxSteps: stepsThatFit(),
      });
      return exitCodeOf(view);
    }
    if (output.json) printJson(output, target.deployment);
    else renderDeployment(target.deployment).forEach((line) => output.out(line));
    return isEnded(target.deployment) ? exitCodeOf(target.deployment) : 0;
  }),
};

interface ServiceView {
  name: string;
  strategy: string;
  live: { release: number; image: string; digest: string | null } | null;
  deployment: { deploymentId: string } | null;
  alarms?: { name: string; state: string }[];
  recentDeployments?: { deploymentId: string; release: number; status: string; startedAt: string }[];
}

/** A catalog name is a service (its deployment in progress, if any); anything else a deployment id. */
async function lookUp(
  client: ApiClient,
  name: string,
): Promise<{ service: ServiceView } | { deployment: AnyDeploymentView }> {
  let service: ServiceView;
  try {
    service = await client.get<ServiceView>(`/services/${segment(name)}`);
  } catch (error) {
    if (!(error instanceof ApiFailure) || error.extra.status !== 404) throw error;
    try {
      return { deployment: await getDeployment(client, name) };
    } catch (notDeployment) {
      if (!(notDeployment instanceof ApiFailure) || notDeployment.extra.status !== 404) throw notDeployment;
      throw new ApiFailure('NotFound', `no deployment ${name}, and ${error.message}`, error.exitCode, {
        status: 404,
      });
    }
  }
  if (service.deployment === null) return { service };
  return { deployment: await getDeployment(client, service.deployment.deploymentId) };
}

export function getDeployment(client: ApiClient, deploymentId: string): Promise<AnyDeploymentView> {
  return client.get<AnyDeploymentView>(`/deployments/${segment(deploymentId)}`);
}

function printService(output: Output, service: ServiceView): void {
  serviceLines(service).forEach((line) => output.out(printable(line)));
}

function serviceLines(service: ServiceView): string[] {
  const lines = [
    service.live === null
      ? `${service.name}: nothing live yet (${service.strategy})`
      : `${service.name}: release ${service.live.release} is live, ${shortImage(service.live.image)} (${service.strategy})`,
    'No deployment in progress.',
  ];
  if (service.alarms !== undefined) lines.push(`alarms  ${alarmsText(service.alarms)}`);
  const recent = service.recentDeployments ?? [];
  if (recent.length > 0) {
    lines.push('Recent deployments:');
    for (const d of recent)
      lines.push(`  release ${d.release}  ${d.status.padEnd(11)} ${d.startedAt}  ${d.deploymentId}`);
  }
  return lines;
}

// --- Rendering: pure functions from the API's view to lines ---

const MARKS: Record<StepState, string> = { done: '✓', current: '▶', pending: '·', skipped: '–' };
const BAR_CELLS = 20;

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
  const lines = [
    `${view.deploymentId}: ${view.service} release ${view.release}, ${view.strategy}, ${statusText(view)}`,
    `image   ${shortImage(view.image)} (stable: release ${view.stable.release}, ${shortImage(view.stable.image)})`,
    '',
    ...stepLines(view.steps, options.maxSteps ?? Infinity),
    '',
    weightsBar(view.weights),
    `alarms  ${alarmsText(view.alarms)}`,
  ];
  if (view.bake !== null) lines.push(`bake    ${formatDuration(view.bake.secondsLeft)} left`);
  if (view.analysis) lines.push(`analysis  ${analysisText(view.analysis)}`);
  if (view.approval !== null)
    lines.push(`approval  waiting until ${view.approval.expiresAt}: cutover approve ${view.deploymentId}`);
  if (view.reason !== null) lines.push(`reason  ${view.reason.message}`);
  return lines;
}

function analysisText(analysis: NonNullable<DeploymentView['analysis']>): string {
  const failing = analysis.failedMetrics.length > 0 ? `, failing: ${analysis.failedMetrics.join(', ')}` : '';
  return `${analysis.final ? 'final' : 'interim'} ${analysis.classification}, score ${analysis.score}${failing} → ${analysis.verdict}`;
}

function stepLines(steps: DeploymentView['steps'], maxSteps: number): string[] {
  const line = (step: DeploymentView['steps'][number]) => `  ${MARKS[step.state]} ${describeStep(step)}`;
  if (steps.length <= maxSteps) return steps.map(line);
  // Keep the current step with two done before it, fill the rest with steps to come.
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

/** `stable ██████████████░░░░░░ candidate 30%`: one cell per 5% of production traffic. */
export function weightsBar(weights: { stable: number; candidate: number }): string {
  const candidate = Math.round((weights.candidate / 100) * BAR_CELLS);
  return `stable ${'█'.repeat(BAR_CELLS - candidate)}${'░'.repeat(candidate)} candidate ${weights.candidate}%`;
}

function statusText(view: DeploymentView): string {
  if (view.status === 'running')
    return view.promoteFull ? `running (${view.phase}, promoting fully)` : `running (${view.phase})`;
  return view.status === 'rolled-back' ? 'rolled back' : view.status;
}

function alarmsText(alarms: readonly { name: string; state: string }[]): string {
  return alarms.length === 0 ? 'none watched' : alarms.map((a) => `${a.name} ${a.state}`).join(', ');
}

/** `<repository>@sha256:<first 12 hex digits>`, without the registry. */
export function shortImage(image: string): string {
  const [repository = image, digest] = image.split('@');
  const parts = repository.split('/');
  const registry = parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!);
  const name = registry ? parts.slice(1).join('/') : repository;
  return digest === undefined ? name : `${name}@${shortDigest(digest)}`;
}

export function shortDigest(digest: string): string {
  return digest.slice(0, 'sha256:'.length + 12);
}

// --- Following a deployment until it ends ---

export type WatchMode = 'tty' | 'plain' | 'json' | 'quiet';

export interface FollowOptions {
  /** tty: redraw in place; plain: a block per change; json: a JSON line per change; quiet: nothing. */
  mode: WatchMode;
  intervalMs: number;
  /** A view already fetched, shown first. */
  first?: AnyDeploymentView;
  /** tty: at most this many step lines, so that a redraw fits on the screen. */
  maxSteps?: number;
}

/** Failed polls in a row before following gives up (a blip should not end a long watch). */
const MAX_FAILED_POLLS = 5;

/** Polls the deployment until it ends, showing each change; returns its last view. */
export async function follow(
  client: ApiClient,
  deploymentId: string,
  output: Output,
  options: FollowOptions,
): Promise<AnyDeploymentView> {
  let lastKey = '';
  let blocksShown = 0;
  let linesOnScreen = 0;
  let failedPolls = 0;

  function show(view: AnyDeploymentView): void {
    const key = changeKey(view, options.mode);
    if (key === lastKey) return;
    lastKey = key;
    if (options.mode === 'json') output.out(jsonText(view));
    if (options.mode === 'plain') {
      if (blocksShown > 0) output.out('');
      renderDeployment(view).forEach((line) => output.out(line));
    }
    if (options.mode === 'tty') {
      const lines = renderDeployment(view, { maxSteps: options.maxSteps ?? Infinity });
      if (linesOnScreen > 0) output.clearLines?.(linesOnScreen);
      output.out(lines.join('\n'));
      linesOnScreen = lines.length;
    }
    blocksShown += 1;
  }

  let view = options.first;
  for (;;) {
    if (view === undefined) {
      try {
        view = await getDeployment(client, deploymentId);
        failedPolls = 0;
      } catch (error) {
        // No answer, or a 5xx: worth a few more polls. Anything else will not get better.
        const transient = error instanceof ApiFailure && (error.extra.status ?? 500) >= 500;
        if (!transient || ++failedPolls >= MAX_FAILED_POLLS) throw error;
      }
    }
    if (view !== undefined) {
      show(view);
      if (isEnded(view)) {
        if (options.mode === 'tty' || options.mode === 'plain') output.out(outcomeLine(view));
        return view;
      }
    }
    view = undefined;
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}

/**
 * What counts as a change worth showing again. The bake's countdown moves on every poll:
 * on a terminal it is redrawn, but piped it would print a block per poll, so it is left out.
 */
function changeKey(view: AnyDeploymentView, mode: WatchMode): string {
  if (mode === 'tty') return JSON.stringify(view);
  const still =
    'bake' in view && view.bake !== null ? { ...view, bake: { ...view.bake, secondsLeft: 0 } } : view;
  return mode === 'json' ? JSON.stringify(still) : renderDeployment(still).join('\n');
}

export function isEnded(view: AnyDeploymentView): boolean {
  if (view.status === 'starting') return false;
  if (view.status !== 'running') return true;
  // Its execution ended without recording an outcome (it failed unexpectedly): nothing more will change.
  return view.execution !== null && view.execution.status !== 'RUNNING';
}

/** 0 when promoted (or still going), 1 when rolled back, aborted, refused or failed. */
export function exitCodeOf(view: AnyDeploymentView): number {
  if (view.status === 'promoted') return 0;
  return isEnded(view) ? 1 : 0;
}

export function outcomeLine(view: AnyDeploymentView): string {
  return printable(outcomeText(view));
}

function outcomeText(view: AnyDeploymentView): string {
  if (!('steps' in view)) {
    return `✗ ${view.deploymentId} was refused: ${view.execution?.error ?? 'unknown'}: ${view.execution?.cause ?? ''}`;
  }
  switch (view.status) {
    case 'promoted':
      return `✓ ${view.deploymentId} promoted: release ${view.release} of ${view.service} is live`;
    case 'rolled-back':
      return `✗ ${view.deploymentId} rolled back: ${view.reason?.message ?? 'no reason recorded'}`;
    case 'aborted':
      return `✗ ${view.deploymentId} aborted: ${view.reason?.message ?? 'no reason recorded'}`;
    case 'running':
      return `✗ ${view.deploymentId} stopped: its execution ended ${view.execution?.status ?? ''} ${view.execution?.error ?? ''}`.trimEnd();
  }
}

/** How to show a watch on this output: redraw in place only on a terminal. */
export function watchMode(output: Output): WatchMode {
  if (output.json) return 'json';
  return process.stdout.isTTY === true && process.env.TERM !== 'dumb' ? 'tty' : 'plain';
}

/** On a terminal, the step lines that fit under the header and above the weights and alarms. */
export function stepsThatFit(): number {
  return Math.max(5, (process.stdout.rows ?? 40) - 12);
}

/** Milliseconds between polls: $CUTOVER_POLL_MS, else one second. */
export function pollInterval(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CUTOVER_POLL_MS ?? 1000);
  return Number.isFinite(value) && value >= 10 ? value : 1000;
}
