// The local cloud: one process that serves AWS's wire protocols on one port for
// the operations Cutover uses, runs the same state machines with the same handlers
// and adapters (built from an environment of its own, whose AWS_ENDPOINT_URL points
// here), and simulates tasks, traffic, metrics and alarms on a clock with a speed factor.
// Everything it knows lives in the data folder, so a restart loses nothing. Its start is
// in stages (cloud-start.ts), and what they open is closed by `stop()`, or at once if a
// later stage fails. It changes nothing process-wide: the clock and the credentials are
// given to each handler call, the environment to each handler it builds, so several local
// clouds may run in one process, each on its own ports and data folder.

import { rmSync } from 'node:fs';
import type { LocalCloudWatch } from './aws/cloudwatch.js';
import type { LocalEcr } from './aws/ecr.js';
import type { LocalEcs } from './aws/ecs.js';
import type { LocalElbv2 } from './aws/elbv2.js';
import type { LocalEventBridge } from './aws/eventbridge.js';
import { FaultInjector, type FaultSettings } from './aws/faults.js';
import type { LocalScheduler } from './aws/scheduler.js';
import type { LocalLambda } from './aws/lambda.js';
import type { LocalStepFunctions } from './aws/stepfunctions.js';
import { ScaledClock } from './clock.js';
import { Closers } from './closers.js';
import type { LocalCloudOptions } from './cloud-options.js';
import { startParts, type LocalCloudParts } from './cloud-start.js';
import { loadCatalogFunctions } from './catalog-functions.js';
import { claimDataFolder } from './data-folder-claims.js';
import { dynamodbPath, firstStartDone, openDataFolder } from './data-folder.js';
import { DataFolderInvalid } from './errors.js';
import type { LocalFunctions } from './functions.js';
import type { HandlerEnvironment } from './handler-environment.js';
import type { LocalIam } from './iam/authorizer.js';
import type { LedgerServices } from './ledger-services.js';
import { JsonText } from './json-pieces.js';
import { STATE_VERSION, type SavedState } from './persistence.js';
import { RepeatedErrors } from './repeated-errors.js';
import { LocalSchedules } from './schedules.js';
import { scopeOf, type Scope } from './scope.js';
import { StateSaver } from './state-saver.js';
import { TickLoop } from './tick-loop.js';
import type { World } from './world/world.js';

export type { LocalCloudOptions } from './cloud-options.js';
export { DEPLOYMENTS_TABLE, EVENT_BUS, LEDGER_TABLE } from './stack.js';

export class LocalCloud {
  readonly options: LocalCloudOptions;
  readonly scope: Scope;
  readonly clock: ScaledClock;
  /** The AWS endpoint. */
  readonly endpoint: string;
  /**
   * dynalite's own endpoint, behind no IAM: what someone with the machine's disk could reach.
   * Tests tamper with the ledger through it, past the table's resource policy.
   */
  readonly dynaliteEndpoint: string;
  /** The HTTP API and the dashboard, and the bearer token they take. */
  readonly apiEndpoint: string;
  readonly token: string;
  /** The load balancers' data plane: requests through a listener rule to the simulated tasks. */
  readonly loadBalancerEndpoint: string;
  readonly ecs: LocalEcs;
  readonly elb: LocalElbv2;
  readonly cloudwatch: LocalCloudWatch;
  readonly events: LocalEventBridge;
  readonly ecr: LocalEcr;
  readonly stepFunctions: LocalStepFunctions;
  /** EventBridge Scheduler: the schedules that end bakes, fired on the simulated clock. */
  readonly scheduler: LocalScheduler;
  readonly functions: LocalFunctions;
  /** Lambda's Invoke: Cutover's own functions, the catalog's local ones (catalog-functions.ts), and any a test registers. */
  readonly lambda: LocalLambda;
  readonly world: World;
  /** IAM on the AWS endpoint: each function's role, and every decision it makes. */
  readonly iam: LocalIam;
  /** KMS and S3 for the signed ledger, and `!Ref`/`!GetAtt` of serverless.yml's keys and buckets. */
  readonly ledger: LedgerServices;
  /** The environment its handlers are built from (handler-environment.ts); process.env is never changed. */
  readonly environment: HandlerEnvironment;
  /** Saves the state to the data folder; `held` says how long its saves held this thread. */
  readonly saver: StateSaver;
  private readonly faultSwitch: { injector: FaultInjector | null };
  /** The tick's failures, logged once a minute each, with a count (repeated-errors.ts). */
  private readonly failures: RepeatedErrors;
  private readonly schedules: LocalSchedules;
  private ticks: TickLoop | undefined;
  private stopping = false;

  private constructor(
    parts: LocalCloudParts,
    /** What the start opened, closed by `stop()`. */
    private readonly closers: Closers,
  ) {
    this.options = parts.options;
    this.scope = parts.scope;
    this.clock = parts.clock;
    this.endpoint = parts.endpoint;
    this.dynaliteEndpoint = parts.dynaliteEndpoint;
    this.apiEndpoint = parts.apiEndpoint;
    this.token = parts.token;
    this.loadBalancerEndpoint = parts.loadBalancerEndpoint;
    this.ecs = parts.ecs;
    this.elb = parts.elb;
    this.cloudwatch = parts.cloudwatch;
    this.events = parts.events;
    this.ecr = parts.ecr;
    this.stepFunctions = parts.stepFunctions;
    this.scheduler = parts.scheduler;
    this.functions = parts.functions;
    this.lambda = parts.lambda;
    this.world = parts.world;
    this.iam = parts.iam;
    this.ledger = parts.ledger;
    this.environment = parts.environment;
    this.faultSwitch = parts.faultSwitch;
    this.failures = parts.failures;
    this.saver = new StateSaver(
      parts.options.dataDir,
      parts.journal,
      () => this.snapshot(),
      (what, error) => parts.failures.report(what, error),
    );
    this.schedules = new LocalSchedules(parts.functions, (line) => parts.options.log?.(line), parts.failures);
  }

