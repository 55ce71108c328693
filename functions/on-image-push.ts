// EventBridge "ECR Image Action" (PUSH, SUCCESS): starts a deployment of every
// service that deploys the pushed repository and tag. ECR sends one event per
// manifest; only a runnable image deploys (by the event's media-type fields), and
// a duplicated event (same id) starts nothing new; pushes nobody deploys are ignored.

import { MetricUnit } from '@aws-lambda-powertools/metrics';
import * as z from '../shared/domain/zod.js';
import { sfnRequests } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { SfnExecutions, stateMachineArns } from '../shared/aws/sfn-executions.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import type { EngineDeps } from '../shared/engine/deps.js';
import { deployPush, type PushOutcome } from '../shared/engine/on-push.js';
import { catalogFilePath, loadCatalog } from '../shared/runtime/catalog.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { instrumented, observability, type Observability } from '../shared/runtime/observability.js';

const imageAction = z.object({
  id: z.string().check(z.minLength(1)),
  source: z.literal('aws.ecr'),
  'detail-type': z.literal('ECR Image Action'),
  account: z.string().check(z.regex(/^\d{12}$/)),
  region: z.string().check(z.minLength(1)),
  time: z.iso.datetime({ offset: true }),
  detail: z.object({
    'action-type': z.string(),
    result: z.string(),
    'repository-name': z.string().check(z.minLength(1)),
    'image-digest': z.string().check(z.minLength(1)),
    'image-tag': z.optional(z.string()),
    'manifest-media-type': z.optional(z.string()),
    'artifact-media-type': z.optional(z.string()),
  }),
});

type Result = PushOutcome | { ignored: { reason: string }[]; started: [] };

export function createHandler(
  catalog: Catalog,
  deps: Pick<EngineDeps, 'executions' | 'vouchers' | 'serviceStates' | 'locks' | 'deployments'>,
  observe?: Observability,
) {
  const { logger, metrics, entry } = instrumented(observe);
  async function onImagePush(event: unknown): Promise<Result> {
    const { id, account, region, time, detail } = imageAction.parse(event);
    if (detail['action-type'] !== 'PUSH' || detail.result !== 'SUCCESS') {
      return {
        started: [],
        ignored: [{ reason: `${detail['action-type']} ${detail.result} is not a successful push` }],
      };
    }
    const outcome = await deployPush(deps, catalog, {
      eventId: id,
      account,
      region,
      repository: detail['repository-name'],
      digest: detail['image-digest'],
      // An empty tag is no tag: such a push is untagged, whatever EventBridge's exists matched.
      tag: detail['image-tag'] === '' ? undefined : detail['image-tag'],
      manifestMediaType: detail['manifest-media-type'],
      artifactMediaType: detail['artifact-media-type'],
      pushedAt: Date.parse(time),
    });
    logger.info('image pushed', {
      repository: detail['repository-name'],
      digest: detail['image-digest'],
      ...outcome,
    });
    metrics.addMetric(
      'DeploymentsStartedByPush',
      MetricUnit.Count,
      outcome.started.filter((s) => s.outcome === 'started').length,
    );
    return outcome;
  }
  return entry(onImagePush);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  return createHandler(
    loadCatalog(catalogFilePath(env)),
    { ...tables(env), executions: new SfnExecutions(sfnRequests(env), stateMachineArns(env)) },
    observability(env),
  );
}

export const handler = lambdaHandler(handlerFor);
