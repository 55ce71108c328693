// Scheduled (every 5 minutes), and on every Cutover execution that ends FAILED, TIMED_OUT
// or ABORTED: finishes deployments whose execution ended while holding their service's
// lock (shared/engine/recover.ts), and publishes "Deployment Rolled Back" for each. Each
// service on its own: one that fails is logged with its error and listed in `failed`.

import { ledgerWriterPorts } from '../shared/aws/step-ports.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { ecsRequests, elbRequests, sfnRequests } from '../shared/aws/clients.js';
import { EcsTaskSets } from '../shared/aws/ecs-task-sets.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { Elbv2RouteRules } from '../shared/aws/elbv2-route-rules.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import { SfnExecutions, stateMachineArns } from '../shared/aws/sfn-executions.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import { recoverOrphans, type Recovery } from '../shared/engine/recover.js';
import { catalogFilePath, loadCatalog } from '../shared/runtime/catalog.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { instrumented, observability, type Observability } from '../shared/runtime/observability.js';
import { ledgerAnchors } from '../shared/aws/s3-ledger-anchors.js';
import { bakeSchedules } from '../shared/aws/scheduler-bake-schedules.js';

type Deps = Parameters<typeof recoverOrphans>[0];

export function createHandler(catalog: Catalog, deps: Deps, observe?: Observability) {
  const { logger, metrics, entry } = instrumented(observe);
  async function recover(): Promise<{ recoveries: Recovery[]; failed: Recovery[] }> {
    const all = await recoverOrphans(deps, catalog);
    const failed = all.filter((r) => r.action === 'failed');
    const recoveries = all.filter((r) => r.action !== 'failed');
    for (const recovery of recoveries) logger.warn('recovered an orphaned deployment', logged(recovery));
    for (const failure of failed) logger.error('could not recover an orphaned deployment', logged(failure));
    metrics.addMetric('OrphansRecovered', MetricUnit.Count, recoveries.length);
    metrics.addMetric('OrphanRecoveriesFailed', MetricUnit.Count, failed.length);
    return { recoveries, failed };
  }
  return entry(recover);
}

/** `service` and `message` are the Logger's own keys, which it would drop: renamed. */
function logged({ service, message, ...rest }: Recovery) {
  return { recoveredService: service, detail: message, ...rest };
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  const deps: Deps = {
    ...ledgerWriterPorts(env),
    bakeSchedules: bakeSchedules(env),
    router: new Elbv2TrafficRouter(elbRequests(env)),
    routes: new Elbv2RouteRules(elbRequests(env)),
    taskSets: new EcsTaskSets(ecsRequests(env)),
    events: cutoverEvents(env),
    executions: new SfnExecutions(sfnRequests(env), stateMachineArns(env)),
    anchors: ledgerAnchors(env),
  };
  return createHandler(loadCatalog(catalogFilePath(env)), deps, observability(env));
}

export const handler = lambdaHandler(handlerFor);
