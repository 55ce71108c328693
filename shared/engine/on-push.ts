// An image was pushed to ECR: start one execution per service that deploys it.
// The execution name comes from the service and the digest, so a duplicated or
// replayed event starts nothing new. A push older than the live release is
// ignored here; the state machine checks again under the lock (a push can race).

import type { Catalog } from '../domain/catalog-schema.js';
import { pushExecutionName } from '../domain/execution-name.js';
import { servicesForPush, type ImagePush } from '../domain/push.js';
import { stateMachineFor } from '../domain/strategy.js';
import type { EngineDeps } from './deps.js';

export interface PushOutcome {
  started: { service: string; execution: string; outcome: 'started' | 'exists' }[];
  ignored: { service?: string; reason: string }[];
}

export async function deployPush(
  deps: Pick<EngineDeps, 'executions' | 'serviceStates'>,
  catalog: Catalog,
  push: ImagePush,
): Promise<PushOutcome> {
  const result: PushOutcome = { started: [], ignored: [] };
  const matches = servicesForPush(catalog, push);
  if ('reason' in matches) {
    result.ignored.push({ reason: matches.reason });
    return result;
  }
  for (const { service, entry, image } of matches) {
    const live = (await deps.serviceStates.get(service)).stable;
    if (live?.pushedAt !== undefined && push.pushedAt < live.pushedAt) {
      result.ignored.push({
        service,
        reason: `older than live release ${live.release}; an older image never replaces a newer one`,
      });
      continue;
    }
    const tagged = push.tag ? image.replace('@', `:${push.tag}@`) : image;
    const execution = pushExecutionName(service, push.digest);
    const outcome = await deps.executions.start(stateMachineFor(entry.strategy), execution, {
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
