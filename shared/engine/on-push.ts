// An image was pushed to ECR: start one execution per service that deploys it.
// The execution name comes from the service, the digest and the event's id, so a
// duplicated event starts nothing new, while a new push of the same digest (after a
// rollback) does. One build pushed under several tags deploys once: a push of the
// image already live, or already being deployed, is ignored. A push older than the
// live release is ignored too; the state machine checks all this again under the
// lock (pushes can race).

import type { Catalog } from '../domain/catalog-schema.js';
import { pushExecutionName } from '../domain/execution-name.js';
import { servicesForPush, type ImagePush, type PushIgnored } from '../domain/push.js';
import { stateMachineFor } from '../domain/strategy.js';
import type { EngineDeps } from './deps.js';
import { startVouched } from './start.js';

export interface PushOutcome {
  started: { service: string; execution: string; outcome: 'started' | 'exists' }[];
  ignored: PushIgnored[];
}

type PushDeps = Pick<EngineDeps, 'executions' | 'vouchers' | 'serviceStates' | 'locks' | 'deployments'>;

export async function deployPush(deps: PushDeps, catalog: Catalog, push: ImagePush): Promise<PushOutcome> {
  const { matches, ignored } = servicesForPush(catalog, push);
  const result: PushOutcome = { started: [], ignored: [...ignored] };
  for (const { service, entry, image } of matches) {
    const reason = await alreadyHandled(deps, service, push);
    if (reason !== null) {
      result.ignored.push({ service, reason });
      continue;
    }
    const tagged = push.tag ? image.replace('@', `:${push.tag}@`) : image;
    const execution = pushExecutionName(service, push.digest, push.eventId);
    const outcome = await startVouched(deps, stateMachineFor(entry.strategy), execution, {
      service,
      image: tagged,
      trigger: 'push',
      actor: 'ecr-push',
      pushedAt: new Date(push.pushedAt).toISOString(),
    });
    result.started.push({ service, execution, outcome });
  }
  return result;
}

/** Why this push needs no deployment of `service`, or null when it does. */
async function alreadyHandled(deps: PushDeps, service: string, push: ImagePush): Promise<string | null> {
  const live = (await deps.serviceStates.get(service)).stable;
  if (live !== null && digestOf(live.image) === push.digest) {
    return `${push.digest} is already live (release ${live.release}); another tag of the same build deploys nothing`;
  }
  if (live?.pushedAt !== undefined && push.pushedAt < live.pushedAt) {
    return `older than live release ${live.release}; an older image never replaces a newer one`;
  }
  const holder = await deps.locks.holder(service);
  const running = holder === null ? null : await deps.deployments.get(holder.deploymentId);
  if (running?.status === 'running' && digestOf(running.image) === push.digest) {
    return `${push.digest} is being deployed already (${running.deploymentId}); another tag of the same build deploys nothing`;
  }
  return null;
}

function digestOf(image: string): string {
  return image.slice(image.indexOf('@') + 1);
}
