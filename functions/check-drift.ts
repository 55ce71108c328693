// Scheduled (every 15 minutes by default): compares what runs with what the ledger says
// for every service in the catalog, and publishes "Drift Detected" for each that drifted.
// Each service on its own, as orphan recovery does: one whose check fails (its listener rule
// gone, say) is logged with its error and listed in `failed`, and the others are checked.

import { statePorts } from '../shared/aws/step-ports.js';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { elbRequests } from '../shared/aws/clients.js';
import { ecsAdapters } from '../shared/aws/ecs-adapters.js';
import { Elbv2TrafficRouter } from '../shared/aws/elbv2-traffic-router.js';
import { cutoverEvents } from '../shared/aws/eventbridge-events.js';
import type { Catalog, ServiceEntry } from '../shared/domain/catalog-schema.js';
import type { EngineDeps } from '../shared/engine/deps.js';
import { detectDrift, type DriftReport } from '../shared/engine/drift.js';
import { catalogFilePath, loadCatalog } from '../shared/runtime/catalog.js';
import type { Environment } from '../shared/runtime/env.js';
import { lambdaHandler } from '../shared/runtime/lambda-handler.js';
import { instrumented, observability, type Observability } from '../shared/runtime/observability.js';
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

/** A service whose check threw: `message` says why. */
export interface DriftCheckFailed {
  service: string;
  action: 'failed';
  message: string;
}

export function createHandler(catalog: Catalog, deps: Deps, observe?: Observability) {
  const { logger, metrics, entry } = instrumented(observe);
  async function checkService(service: string, entry: ServiceEntry): Promise<DriftReport> {
    const report = await detectDrift(deps, service, entry);
    if (report.drift) {
      logger.warn('drift detected', { deployedService: service, findings: report.findings });
      await deps.events.publish({
        detailType: 'Drift Detected',
        detail: { service, findings: report.findings },
      });
    }
    return report;
  }

  async function checkDrift(): Promise<{ reports: DriftReport[]; failed: DriftCheckFailed[] }> {
    const reports: DriftReport[] = [];
    const failed: DriftCheckFailed[] = [];
    for (const [service, entry] of Object.entries(catalog.services)) {
      try {
        reports.push(await checkService(service, entry));
      } catch (error) {
        const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const message = `the drift check of ${service} failed (${why}); the next check tries again`;
        logger.error('could not check a service for drift', { deployedService: service, detail: message });
        failed.push({ service, action: 'failed', message });
      }
    }
    metrics.addMetric('ServicesDrifted', MetricUnit.Count, reports.filter((r) => r.drift).length);
    metrics.addMetric('DriftChecksFailed', MetricUnit.Count, failed.length);
    return { reports, failed };
  }
  return entry(checkDrift);
}

/** The function as serverless.yml's environment wires it (lambda-handler.ts). */
export function handlerFor(env: Environment) {
  const deps: Deps = {
    ...statePorts(env),
    ledgerKeys: ledgerKeys(env),
    ...ecsAdapters(env),
    router: new Elbv2TrafficRouter(elbRequests(env)),
    events: cutoverEvents(env),
  };
  return createHandler(loadCatalog(catalogFilePath(env)), deps, observability(env));
}

export const handler = lambdaHandler(handlerFor);
