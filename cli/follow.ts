// Following a deployment until it ends: `status --watch` and `deploy --wait`. On a terminal
// it redraws in place; piped, it prints a block per change (with --json, a JSON line).

import type { Output } from './output.js';
import { jsonText, printable } from './printable.js';
import { segment, type ApiClient } from './api-client.js';
import { ApiFailure } from './errors.js';
import { renderDeployment } from './render/deployment.js';
import type { AnyDeploymentView, DeploymentView } from '../shared/api/views.js';

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

export function getDeployment(client: ApiClient, deploymentId: string): Promise<AnyDeploymentView> {
  return client.get<AnyDeploymentView>(`/deployments/${segment(deploymentId)}`);
}

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
 * What counts as a change worth showing again. The clock moves on every poll (the elapsed
 * time, the bake's and the approval's countdowns): on a terminal it is redrawn, but piped
 * it would print a block per poll, so it is left out.
 */
function changeKey(view: AnyDeploymentView, mode: WatchMode): string {
  if (mode === 'tty') return JSON.stringify(view);
  const still = 'steps' in view ? withoutClock(view) : view;
  return mode === 'json' ? JSON.stringify(still) : renderDeployment(still).join('\n');
}

function withoutClock(view: DeploymentView): DeploymentView {
  return {
    ...view,
    now: view.startedAt,
    bake: view.bake && { ...view.bake, secondsLeft: 0 },
    approval: view.approval && { ...view.approval, secondsLeft: 0 },
  };
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
  return Math.max(5, (process.stdout.rows ?? 40) - 14);
}

/** Milliseconds between polls: $CUTOVER_POLL_MS, else one second. */
export function pollInterval(env: NodeJS.ProcessEnv = process.env): number {
  const value = Number(env.CUTOVER_POLL_MS ?? 1000);
  return Number.isFinite(value) && value >= 10 ? value : 1000;
}
