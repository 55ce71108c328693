// The state of one deployment, as the deployments table keeps it between steps.
// Plain data: the engine's use cases read and change it, adapters store it.

import type { HookName, Strategy } from './catalog-schema.js';
import type { Trigger } from './deployment-request.js';
import type { Reason } from './ledger.js';
import type { AnalysisVerdict, TimeWindow } from './analysis-plan.js';
import type { Evidence, MetricBrief, SequentialMetricResult } from './sequential-judge.js';
import type { Phase } from './phase.js';
import type { PlanStep } from './plan.js';

export type DeploymentStatus = 'running' | 'promoted' | 'rolled-back' | 'aborted';

/** What served production before this deployment, and what rollback returns to. */
export interface StableRelease {
  release: number;
  image: string;
  taskSetId: string;
  taskDefinitionArn: string;
  targetGroupArn: string;
  /** When its image was pushed, for releases started by a push: an older push never replaces it. */
  pushedAt?: number | undefined;
}

export interface Candidate {
  targetGroupArn: string;
  taskDefinitionArn?: string | undefined;
  taskSetId?: string | undefined;
  /**
   * The task set was not created by this deployment but taken over: a rollback found the old
   * release's task set still running (a termination wait it was handed) and moved production to it.
   */
  adopted?: true | undefined;
}

/**
 * The baseline task set (the catalog's `analysis.baseline`): the stable revision, started fresh
 * beside the canary behind a target group of its own. Removed at promotion or rollback.
 */
export interface Baseline {
  targetGroupArn: string;
  taskSetId: string;
  taskDefinitionArn: string;
  /** When it was scaled in and deleted (at promotion, or in the rollback). */
  removedAt?: number | undefined;
}

/** The header-routed step's listener rule (the catalog's `headerStep`), from its creation on. */
export interface HeaderRoute {
  ruleArn: string;
  listenerArn: string;
  priority: number;
  /** When it was deleted: by the first weighted shift, or by the rollback. */
  removedAt?: number | undefined;
}

export interface AnalysisRecord {
  at: number;
  /** The schedule step whose bake was judged (blue-green, which has no schedule: 0). */
  step?: number | undefined;
  final: boolean;
  /** The judge that made it; records from before there were two are Mann-Whitney's. */
  method?: 'mann-whitney' | 'sequential' | undefined;
  /** Undecided: the sequential judge has shown no regression, nor every metric within bounds. */
  classification: 'Pass' | 'Marginal' | 'Fail' | 'Undecided';
  /** Mann-Whitney: the summary score; sequential: the share of metrics not failed, in percent. */
  score: number;
  verdict: AnalysisVerdict;
  reason: string;
  /** Metrics that were High, Low or NodataFail. */
  failedMetrics: string[];
  window: { baseline: TimeWindow; canary: TimeWindow } | null;
  /**
   * The sequential judge's account of each metric (samples, effect, e-values, rule), kept on the
   * latest look only: a deployment's record must stay within DynamoDB's 400 KB however many looks.
   */
  metrics?: SequentialMetricResult[] | undefined;
  /** Each metric's decision and evidence at this look, kept on every look (the dashboard's chart). */
  brief?: MetricBrief[] | undefined;
}

export interface HookWait {
  hook: HookName;
  /**
   * The function the catalog named when the hook began (a webhook's URL): later calls use it,
   * whatever the catalog says by then.
   */
  functionName: string;
  /**
   * The Task's token: a function hook's Task, or the wait between two calls of a webhook (none
   * while a webhook's call is made: its state machine makes each call itself).
   */
  token?: string | undefined;
  /** The hook is a webhook: a call back ends the wait before its next call rather than calling it. */
  webhook?: true | undefined;
  startedAt: number;
  /** When its Task times out (hookTimeoutSeconds after it began): no call is made from then on. */
  deadline: number;
  /** Calls made so far. */
  calls: number;
  /** run-hook's own ARN: what a call back invokes (for a webhook, set while it waits). */
  callBackArn?: string | undefined;
  testListenerRule?: string | undefined;
  /** What the hook answered with its last IN_PROGRESS, passed back with the next call. */
  hookDetails?: Record<string, unknown> | undefined;
}

export interface HookOutcome {
  hook: HookName;
  status: 'Succeeded' | 'Failed';
  calls: number;
  endedAt: number;
  message?: string | undefined;
  /** Called after the deployment's rollback, to verify it (the catalog's `afterRollback`). */
  afterRollback?: true | undefined;
}

