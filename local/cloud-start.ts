// A local cloud's start, in stages. Each stage makes one part of it, from the parts before,
// and registers with `closers` whatever it opened; LocalCloud.start runs them in this order
// and, if one fails, closes what the earlier ones opened, newest first, and rethrows.
//
//   openTables    dynalite, on a port of its own; a resumed ledger checked for its anchors
//   openLedger    KMS and S3, with serverless.yml's keys and buckets
//   readIam       each function's role, and the tables' resource policies
//   openServices  ECS, ELB, CloudWatch, EventBridge, ECR, Step Functions, Scheduler
//   serveAws      the AWS endpoint that serves them all
//   loadHandlers  the handlers, built from this cloud's own environment; the state machines
//   seedWorld     the tables, the demo (or what the catalog added since), the rules
//   serveLoadBalancer  the load balancers' data plane, and the catalog's local functions
//   serveApi      the HTTP API and the dashboard

import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoReleaseLedger } from '../shared/aws/dynamodb-release-ledger.js';
import { DynamoServiceStates } from '../shared/aws/dynamodb-service-states.js';
import { JsonRequests, KMS } from '../shared/aws/json-requests.js';
import { KmsRecordSigner } from '../shared/aws/kms-ledger-keys.js';
import { catalogResources } from '../shared/domain/catalog-resources.js';
import { functionRoleName, LOCAL_STAGE, STACK_SERVICE } from '../shared/domain/stack-names.js';
import { createTables } from './aws/dynamodb-tables.js';
import { durableDynalite } from './aws/durable-dynalite.js';
import { FaultInjector } from './aws/faults.js';
import { guardServer } from './aws/guard.js';
import { readServerlessRules } from './aws/serverless-rules.js';
import { createApiServer, ensureToken } from './api-server.js';
import { reconcileCatalog } from './catalog-changes.js';
import type { ScaledClock } from './clock.js';
import type { Closers } from './closers.js';
import type { LocalCloudOptions } from './cloud-options.js';
import { awsServer, openServices, type Services } from './cloud-services.js';
import { hooksWithoutFunction, registerCatalogFunctions, type CatalogFunction } from './catalog-functions.js';
import { createDataPlaneServer } from './data-plane-server.js';
import { serveDashboard, WEB_ROOT } from './dashboard.js';
import { dynamodbPath } from './data-folder.js';
import { handlerEnvironment, type HandlerEnvironment } from './handler-environment.js';
import { LocalIam } from './iam/authorizer.js';
import { readTablePolicies } from './iam/resource-policy.js';
import { readFunctionRoles } from './iam/roles.js';
import { LEDGER_ANCHOR_BUCKET, refuseLedgerBehindAnchors, refuseUnanchoredLedger } from './ledger-folder.js';
import { startLedgerServices, type LedgerServices } from './ledger-services.js';
import type { SavedState } from './persistence.js';
import type { RepeatedErrors } from './repeated-errors.js';
import type { Scope } from './scope.js';
import { seed, type SeedParts } from './seed.js';
import {
  DEPLOYMENTS_TABLE,
  definitionPath,
  LEDGER_TABLE,
  STATE_MACHINES,
  stateMachineArn,
  TEMPLATE,
  templateOptions,
} from './stack.js';
import { prepareDefinition } from './stepfunctions/definition.js';
import { generatedRole } from './stepfunctions/machine-role.js';
import { DataPlane } from './world/data-plane.js';
import { World } from './world/world.js';

/** What every stage is given: the options, the saved state, and where to register what it opens. */
export interface Starting {
  options: LocalCloudOptions;
  /** The state to resume, or null on a first start. */
  saved: SavedState | null;
  scope: Scope;
  clock: ScaledClock;
  log: (line: string) => void;
  /** The tick's failures, logged once a minute each, with a count (repeated-errors.ts). */
  failures: RepeatedErrors;
  closers: Closers;
  /** The catalog's local functions, loaded before the start began (catalog-functions.ts). */
  catalogFunctions: readonly CatalogFunction[];
}

/** Every part a started local cloud is made of. */
export interface LocalCloudParts
  extends Services, Pick<Starting, 'options' | 'scope' | 'clock' | 'failures'> {
  /** The AWS endpoint. */
  endpoint: string;
  /** dynalite's own endpoint, behind no IAM. */
  dynaliteEndpoint: string;
  /** The HTTP API and dashboard, and the bearer token they take. */
  apiEndpoint: string;
  token: string;
  /** The load balancers' data plane, which local functions reach the simulated tasks through. */
  loadBalancerEndpoint: string;
  /** The faults injected on the AWS endpoint, switched while it runs. */
  faultSwitch: { injector: FaultInjector | null };
  iam: LocalIam;
  ledger: LedgerServices;
  world: World;
  /** The environment its handlers are built from (handler-environment.ts). */
  environment: HandlerEnvironment;
}

