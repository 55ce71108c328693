// Identifiers in ECS's own formats, derived from a seed so that a restored data folder names
// things as before: task ids are 32 hex digits (`task/<cluster>/<id>`), attachments and
// containers have UUIDs, task sets `ecs-svc/<19 digits>`.

import { createHash } from 'node:crypto';

const hex = (seed: string) => createHash('sha256').update(seed).digest('hex');

/** A task's id, as in `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`: 32 lower-case hex digits. */
export function taskId(seed: string): string {
  return hex(`task:${seed}`).slice(0, 32);
}

/** The digits of a task set's id, `ecs-svc/<19 digits>`. */
export function taskSetDigits(seed: string): string {
  return hex(`cutover-local-${seed}`)
    .slice(0, 19)
    .replace(/[a-f]/g, (c) => String(c.charCodeAt(0) % 10));
}

/** A version-4-shaped UUID, e.g. an attachment's or a container's id. */
export function uuidFrom(seed: string): string {
  const h = hex(`uuid:${seed}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An EC2 id such as `eni-0123456789abcdef0` or `subnet-…`: the prefix and 17 hex digits. */
export function ec2Id(prefix: string, seed: string): string {
  return `${prefix}-0${hex(`${prefix}:${seed}`).slice(0, 16)}`;
}