export interface Deployment {
  deploymentId: string;
  service: string;
  release: number;
  image: string;
  strategy: Strategy;
  trigger: Trigger;
  actor: string;
  /** For pushes: when the image was pushed (ms since the epoch). */
  pushedAt?: number | undefined;
  status: DeploymentStatus;
  /** The step now running, e.g. `wait-healthy`, `shift 30%`, `hook:BeforeAllowTraffic` (phase.ts). */
  phase: Phase;
  startedAt: number;
  updatedAt: number;
  stable: StableRelease;
  candidate: Candidate;
  /**
   * The plan's steps as the deployment started (its spec's plan): what status renders, whatever
   * the catalog says later. Records written before plans were kept have none.
   */
  plan?: PlanStep[] | undefined;
  /** Production weights, in percent, as last set and verified (the baseline's while it runs). */
  weights: { stable: number; candidate: number; baseline?: number | undefined };
  /** The baseline task set, from its creation until it is removed. */
  baseline?: Baseline | undefined;
  /** The header-routed step's rule, from its creation until it is removed. */
  headerRoute?: HeaderRoute | undefined;
  /** When production traffic first reached the candidate: where canary analysis starts. */
  trafficStartedAt?: number | undefined;
  /** What the sequential judge has read so far (shared/engine/evidence.ts). */
  evidence?: Evidence | undefined;
  /** The latest canary analysis. */
  analysis?: AnalysisRecord | undefined;
  /** Every canary analysis of this deployment, oldest first. */
  analyses?: AnalysisRecord[] | undefined;
  /** An operator ended the current bake with `promote`: its analysis is skipped. */
  analysisSkippedBy?: string | undefined;
  /**
   * The schedule step whose bake the analysis last dealt with (judged, or skipped): a step that
   * runs again (a retry, or the go-ahead after a marginal result) does not judge that bake twice.
   */
  judgedStep?: number | undefined;
  /** Test-listener traffic goes to the candidate. */
  testTraffic?: boolean | undefined;
  bake?: { token: string; startedAt: number; endsAt: number; alarms: string[] } | undefined;
  /** The lifecycle hook running now: its task token, and what carries over between its calls. */
  hookWait?: HookWait | undefined;
  /** Every lifecycle hook that has ended, in order: passed or failed, and after how many calls. */
  hookResults?: HookOutcome[] | undefined;
  approval?:
    | {
        token: string;
        requestedAt: number;
        expiresAt: number;
        /** Four eyes (the catalog's approval.separateApprover): `actor` may not answer it. */
        separateApprover?: true | undefined;
      }
    | undefined;
  /** An operator asked to skip the remaining steps and bakes. */
  promoteFull?: boolean | undefined;
  /**
   * A `promote --full` asked for while no wait could be ended: the next step reads
   * `promoteFull`, and records this request in the ledger.
   */
  promoteFullRequest?: OperatorRequest | undefined;
  /** An operator asked to abort: a wait's token was failed, or the next step rolls back. */
  abortRequested?: { actor: string; reason?: string | undefined } | undefined;
  /** The abort request's id: set with `abortRequested`, so it is taken or withdrawn by its id. */
  abortId?: string | undefined;
  /**
   * When a step took the abort (began rolling back because of it). From then on the request
   * took effect: it can no longer be withdrawn, and the rollback records it in the ledger.
   */
  abortTakenAt?: number | undefined;
  reason?: Reason | undefined;
  /** A rolled-back or aborted deployment: its phase and candidate weight when it began to roll back. */
  failedStep?: { phase: Phase; candidate: number; headerRoute?: true | undefined } | undefined;
  executionArn?: string | undefined;
  /**
   * A promoted deployment's termination wait handed to a rollback: the rollback (this id) took
   * the lock and the old task set, which this deployment's clean-up then leaves alone.
   */
  handedOverTo?: string | undefined;
  /**
   * Alarms already in ALARM when this deployment started, which do not gate it: it redeploys a
   * promoted image (a rollback) or an operator overrode them. Every other watched alarm does.
   */
  ignoredAlarms?: string[] | undefined;
}

/** What a person asked for, as the step that acts on it records it in the ledger. */
export interface OperatorRequest {
  /** Unique per request: the ledger records a request once, however often a step runs. */
  id: string;
  actor: string;
  reason?: string | undefined;
}
