// Step Functions execution names, which are also deployment ids. A name is unique
// per state machine, so a name derived from what was asked makes a replayed
// request start nothing (ExecutionAlreadyExists).

import { createHash } from 'node:crypto';

const MAX_LENGTH = 80;

function hex(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function clean(name: string): string {
  return name.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, MAX_LENGTH);
}

/**
 * One execution per service and ECR event: the same event delivered twice (EventBridge
 * delivers at least once) starts nothing new, while a new push of the same digest (after
 * a rollback, say) is a new event and starts a deployment. Standard executions' names are
 * reserved for 90 days, so a name from the digest alone would block that push.
 */
export function pushExecutionName(service: string, digest: string, eventId: string): string {
  const event = createHash('sha256').update(eventId).digest('hex').slice(0, 16);
  return clean(`${service}-${hex(digest)}-e${event}`);
}

/** A push that waited for the lock; `pushedAt` keeps it distinct from the push's first attempt. */
export function queuedExecutionName(service: string, digest: string, pushedAt: number): string {
  return clean(`${service}-${hex(digest)}-q${pushedAt}`);
}

/** An operator's deploy or rollback: unique per request. */
export function requestExecutionName(service: string, digest: string, now: number, nonce: string): string {
  return clean(`${service}-${hex(digest)}-${now.toString(36)}${nonce}`);
}
