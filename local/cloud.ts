// The local cloud: one process that serves AWS's wire protocols on one port for
// the operations Cutover uses, runs the same state machines with the same handlers
// and adapters (pointed here by AWS_ENDPOINT_URL), and simulates tasks, traffic,
// metrics and alarms on a clock with a speed factor. Everything it knows lives in
// the data folder, so a restart loses nothing.

import { readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoReleaseLedger } from '../shared/aws/dynamodb-release-ledger.js';
import { KmsRecordSigner } from '../shared/aws/kms-ledger-keys.js';
import { JsonRequests, KMS } from '../shared/aws/json-requests.js';
import { DynamoServiceStates } from '../shared/aws/dynamodb-service-states.js';
import { catalogResources } from '../shared/domain/catalog-resources.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import type { StateMachineName } from '../shared/ports/executions.js';
import { useClock } from '../shared/runtime/clock.js';
import { LocalCloudWatch } from './aws/cloudwatch.js';
import { createTables } from './aws/dynamodb-tables.js';
import { durableDynalite } from './aws/durable-dynalite.js';
import { LocalEcr } from './aws/ecr.js';
import { LocalEcs } from './aws/ecs.js';
import type { EcsState } from './aws/ecs-model.js';
import { ELBV2_API_VERSION, ELBV2_NAMESPACE, LocalElbv2 } from './aws/elbv2.js';
import { LocalEventBridge } from './aws/eventbridge.js';
import { FaultInjector, type FaultSettings } from './aws/faults.js';
import { createAwsServer } from './aws/server.js';
import { accessKeyIdOf, guardServer } from './aws/guard.js';
import { LocalIam } from './iam/authorizer.js';
import { readFunctionRoles } from './iam/roles.js';
import { readTablePolicies } from './iam/resource-policy.js';
import { KMS_TARGET } from './aws/kms.js';
import { startLedgerServices, type LedgerServices } from './ledger-services.js';
import {
  functionRoleName,
  functionRoleNames,
  LOCAL_STAGE,
  STACK_SERVICE,
} from '../shared/domain/stack-names.js';
import { IAM_API_VERSION, IAM_NAMESPACE, LocalIamService } from './aws/iam.js';
import { readServerlessRules } from './aws/serverless-rules.js';
import { LocalStepFunctions } from './aws/stepfunctions.js';
import { ScaledClock } from './clock.js';
import type { GovernorSettings, SpeedChange } from './clock-governor.js';
import { TickLoop } from './tick-loop.js';
import { createApiServer, ensureToken } from './api-server.js';
import { serveDashboard, WEB_ROOT } from './dashboard.js';
import { FUNCTION_NAMES, LocalFunctions } from './functions.js';
import { dynamodbPath, firstStartDone, openDataFolder } from './data-folder.js';
import { LEDGER_ANCHOR_BUCKET, refuseLedgerBehindAnchors, refuseUnanchoredLedger } from './ledger-folder.js';
import { DataFolderInvalid } from './errors.js';
import { STATE_VERSION, type SavedState } from './persistence.js';
import { StateSaver } from './state-saver.js';
import { MetricJournal } from './aws/metric-journal.js';
import { reconcileCatalog } from './catalog-changes.js';
import { RepeatedErrors } from './repeated-errors.js';
import { LocalSchedules } from './schedules.js';
import type { LocalScheduler } from './aws/scheduler.js';
import { startScheduler } from './scheduler-services.js';
import { seed, type SeedParts } from './seed.js';
import { prepareDefinition } from './stepfunctions/definition.js';
import { TokenRegistry } from './stepfunctions/tokens.js';
import { scopeOf, type Scope } from './scope.js';
import { World } from './world/world.js';

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

const ROOT = new URL('..', import.meta.url).pathname;
const MACHINES: StateMachineName[] = ['blue-green', 'canary', 'rolling'];
const ENV_BY_MACHINE: Record<StateMachineName, string> = {
  'blue-green': 'BLUE_GREEN_STATE_MACHINE_ARN',
  canary: 'CANARY_STATE_MACHINE_ARN',
  rolling: 'ROLLING_STATE_MACHINE_ARN',
};
/** The local cloud plays a stack of stage `local`: its resources are named as that stage's are. */
const STACK = `${STACK_SERVICE}-${LOCAL_STAGE}`;
export const LEDGER_TABLE = `${STACK}-ledger`;
export const DEPLOYMENTS_TABLE = `${STACK}-deployments`;
export const EVENT_BUS = STACK;

