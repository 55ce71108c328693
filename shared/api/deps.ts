import type { Catalog } from '../domain/catalog-schema.js';
import type { EngineDeps } from '../engine/deps.js';
import type { ViewReuse } from './view-reuse.js';

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
> & {
  catalog: Catalog;
  /** GET /services answered from a fresh shared read (view-reuse.ts); without it, read for each. */
  views?: ViewReuse;
};
