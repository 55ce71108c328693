// Small pieces of text the deployment and service views and the releases table share. An
// image's short form is the dashboard's too (shared/domain/image-words.ts).

import { formatDuration } from '../../shared/domain/step-words.js';
import { shortImage } from '../../shared/domain/image-words.js';
import type { QueuedPushView, TaskSetCountsView } from '../../shared/api/views.js';

export function alarmsText(alarms: readonly { name: string; state: string }[]): string {
  return alarms.length === 0 ? 'none watched' : alarms.map((a) => `${a.name} ${a.state}`).join(', ');
}

/** Whole seconds from `from` to `to` (ISO times on the API's clock), or null if either is not a time. */
export function secondsBetween(from: string, to: string): number | null {
  const seconds = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  return Number.isFinite(seconds) ? Math.max(0, seconds) : null;
}

/** `stable     desired 4  running 4  healthy 4`, with `pending N` while tasks start. */
export function taskSetLine(role: string, counts: TaskSetCountsView | null): string {
  if (counts === null) return `${role.padEnd(10)} gone (ECS no longer knows its task set)`;
  const healthy = counts.healthy === null ? 'healthy -' : `healthy ${counts.healthy}`;
  const pending = counts.pending > 0 ? `  pending ${counts.pending}` : '';
  return `${role.padEnd(10)} desired ${counts.desired}  running ${counts.running}  ${healthy}${pending}`;
}

/** `queued  web:v4@sha256:abcd12345678, pushed 40s ago; starts when <what> ends`. */
export function queuedLine(queued: QueuedPushView, now: string, startsWhen: string): string {
  const ago = secondsBetween(queued.pushedAt, now);
  const when = ago === null ? `pushed at ${queued.pushedAt}` : `pushed ${formatDuration(ago)} ago`;
  return `queued  ${shortImage(queued.image)}, ${when}; starts when ${startsWhen}`;
}