  /**
   * Starts a local cloud on the data folder: resumes what it holds, or makes the demo on a
   * first start. Refused, before anything is written or opened, for a data folder it cannot
   * resume or that another local cloud in this process runs on. If a stage of the start fails, what the earlier ones opened is closed and that
   * stage's error is thrown.
   */
  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    const log = options.log ?? (() => undefined);
    // Before anything is opened or written: a module that is missing or exports no handler is
    // the catalog's problem, and changes nothing.
    const catalogFunctions = await loadCatalogFunctions(options.catalog, options.catalogPath);
    const release = claimDataFolder(options.dataDir);
    const closers = new Closers();
    closers.add('the data folder', release);
    let firstStart = false;
    try {
      const saved = openDataFolder(options.dataDir, options.log);
      firstStart = saved === null;
      const scope = resumableScope(options, saved);
      const clock = new ScaledClock(options.speed, saved?.simTime ?? Date.now());
      const failures = new RepeatedErrors(log, {
        ...(options.errorLogWindowMs === undefined ? {} : { windowMs: options.errorLogWindowMs }),
      });
      const parts = await startParts({
        options,
        saved,
        scope,
        clock,
        log,
        failures,
        closers,
        catalogFunctions,
      });
      const cloud = new LocalCloud(parts, closers);
      cloud.save();
      if (firstStart) firstStartDone(options.dataDir);
      cloud.startTicking();
      return cloud;
    } catch (error) {
      // Nothing left listening keeps the process alive, and a first start that failed leaves
      // no tables without the state.json they go with: the next start is a first start again.
      await closers.closeAll().catch((failed: Error) => log(`after a failed start, ${failed.message}`));
      if (firstStart) rmSync(dynamodbPath(options.dataDir), { recursive: true, force: true });
      throw error;
    }
  }

  /** Turns fault injection on the AWS endpoint on (or off, with null); see aws/faults.ts. */
  setFaults(settings: FaultSettings | null): FaultInjector | null {
    this.faultSwitch.injector = settings === null ? null : new FaultInjector(settings);
    return this.faultSwitch.injector;
  }

  /** Moves the world to the clock's now, and saves the state every few seconds. */
  tick(): void {
    if (this.stopping) return;
    // Each on its own: a world that fails still has its schedules run and its state saved.
    this.world.tick();
    this.isolated('tick failed for the schedules', () => this.schedules.runDue(this.clock.now()));
    this.isolated('tick failed for the scheduler', () => this.scheduler.runDue(this.clock.now()));
    this.isolated('saving state.json failed', () => this.saver.saveIfDue());
    this.failures.flush();
  }

  /** Saves the state now, on this thread. */
  save(): void {
    this.saver.saveNow();
  }

  /**
   * Stops ticking, saves, cuts off running executions (the next start shows them aborted; each
   * task they were in ends, and its timers with it), lets handler calls already under way
   * finish (for up to three seconds: Ctrl-C must end the process within five), then closes what
   * the start opened, newest first: the endpoints and every connection to them.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.ticks?.stop();
    // Before anything is awaited: a second Ctrl-C may end the process at the next turn. A
    // periodic save under way is dropped rather than landing over this one.
    this.save();
    for (const execution of this.stepFunctions.runningExecutions()) execution.stop();
    const deadline = Date.now() + 3_000;
    while (this.functions.busy > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    // The dropped save's temporary file is removed before the data folder is let go.
    await this.saver.settled();
    await this.closers.closeAll();
  }

  private startTicking(): void {
    const { options, clock } = this;
    this.ticks = new TickLoop({
      clock,
      tickMs: options.tickMs ?? 100,
      ...(options.fixedSpeed === undefined ? {} : { fixedSpeed: options.fixedSpeed }),
      ...(options.governor === undefined ? {} : { governor: options.governor }),
      tick: () => this.tick(),
      log: options.log ?? (() => undefined),
      ...(options.onSpeedChange === undefined ? {} : { onSpeedChange: options.onSpeedChange }),
    });
  }

  private isolated(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.failures.report(what, error);
    }
  }

  private snapshot(): SavedState {
    return {
      version: STATE_VERSION,
      simTime: this.clock.now(),
      ...this.scope,
      ecs: JsonText.of(this.ecs.snapshotText()),
      elb: JsonText.of(this.elb.snapshotText()),
      cloudwatch: JsonText.of(this.cloudwatch.snapshotText()),
      events: this.events.snapshot(),
      ecr: JsonText.of(this.ecr.snapshotText()),
      // The biggest part, the executions' histories, is made as it is written.
      executions: this.stepFunctions.snapshotText(),
      scheduler: this.scheduler.snapshot(),
    };
  }
}

/** The catalog's account and region, which must be those the data folder was made for. */
function resumableScope(options: LocalCloudOptions, saved: SavedState | null): Scope {
  const scope = scopeOf(options.catalog);
  if (saved !== null && (saved.region !== scope.region || saved.account !== scope.account)) {
    throw new DataFolderInvalid(
      `${options.dataDir} holds a local cloud for ${saved.account}/${saved.region}, not ${scope.account}/${scope.region}`,
    );
  }
  return scope;
}
