// How a local cloud is started (LocalCloud.start): one object, its defaults those of
// `cutover local start`.

import type { Catalog } from '../shared/domain/catalog-schema.js';
import type { FaultSettings } from './aws/faults.js';
import type { GovernorSettings, SpeedChange } from './clock-governor.js';

export interface LocalCloudOptions {
  catalog: Catalog;
  catalogPath: string;
  dataDir: string;
  /** Simulated seconds per real second. */
  speed: number;
  /** The AWS endpoint's port; 0 picks a free one. */
  port: number;
  requestsPerSecond?: number;
  desiredCount?: number;
  /** Real milliseconds between simulation ticks. */
  tickMs?: number;
  /**
   * Keep the clock at `speed` however late the ticks run. By default it slows when the machine
   * cannot keep up, and says so in the log (clock-governor.ts).
   */
  fixedSpeed?: boolean;
  /** How the clock slows and recovers (default DEFAULT_GOVERNOR); tests shorten it. */
  governor?: Partial<Omit<GovernorSettings, 'requested' | 'floor'>>;
  /**
   * Called after each change of the clock's speed, once the clock runs at it, and (with null)
   * each time a stall of the thread held the clock back: either way its anchor moved.
   */
  onSpeedChange?: (change: SpeedChange | null) => void;
  /** The HTTP API's port (default 4600); 0 picks a free one. */
  apiPort?: number;
  /** The built dashboard (default web/dist). */
  webRoot?: string;
  /** Faults injected into the AWS endpoint from the start (default: none). */
  faults?: FaultSettings;
  /** Finished executions kept per state machine (default 100; stepfunctions/retention.ts). */
  keepExecutions?: number;
  log?: (line: string) => void;
  /** Real ms between two log lines about the same repeated error (default: a minute). */
  errorLogWindowMs?: number;
}
