// What a push did for one service, decided from what was seen: the handler's own rules
// (shared/domain/push.ts, engine/on-push.ts) over the state read before the push, then the
// execution the push started and the deployment it created. Pure: push-outcome.ts reads them.

import type { Catalog, ServiceEntry } from '../../shared/domain/catalog-schema.js';
import { servicesForPush } from '../../shared/domain/push.js';
import { registryOf } from '../../shared/domain/registry.js';

export type ServiceOutcome = { service: string } & (
  | { outcome: 'started'; deploymentId: string; strategy: string }
  | { outcome: 'queued' | 'nothing' | 'refused' | 'unknown'; reason: string }
);

export interface ServiceBefore {
  service: string;
  settings: ServiceEntry;
  live: { release: number; digest: string | null } | null;
  running: { deploymentId: string; image: string } | null;
}

/** The push: what ECR stored and sent on EventBridge. */
export interface Pushed {
  repository: string;
  tag: string;
  digest: string;
  manifestMediaType: string;
}

export interface FoundExecution {
  service: string;
  name: string;
  status: string;
  output: { error?: { Error?: string; Cause?: string } } | null;
  error: string | null;
  cause: string | null;
}

/** The deployment an execution created, as GET /deployments/{id} shows it. */
export interface SeenDeployment {
  deploymentId: string;
  strategy: string;
  status: string;
  reason: { message: string } | null;
}

/**
 * The outcome an execution (and the deployment it created, if any) shows; null while it is
 * undecided. A deployment aborted before any traffic moved (an alarm already firing) was refused.
 */
export function outcomeOf(found: FoundExecution, deployment: SeenDeployment | null): ServiceOutcome | null {
  const { service } = found;
  if (deployment?.status === 'aborted')
    return {
      service,
      outcome: 'refused',
      reason: `${deployment.deploymentId} was aborted: ${deployment.reason?.message ?? 'no reason given'}`,
    };
  if (deployment !== null)
    return {
      service,
      outcome: 'started',
      deploymentId: deployment.deploymentId,
      strategy: deployment.strategy,
    };
  if (found.status === 'RUNNING') return null;
  const caught = found.output?.error;
  if (found.status === 'SUCCEEDED' && caught?.Error === 'DeploymentQueued')
    return { service, outcome: 'queued', reason: caught.Cause ?? 'the service is busy' };
  if (found.status === 'SUCCEEDED' && caught?.Error === 'StalePush')
    return {
      service,
      outcome: 'nothing',
      reason: caught.Cause ?? 'an older push never replaces a newer one',
    };
  const why =
    caught?.Cause ?? found.cause ?? found.error ?? `its execution ${found.name} ended ${found.status}`;
  return { service, outcome: 'refused', reason: why };
}

/** The handler's own rules (push.ts, on-push.ts): an outcome when they settle it, else null. */
export function settledAtOnce(before: ServiceBefore, pushed: Pushed): ServiceOutcome | null {
  const { service, settings, live, running } = before;
  const catalog = { services: { [service]: settings } } as unknown as Catalog;
  const { ignored } = servicesForPush(catalog, {
    eventId: 'cli',
    ...registryOf(settings),
    repository: pushed.repository,
    digest: pushed.digest,
    tag: pushed.tag,
    manifestMediaType: pushed.manifestMediaType,
    pushedAt: Date.now(),
  });
  const nothing = (reason: string): ServiceOutcome => ({ service, outcome: 'nothing', reason });
  if (ignored.length > 0) return nothing(ignored.map((i) => i.reason).join('; '));
  if (live?.digest === pushed.digest)
    return nothing(
      `${pushed.digest} is already live (release ${live.release}); another tag of the same build deploys nothing`,
    );
  if (running !== null && running.image.endsWith(`@${pushed.digest}`))
    return nothing(
      `the same build is being deployed already (${running.deploymentId}); another tag of it deploys nothing`,
    );
  return null;
}
