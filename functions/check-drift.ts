// Scheduled (every 15 minutes by default): compares what runs with what the ledger says
// for every service in the catalog, and publishes "Drift Detected" for each that drifted.

import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { elbClient } from '../shared/aws/clients.js';
import { tables } from '../shared/aws/dynamodb-tables.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import type { EngineDeps } from '../shared/engine/deps.js';
import { detectDrift, type DriftReport } from '../shared/engine/drift.js';
import { loadCatalog } from '../shared/runtime/catalog.js';
import { processClock } from '../shared/runtime/clock.js';
import { logger, metrics } from '../shared/runtime/observability.js';
import { ledgerKeys } from '../shared/aws/kms-ledger-keys.js';

type Deps = Pick<
  EngineDeps,
  | 'clock'
  | 'ledger'
  | 'ledgerKeys'
  | 'serviceStates'
  | 'locks'
  | 'taskSets'
  | 'taskDefinitions'
  | 'router'
  | 'events'
>;

export function createHandler(catalog: Catalog, deps: Deps) {
  async function checkDrift(): Promise<{ reports: DriftReport[] }> {
    const reports: DriftReport[] = [];
    for (const [service, entry] of Object.entries(catalog.services)) {
      const report = await detectDrift(deps, service, entry);
      reports.push(report);
      if (report.drift) {
        logger.warn('drift detected', { deployedService: service, findings: report.findings });
        await deps.events.publish({
          detailType: 'Drift Detected',
          detail: { service, findings: report.findings },
        });
      }
    }
    metrics.addMetric('ServicesDrifted', MetricUnit.Count, reports.filter((r) => r.drift).length);
    return { reports };
  }
  return middy(checkDrift).use(injectLambdaContext(logger)).use(logMetrics(metrics));
}

export const handler = createHandler(loadCatalog(), {
  clock: processClock,
  ledgerKeys: ledgerKeys(),
  ...tables(),
  ...ecsAdapters(),
  router: new Elbv2TrafficRouter(elbClient()),
  events: cutoverEvents(),
});
