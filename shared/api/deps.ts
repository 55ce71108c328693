import type { Catalog } from '../domain/catalog-schema.js';
import type { EngineDeps } from '../engine/deps.js';

/** What the API's routes need: the catalog and the ports they read and act through. */
export type ApiDeps = Pick<
  EngineDeps,
  | 'clock'
  | 'deployments'
  | 'locks'
  | 'ledger'
  | 'ledgerKeys'
  | 'anchors'
  | 'serviceStates'
  | 'tokens'
  | 'executions'
  | 'vouchers'
  | 'alarms'
  | 'taskSets'
  | 'taskDefinitions'
  | 'router'
  | 'metrics'
> & { catalog: Catalog };
