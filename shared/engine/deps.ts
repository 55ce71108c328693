// What the engine's use cases need from the outside world, as ports. Each use
// case takes only the ports it uses (Pick<EngineDeps, ...>), so a handler wires
// and bundles only those adapters.

import type { AlarmWatch } from '../ports/alarms.js';
import type { BakeSchedules } from '../ports/bake-schedules.js';
import type { Clock } from '../ports/clock.js';
import type {
  AlarmWatchers,
  DeploymentLocks,
  Deployments,
  ServiceStates,
  StartVouchers,
} from '../ports/deployments.js';
import type { TaskDefinitions, TaskSets } from '../ports/ecs.js';
import type { CutoverEvents } from '../ports/events.js';
import type { Executions } from '../ports/executions.js';
import type { HookCallBacks } from '../ports/hook-call-backs.js';
import type { HookRunner } from '../ports/hooks.js';
import type { MetricSource } from '../ports/metrics.js';
import type { RecordSigner } from '../domain/ledger-signature.js';
import type { LedgerAnchors, LedgerKeys, ReleaseLedger } from '../ports/ledger.js';
import type { TaskTokens } from '../ports/tokens.js';
import type { TrafficRouter } from '../ports/traffic.js';
import type { RouteRules } from '../ports/route-rules.js';

export interface EngineDeps {
  clock: Clock;
  taskDefinitions: TaskDefinitions;
  taskSets: TaskSets;
  router: TrafficRouter;
  /** The header-routed step's own listener rule. */
  routes: RouteRules;
  alarms: AlarmWatch;
  ledger: ReleaseLedger;
  /** Signs each record appended (the ledger key, through KMS). */
  signer: RecordSigner;
  /** Chain heads kept outside DynamoDB, written when a release ends. */
  anchors: LedgerAnchors;
  /** The public keys records are verified with. */
  ledgerKeys: LedgerKeys;
  locks: DeploymentLocks;
  deployments: Deployments;
  serviceStates: ServiceStates;
  watchers: AlarmWatchers;
  tokens: TaskTokens;
  /** Ends each healthy bake on time, by answering its token. */
  bakeSchedules: BakeSchedules;
  hooks: HookRunner;
  /** Calls a hook again after it answered IN_PROGRESS. */
  hookCallBacks: HookCallBacks;
  executions: Executions;
  /** Cutover's starters vouch for each execution they start. */
  vouchers: StartVouchers;
  events: CutoverEvents;
  metrics: MetricSource;
}