export class LocalCloud {
  private ticks: TickLoop | undefined;
  private readonly schedules: LocalSchedules;
  /** Saves the state to the data folder; `held` says how long its saves held this thread. */
  readonly saver: StateSaver;
  private stopping = false;

  private constructor(
    readonly options: LocalCloudOptions,
    readonly scope: Scope,
    readonly clock: ScaledClock,
    readonly endpoint: string,
    readonly ecs: LocalEcs,
    readonly elb: LocalElbv2,
    readonly cloudwatch: LocalCloudWatch,
    readonly events: LocalEventBridge,
    readonly ecr: LocalEcr,
    readonly stepFunctions: LocalStepFunctions,
    readonly functions: LocalFunctions,
    readonly world: World,
    private readonly server: Server,
    private readonly dynamo: Server,
    private readonly apiServer: Server,
    readonly apiEndpoint: string,
    readonly token: string,
    private readonly faultSwitch: { injector: FaultInjector | null },
    /** IAM on the AWS endpoint: each function's role, and every decision it makes. */
    readonly iam: LocalIam,
    /** KMS and S3 for the signed ledger, and `!Ref`/`!GetAtt` of serverless.yml's keys and buckets. */
    readonly ledger: LedgerServices,
    /** The tick's failures, logged once a minute each, with a count (repeated-errors.ts). */
    private readonly failures: RepeatedErrors,
    /** EventBridge Scheduler: the schedules that end bakes, fired on the simulated clock. */
    readonly scheduler: LocalScheduler,
    /** The metric data in the data folder, written as it comes. */
    journal: MetricJournal,
  ) {
    this.saver = new StateSaver(
      options.dataDir,
      journal,
      () => this.snapshot(),
      (what, error) => failures.report(what, error),
    );
    this.schedules = new LocalSchedules(functions, (line) => options.log?.(line), failures);
  }

  /**
   * dynalite's own endpoint, behind no IAM: what someone with the machine's disk could reach.
   * Tests tamper with the ledger through it, past the table's resource policy.
   */
  get dynaliteEndpoint(): string {
    const address = this.dynamo.address();
    if (address === null || typeof address === 'string') throw new Error('dynalite is not listening');
    return `http://127.0.0.1:${address.port}`;
  }

  /** Turns fault injection on the AWS endpoint on (or off, with null); see aws/faults.ts. */
  setFaults(settings: FaultSettings | null): FaultInjector | null {
    this.faultSwitch.injector = settings === null ? null : new FaultInjector(settings);
    return this.faultSwitch.injector;
  }

  static async start(options: LocalCloudOptions): Promise<LocalCloud> {
    // Refuses a folder it cannot resume (local/data-folder.ts) before anything listens.
    const saved = openDataFolder(options.dataDir, options.log);
    const listening: Server[] = [];
    try {
      const cloud = await LocalCloud.open(options, saved, listening);
      if (saved === null) {
        cloud.save();
        firstStartDone(options.dataDir);
      }
      return cloud;
    } catch (error) {
      // Nothing left listening keeps the process alive, and a first start that failed leaves
      // no tables without the state.json they go with: the next start is a first start again.
      await Promise.all(listening.map(close));
      if (saved === null) rmSync(dynamodbPath(options.dataDir), { recursive: true, force: true });
      throw error;
    }
  }