export async function startParts(starting: Starting): Promise<LocalCloudParts> {
  const dynaliteEndpoint = await openTables(starting);
  const ledger = await openLedger(starting, dynaliteEndpoint);
  // IAM authorizes a connection's requests against its ARN, which EventBridge (opened below) knows.
  let connectionArn = (_name: string): string | undefined => undefined;
  const iam = await readIam(starting, ledger, (name) => connectionArn(name));
  // The scheduler calls the AWS endpoint, once it listens (serveAws, below).
  let endpoint = '';
  const services = await openServices(starting, { iam, ledger, awsEndpoint: () => endpoint });
  connectionArn = (name) => services.events.connections.arnOfName(name);
  const faultSwitch = {
    injector: starting.options.faults ? new FaultInjector(starting.options.faults) : null,
  };
  endpoint = await serveAws(starting, {
    services,
    iam,
    ledger,
    dynamodb: dynaliteEndpoint,
    faults: () => faultSwitch.injector,
  });
  const environment = await loadHandlers(starting, services, ledger, endpoint);
  const world = await seedWorld(starting, services, ledger, iam, endpoint);
  const loadBalancerEndpoint = await serveLoadBalancer(starting, services, world);
  const { apiEndpoint, token } = await serveApi(starting, services);
  const { options, scope, clock, failures } = starting;
  return {
    ...services,
    options,
    scope,
    clock,
    failures,
    endpoint,
    dynaliteEndpoint,
    apiEndpoint,
    token,
    loadBalancerEndpoint,
    faultSwitch,
    iam,
    ledger,
    world,
    environment,
  };
}

/** dynalite over the data folder's tables; on a resume, refuses tables that lost their anchors. */
async function openTables({ options, saved, scope, closers }: Starting): Promise<string> {
  const dynamo = durableDynalite(dynamodbPath(options.dataDir));
  guardServer(dynamo);
  const endpoint = await listen(dynamo, 0, closers, 'dynalite');
  // Before the template's bucket is created: a new, empty one would hide a lost s3/.
  if (saved !== null) await refuseUnanchoredLedger(ledgerFolder(options, scope, endpoint));
  return endpoint;
}

/** KMS and S3, with serverless.yml's keys and buckets (the roles may name them). */
async function openLedger(starting: Starting, dynaliteEndpoint: string): Promise<LedgerServices> {
  const { options, saved, scope, log } = starting;
  const ledger = await startLedgerServices(
    options.dataDir,
    TEMPLATE,
    templateOptions(scope, options.catalog),
  );
  // A resumed ledger must still reach its newest anchors (ledger-folder.ts).
  if (saved !== null)
    await refuseLedgerBehindAnchors(
      ledgerFolder(options, scope, dynaliteEndpoint),
      ledger.s3.store,
      ledger.resources.ref(LEDGER_ANCHOR_BUCKET),
      log,
    );
  return ledger;
}

/** IAM on the AWS endpoint: each function's role, the tables' resource policies, and the keys' policies. */
async function readIam(
  starting: Starting,
  ledger: LedgerServices,
  connectionArn: (name: string) => string | undefined,
): Promise<LocalIam> {
  const { options, scope } = starting;
  const template = templateOptions(scope, options.catalog, ledger.resources.physicalIds());
  return new LocalIam({
    ...scope,
    ...ledger.iam,
    connectionArn,
    partition: 'aws',
    service: STACK_SERVICE,
    stage: LOCAL_STAGE,
    roles: await readFunctionRoles(TEMPLATE, template),
    roleName: (fn) => functionRoleName({ stage: LOCAL_STAGE, region: scope.region, functionName: fn }),
    // The tables' resource policies: the ledger's refuses every change and removal, to anyone.
    resourcePolicy: await readTablePolicies(TEMPLATE, template),
  });
}

/** The AWS endpoint, on the port asked for. */
function serveAws(starting: Starting, parts: Parameters<typeof awsServer>[1]): Promise<string> {
  return listen(awsServer(starting, parts), starting.options.port, starting.closers, 'the AWS endpoint');
}

/**
 * Builds the handlers from this local cloud's environment: now, not on their first call, since
 * loading them takes real time, which a fast clock would turn into minutes of a deployment's
 * simulated time. Then the state machines, whose Tasks call them.
 */
