// Words for the dashboard: short digests, durations, times and plan steps in plain language.
import type { Step } from './types';

/** The first 12 hex digits of an image's sha256 digest, or of a bare digest. */
export function shortDigest(imageOrDigest: string | null | undefined): string {
  if (!imageOrDigest) return '—';
  const match = /sha256:([0-9a-f]{12})/.exec(imageOrDigest);
  return match ? match[1]! : imageOrDigest;
}

/** The repository part of an image reference: `…/web@sha256:…` gives `web`. */
export function repositoryOf(image: string | null | undefined): string {
  if (!image) return '—';
  return image.split('@')[0]!.split('/').at(-1) ?? image;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** 120 → "2 minutes", 90 → "1 minute 30 seconds", 3600 → "1 hour". */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const rest = s % 60;
  const parts = [];
  if (hours > 0) parts.push(plural(hours, 'hour'));
  if (minutes > 0) parts.push(plural(minutes, 'minute'));
  if (rest > 0 || parts.length === 0) parts.push(plural(rest, 'second'));
  return parts.join(' ');
}

/** Time left, to the second: 3552 → "59 min 12 s", 3600 → "1 h 0 min", 42 → "42 s". */
export function timeLeft(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  if (hours > 0) return `${hours} h ${minutes} min`;
  return minutes > 0 ? `${minutes} min ${s % 60} s` : `${s} s`;
}

/** A countdown: 75 → "1:15". */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

export function dateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** A short date and time for tables: "Nov 27, 13:37:53". */
export function shortDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const day = date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return `${day}, ${date.toLocaleTimeString(undefined, { hour12: false })}`;
}

export function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(undefined, { timeStyle: 'medium' });
}

/** One plan step in words: "Shift 30% of production traffic to the new release". */
export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'check-alarms':
      return `Check that no watched alarm is firing${step.alarms?.length ? ` (${step.alarms.join(', ')})` : ''}`;
    case 'register-task-definition':
      return 'Register the new task definition';
    case 'create-task-set':
      return step.targetGroup === 'idle'
        ? 'Start the new task set behind the idle target group'
        : 'Start the new task set, scaled to zero';
    case 'wait-healthy':
      return 'Wait until the new tasks are healthy';
    case 'hook':
      return `Run the ${step.hook ?? ''} lifecycle hook`;
    case 'test-traffic':
      return 'Send test traffic to the new tasks';
    case 'approval':
      return `Wait for a person to approve (up to ${duration(step.timeoutSeconds ?? 0)})`;
    case 'shift':
      return `Shift ${step.weight ?? 0}% of production traffic to the new release`;
    case 'bake': {
      const what = step.analysis ? 'watching alarms, then canary analysis' : 'watching alarms';
      return `${step.final ? 'Final bake' : 'Bake'} for ${duration(step.seconds ?? 0)}, ${what}`;
    }
    case 'scale-batch':
      return `Replace batch ${step.batch ?? ''}: ${step.candidatePercent ?? 0}% of tasks on the new release`;
    case 'promote':
      return 'Promote: the new release becomes the live one';
    case 'termination-wait':
      return `Keep the old tasks for ${duration(step.seconds ?? 0)} for a fast rollback`;
    case 'clean-up':
      return 'Remove the old task set';
    default:
      return step.kind;
  }
}

export const statusWords: Record<string, string> = {
  starting: 'starting',
  running: 'running',
  promoted: 'promoted',
  'rolled-back': 'rolled back',
  aborted: 'aborted',
  refused: 'refused',
};