  private static async open(
    options: LocalCloudOptions,
    saved: SavedState | null,
    listening: Server[],
  ): Promise<LocalCloud> {
    const log = options.log ?? (() => undefined);
    const scope = scopeOf(options.catalog);
    if (saved !== null && (saved.region !== scope.region || saved.account !== scope.account)) {
      throw new DataFolderInvalid(
        `${options.dataDir} holds a local cloud for ${saved.account}/${saved.region}, not ${scope.account}/${scope.region}`,
      );
    }
    const clock = new ScaledClock(options.speed, saved?.simTime ?? Date.now());
    useClock(clock);

    const dynamo = durableDynalite(dynamodbPath(options.dataDir));
    guardServer(dynamo);
    const dynamoEndpoint = await listen(dynamo, 0, listening);
    const ledgerFolder = {
      dataDir: options.dataDir,
      dynamodb: dynamoEndpoint,
      table: LEDGER_TABLE,
      region: scope.region,
    };
    // Before the template's bucket is created: a new, empty one would hide a lost s3/.
    if (saved !== null) await refuseUnanchoredLedger(ledgerFolder);

    // KMS and S3, with serverless.yml's keys and buckets: the roles may name them.
    const ledger = await startLedgerServices(options.dataDir, join(ROOT, 'serverless.yml'), {
      ...scope,
      partition: 'aws',
      stage: LOCAL_STAGE,
      resources: { ...catalogResources(options.catalog) },
    });
    // A resumed ledger must still reach its newest anchors (ledger-folder.ts).
    if (saved !== null)
      await refuseLedgerBehindAnchors(
        ledgerFolder,
        ledger.s3.store,
        ledger.resources.ref(LEDGER_ANCHOR_BUCKET),
        log,
      );
    const iam = new LocalIam({
      ...scope,
      ...ledger.iam,
      partition: 'aws',
      service: STACK_SERVICE,
      stage: LOCAL_STAGE,
      roles: await readFunctionRoles(join(ROOT, 'serverless.yml'), {
        ...scope,
        partition: 'aws',
        stage: LOCAL_STAGE,
        resources: { ...catalogResources(options.catalog) },
        physicalIds: ledger.resources.physicalIds(),
      }),
      roleName: (fn) => functionRoleName({ stage: LOCAL_STAGE, region: scope.region, functionName: fn }),
      // The tables' resource policies: the ledger's refuses every change and removal, to anyone.
      resourcePolicy: await readTablePolicies(join(ROOT, 'serverless.yml'), {
        ...scope,
        partition: 'aws',
        stage: LOCAL_STAGE,
        resources: { ...catalogResources(options.catalog) },
        physicalIds: ledger.resources.physicalIds(),
      }),
    });
    let awsEndpoint = '';
    const { scheduler, environment: schedulerEnvironment } = await startScheduler({
      template: join(ROOT, 'serverless.yml'),
      roles: {
        ...scope,
        partition: 'aws',
        stage: LOCAL_STAGE,
        resources: { ...catalogResources(options.catalog) },
        physicalIds: ledger.resources.physicalIds(),
      },
      iam,
      now: () => clock.now(),
      endpoint: () => awsEndpoint,
      saved: saved?.scheduler,
      log,
    });
    const functions = new LocalFunctions((name) => iam.credentialsFor(name));
    const tokens = new TokenRegistry();
    const ecs = new LocalEcs({ ...scope, now: () => clock.now(), callerArn: (key) => iam.callerArn(key) });
    const elb = saved
      ? LocalElbv2.restore(saved.elb, { ...scope, clock })
      : new LocalElbv2({ ...scope, clock });
    const events = new LocalEventBridge({
      buses: [EVENT_BUS],
      clock,
      ...scope,
      deliver: async (fn, event) => {
        await functions.resolve(fn)(event, { functionName: fn });
      },
      log,
    });
    const cloudwatch = new LocalCloudWatch({
      clock,
      ...scope,
      onStateChange: (event) => {
        log(
          `alarm ${event.detail.alarmName}: ${event.detail.previousState.value} → ${event.detail.state.value}`,
        );
        events.publish(event);
      },
    });
    const ecr = new LocalEcr({
      ...scope,
      now: () => clock.now(),
      onPush: (event) => {
        log(
          `pushed ${event.detail['repository-name']}:${event.detail['image-tag'] ?? ''} ${event.detail['image-digest']}`,
        );
        events.publish({ ...event, time: new Date(event.time).toISOString() });
      },
    });
    const stepFunctions = new LocalStepFunctions({
      clock,
      tokens,
      resolve: functions.resolve,
      // Read as each execution starts: its Retry intervals follow the clock's speed then.
      get retryMsPerSecond() {
        return 1000 / clock.currentSpeed;
      },
      functionArn: (fn) => `arn:aws:lambda:${scope.region}:${scope.account}:function:${STACK}-${fn}`,
      ...(options.keepExecutions === undefined ? {} : { keepExecutions: options.keepExecutions }),
      onEnd: (execution) =>
        log(
          `execution ${execution.name}: ${execution.status}${execution.error ? ` ${execution.error}: ${execution.cause ?? ''}` : ''}`,
        ),
    });
    // EventBridge's rules come back once the catalog's new services exist (below): their image
    // v1, pushed as a first start pushes it, starts no deployment.
    if (saved) restoreServices(saved, { ecs, cloudwatch, ecr, stepFunctions });
    const journal = MetricJournal.open(options.dataDir, cloudwatch.metrics, saved?.metricJournal);

    const faultSwitch = { injector: options.faults ? new FaultInjector(options.faults) : null };
    const server = createAwsServer({
      faults: () => faultSwitch.injector,
      json: {
        AmazonEC2ContainerServiceV20141113: {
          service: ecs.service,
          contentType: 'application/x-amz-json-1.1',
        },
        AmazonEC2ContainerRegistry_V20150921: {
          service: ecr.service,
          contentType: 'application/x-amz-json-1.1',
        },
        AWSStepFunctions: { service: stepFunctions.service, contentType: 'application/x-amz-json-1.0' },
        AWSEvents: { service: events.service, contentType: 'application/x-amz-json-1.1' },
        GraniteServiceVersion20100801: {
          service: cloudwatch.service,
          contentType: 'application/x-amz-json-1.0',
          queryCompatible: true,
        },
        [KMS_TARGET]: { service: ledger.kms.service, contentType: 'application/x-amz-json-1.1' },
      },
      s3: ledger.s3,
      scheduler: scheduler.service,
      query: {
        [ELBV2_API_VERSION]: { service: elb.service, namespace: ELBV2_NAMESPACE },
        [IAM_API_VERSION]: { service: iamRoles(scope, options.catalog).service, namespace: IAM_NAMESPACE },
      },
      dynamodb: dynamoEndpoint,
      authorize: (req, prefix, action, input) => {
        const denial = iam.check(accessKeyIdOf(req) ?? '', prefix, action, input);
        if (denial !== null) log(`IAM denied: ${denial.message}`);
        return denial?.message ?? null;
      },
    });
    const endpoint = await listen(server, options.port, listening);
    awsEndpoint = endpoint;
    const machineArns = setEnvironment(options, scope, endpoint, {
      LEDGER_KEY_ID: ledger.resources.arn('LedgerKey'),
      LEDGER_ANCHOR_BUCKET: ledger.resources.ref('LedgerAnchorBucket'),
      ...schedulerEnvironment,
    });
    // Loaded now, not on first call: loading takes real time, which a fast clock would turn
    // into minutes of a deployment's simulated time.
    await functions.preload();
    for (const machine of MACHINES) {
      const definition = readFileSync(join(ROOT, 'statemachines', `${machine}.asl.json`), 'utf8');
      stepFunctions.addStateMachine({
        name: machineArns[machine].split(':').at(-1)!,
        arn: machineArns[machine],
        definition,
        prepared: prepareDefinition(JSON.parse(definition)),
        createdAt: clock.now(),
      });
    }

    const dynamoClient = new DynamoDBClient({
      endpoint,
      region: scope.region,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await createTables(dynamoClient, { ledger: LEDGER_TABLE, deployments: DEPLOYMENTS_TABLE });
    const failures = new RepeatedErrors(log, {
      ...(options.errorLogWindowMs === undefined ? {} : { windowMs: options.errorLogWindowMs }),
    });
    const world = new World({
      clock,
      catalog: options.catalog,
      ecs,
      elb,
      ecr,
      cloudwatch,
      requestsPerSecond: options.requestsPerSecond ?? 20,
      onFailure: (what, error) => failures.report(`tick failed for ${what}`, error),
    });
    const documents = DynamoDBDocumentClient.from(dynamoClient);
    const seedParts: SeedParts = {
      catalog: options.catalog,
      clock,
      ecs,
      elb,
      ecr,
      cloudwatch,
      ledger: new DynamoReleaseLedger(documents, LEDGER_TABLE),
      // Signed as the ledger writers sign: only their roles may use the key.
      signer: new KmsRecordSigner(
        new JsonRequests(KMS, {
          endpoint,
          region: scope.region,
          credentials: iam.credentialsFor('acquire-lock'),
        }),
        ledger.resources.arn('LedgerKey'),
      ),
      serviceStates: new DynamoServiceStates(documents, DEPLOYMENTS_TABLE),
      desiredCount: options.desiredCount ?? 4,
    };
    if (saved === null) {
      await seed(seedParts);
      log('created the demo resources and release 1 of each service');
    } else {
      // What the catalog added since the folder was made is created as a first start creates it.
      await reconcileCatalog(seedParts, log);
      events.restore(saved.events);
    }
    events.loadRules(
      await readServerlessRules(join(ROOT, 'serverless.yml'), {
        resources: Object.fromEntries(Object.entries(catalogResources(options.catalog))),
        stage: LOCAL_STAGE,
        ...scope,
      }),
    );

    const token = ensureToken(options.dataDir);
    const webRoot = options.webRoot ?? WEB_ROOT;
    const apiServer = createApiServer(token, functions.resolve('api'), (req, res) =>
      serveDashboard(webRoot, token, req, res),
    );
    const apiEndpoint = await listen(apiServer, options.apiPort ?? 4600, listening);
    const cloud = new LocalCloud(
      options,
      scope,
      clock,
      endpoint,
      ecs,
      elb,
      cloudwatch,
      events,
      ecr,
      stepFunctions,
      functions,
      world,
      server,
      dynamo,
      apiServer,
      apiEndpoint,
      token,
      faultSwitch,
      iam,
      ledger,
      failures,
      scheduler,
      journal,
    );
    cloud.save();
    cloud.ticks = new TickLoop({
      clock,
      tickMs: options.tickMs ?? 100,
      ...(options.fixedSpeed === undefined ? {} : { fixedSpeed: options.fixedSpeed }),
      ...(options.governor === undefined ? {} : { governor: options.governor }),
      tick: () => cloud.tick(),
      log,
      ...(options.onSpeedChange === undefined ? {} : { onSpeedChange: options.onSpeedChange }),
    });
    return cloud;
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

  private isolated(what: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.failures.report(what, error);
    }
  }

  /** Saves the state now, on this thread. */
  save(): void {
    this.saver.saveNow();
  }

  private snapshot(): SavedState {
    return {
      version: STATE_VERSION,
      simTime: this.clock.now(),
      ...this.scope,
      ecs: this.ecs.snapshot(),
      elb: this.elb.snapshot(),
      cloudwatch: this.cloudwatch.snapshot({ metrics: false }),
      events: this.events.snapshot(),
      ecr: this.ecr.snapshot(),
      executions: this.stepFunctions.snapshot(),
      scheduler: this.scheduler.snapshot(),
    };
  }

  /**
   * Stops ticking, saves, cuts off running executions (the next start shows them aborted; each
   * task they were in ends, and its timers with it), lets handler calls already under way
   * finish (for up to three seconds: Ctrl-C must end the process within five), and closes the
   * endpoints and every connection to them.
   */
  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.ticks?.stop();
    // A save under way ends first: it must not land over the newer one.
    await this.saver.settled();
    this.save();
    for (const execution of this.stepFunctions.runningExecutions()) execution.stop();
    const deadline = Date.now() + 3_000;
    while (this.functions.busy > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await Promise.all([close(this.server), close(this.dynamo), close(this.apiServer)]);
  }
}

/** The roles that exist locally: each function's, named as the stack names them, and the catalog's task roles. */
function iamRoles(scope: Scope, catalog: Catalog): LocalIamService {
  return new LocalIamService({
    account: scope.account,
    roles: [
      ...Object.values(functionRoleNames(FUNCTION_NAMES, { stage: LOCAL_STAGE, region: scope.region })),
      ...catalogResources(catalog).passRoles,
    ],
  });
}

function restoreServices(
  saved: SavedState,
  parts: Pick<LocalCloud, 'ecs' | 'cloudwatch' | 'ecr' | 'stepFunctions'>,
): void {
  parts.ecs.restore(saved.ecs as EcsState);
  parts.cloudwatch.restore(saved.cloudwatch);
  parts.ecr.restore(saved.ecr as Parameters<LocalEcr['restore']>[0]);
  parts.stepFunctions.restore(saved.executions as Parameters<LocalStepFunctions['restore']>[0]);
}

/** What the handlers read when they are first imported: endpoint, tables, state machines. */
function setEnvironment(
  options: LocalCloudOptions,
  scope: Scope,
  endpoint: string,
  resources: { LEDGER_KEY_ID: string; LEDGER_ANCHOR_BUCKET: string } & Record<string, string>,
): Record<StateMachineName, string> {
  const machineArns = Object.fromEntries(
    MACHINES.map((m) => [m, `arn:aws:states:${scope.region}:${scope.account}:stateMachine:${STACK}-${m}`]),
  ) as Record<StateMachineName, string>;
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: scope.region,
    AWS_DEFAULT_REGION: scope.region,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Each function's calls sign with its own role's credentials (shared/runtime/invocation-credentials.ts).
    CUTOVER_INVOCATION_CREDENTIALS: 'true',
    LEDGER_TABLE,
    DEPLOYMENTS_TABLE,
    ...resources,
    CUTOVER_EVENT_BUS: EVENT_BUS,
    CUTOVER_CATALOG: options.catalogPath,
    POWERTOOLS_LOG_LEVEL: process.env.POWERTOOLS_LOG_LEVEL ?? 'WARN',
    POWERTOOLS_METRICS_DISABLED: 'true',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...Object.fromEntries(MACHINES.map((m) => [ENV_BY_MACHINE[m], machineArns[m]])),
  });
  return machineArns;
}

/** Listens on loopback; once listening, the server is in `listening` (closed if start fails). */
function listen(server: Server, port: number, listening: Server[]): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      listening.push(server);
      const address = server.address();
      resolve(`http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}`);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections?.();
    server.close(() => resolve());
  });
}