async function loadHandlers(
  { options, scope, clock }: Starting,
  { functions, stepFunctions, schedulerEnvironment }: Services,
  ledger: LedgerServices,
  endpoint: string,
): Promise<HandlerEnvironment> {
  const environment = handlerEnvironment({
    endpoint,
    scope,
    catalogPath: options.catalogPath,
    ledger: {
      LEDGER_KEY_ID: ledger.resources.arn('LedgerKey'),
      LEDGER_ANCHOR_BUCKET: ledger.resources.ref(LEDGER_ANCHOR_BUCKET),
    },
    scheduler: schedulerEnvironment,
    ...(process.env.POWERTOOLS_LOG_LEVEL === undefined ? {} : { logLevel: process.env.POWERTOOLS_LOG_LEVEL }),
  });
  await functions.build(environment);
  for (const machine of STATE_MACHINES) {
    const definition = readFileSync(definitionPath(machine), 'utf8');
    const arn = stateMachineArn(scope, machine);
    const name = arn.split(':').at(-1)!;
    const asl = JSON.parse(definition) as unknown;
    stepFunctions.addStateMachine({
      name,
      arn,
      definition,
      prepared: prepareDefinition(asl),
      createdAt: clock.now(),
      role: generatedRole(asl, name, scope),
    });
  }
  return environment;
}

/**
 * Cutover's tables, and the world that simulates tasks, traffic and metrics. A first start
 * creates the demo's resources and release 1 of each service; a resume creates what the
 * catalog added since, as a first start would have. Then EventBridge's rules.
 */
async function seedWorld(
  { options, saved, scope, clock, log, failures }: Starting,
  services: Services,
  ledger: LedgerServices,
  iam: LocalIam,
  endpoint: string,
): Promise<World> {
  const { ecs, elb, ecr, cloudwatch, events } = services;
  const dynamo = new DynamoDBClient({
    endpoint,
    region: scope.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  try {
    await createTables(dynamo, { ledger: LEDGER_TABLE, deployments: DEPLOYMENTS_TABLE });
    // Made before the seed: its traffic runs from now, over the seed's simulated time too.
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
    const documents = DynamoDBDocumentClient.from(dynamo);
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
      await reconcileCatalog(seedParts, log);
      events.restore(saved.events);
    }
    events.loadRules(
      await readServerlessRules(TEMPLATE, {
        resources: { ...catalogResources(options.catalog) },
        stage: LOCAL_STAGE,
        ...scope,
      }),
    );
    return world;
  } finally {
    dynamo.destroy();
  }
}

/**
 * The load balancers' data plane on a free loopback port; then the catalog's local functions,
 * registered with the local Lambda with its URL in their environment. Each hook whose function
 * the local Lambda still lacks is named in the log.
 */
async function serveLoadBalancer(
  { options, scope, closers, log, catalogFunctions }: Starting,
  { elb, lambda }: Services,
  world: World,
): Promise<string> {
  const plane = new DataPlane({
    forwardWeights: (rule) => elb.forwardWeights(rule),
    route: (listener, request) => elb.route(listener, request),
    servingTasks: (group) => world.servingTasks(group),
    registeredTargets: (group) => elb.targets(group).filter((t) => t.state !== 'draining').length,
  });
  const url = await listen(createDataPlaneServer(plane), 0, closers, 'the load balancer');
  registerCatalogFunctions(lambda, catalogFunctions, {
    AWS_REGION: scope.region,
    CUTOVER_LOCAL_LOAD_BALANCER: url,
  });
  for (const line of hooksWithoutFunction(options.catalog, lambda)) log(line);
  return url;
}

/** The HTTP API, with the dashboard, behind the data folder's bearer token. */
async function serveApi(
  { options, closers }: Starting,
  { functions }: Services,
): Promise<{ apiEndpoint: string; token: string }> {
  const token = ensureToken(options.dataDir);
  const webRoot = options.webRoot ?? WEB_ROOT;
  const server = createApiServer(token, functions.resolve('api'), (req, res) =>
    serveDashboard(webRoot, token, req, res),
  );
  const apiEndpoint = await listen(server, options.apiPort ?? 4600, closers, 'the HTTP API');
  return { apiEndpoint, token };
}

function ledgerFolder(options: LocalCloudOptions, scope: Scope, dynamodb: string) {
  return { dataDir: options.dataDir, dynamodb, table: LEDGER_TABLE, region: scope.region };
}

/** Listens on loopback; once listening, the server is closed with the rest (and every connection to it). */
async function listen(server: Server, port: number, closers: Closers, what: string): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  closers.add(what, () => close(server));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : port}`;
}

function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.closeAllConnections();
    server.close((error) => (error ? reject(error) : resolve()));
  });
}
