// A world for state-machine tests: the real ASL files and the real handlers in
// functions/, over in-memory fakes of the ports and a clock the test moves.

import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ManualClock } from '../local/clock.js';
import { prepareDefinition, type PreparedDefinition } from '../local/stepfunctions/definition.js';
import type { HttpInvoker } from '../local/stepfunctions/http-task.js';
import { runExecution, type LocalExecution, type LocalFunction } from '../local/stepfunctions/run.js';
import { TokenRegistry } from '../local/stepfunctions/tokens.js';
import { parseCatalog } from '../shared/domain/catalog-yaml.js';
import { listenerOf } from '../shared/domain/header-step.js';
import type { Catalog, ServiceEntry } from '../shared/domain/catalog-schema.js';
import type { EngineDeps } from '../shared/engine/deps.js';
import { appendOnce } from '../shared/engine/ledger-append.js';
import type { StateMachineName } from '../shared/ports/executions.js';
import { FakeAlarms, FakeEvents, FakeExecutions, FakeHooks, FakeMetrics, FakeRouter } from './fakes/aws.js';
import { FakeBakeSchedules } from './fakes/bake-schedules.js';
import { FakeHookCallBacks } from './fakes/hook-call-backs.js';
import { FakeEcs } from './fakes/ecs.js';
import { FakeRouteRules } from './fakes/route-rules.js';
import { FakeAnchors, FakeSigner } from './fakes/ledger-keys.js';
import {
  FakeDeployments,
  FakeLedger,
  FakeLocks,
  FakeServiceStates,
  FakeVouchers,
  FakeWatchers,
} from './fakes/tables.js';
import * as functions from './functions.js';

export const DIGEST = (n: number) => `sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;
export const REGISTRY = '123456789012.dkr.ecr.us-east-1.amazonaws.com';

export type World = ReturnType<typeof createWorld>;

/** A service of the example catalog as YAML gives it, for a test to change before it is parsed. */
export type ServiceYaml = Record<string, unknown> & {
  analysis: Record<string, unknown> & { metrics: Record<string, unknown>[] };
  hooks: Record<string, unknown>;
};

/** The example catalog's text (examples/catalog.yml), with `change` made to its services first. */
export function exampleCatalog(change: (services: Record<string, ServiceYaml>) => void = () => {}): string {
  const text = readFileSync(new URL('../examples/catalog.yml', import.meta.url), 'utf8');
  const parsed = parse(text) as { services: Record<string, ServiceYaml> };
  change(parsed.services);
  return stringify(parsed);
}

export function createWorld(
  catalogText = readFileSync(new URL('../examples/catalog.yml', import.meta.url), 'utf8'),
) {
  const catalog: Catalog = parseCatalog(catalogText);
  const signer = new FakeSigner();
  const clock = new ManualClock();
  const tokens = new TokenRegistry();
  return {
    catalog,
    clock,
    tokens,
    bakeSchedules: new FakeBakeSchedules(clock, tokens),
    ecs: new FakeEcs(),
    router: new FakeRouter(),
    routes: new FakeRouteRules(),
    alarms: new FakeAlarms(),
    hooks: new FakeHooks(),
    hookCallBacks: new FakeHookCallBacks(clock),
    executions: new FakeExecutions(),
    vouchers: new FakeVouchers(),
    events: new FakeEvents(),
    ledger: new FakeLedger(),
    signer,
    ledgerKeys: signer,
    anchors: new FakeAnchors(),
    locks: new FakeLocks(),
    deployments: new FakeDeployments(),
    serviceStates: new FakeServiceStates(),
    watchers: new FakeWatchers(),
    metrics: new FakeMetrics(),
  };
}

/** The ports as the handlers see them. */
export function depsOf(world: World) {
  return {
    clock: world.clock,
    taskDefinitions: world.ecs,
    taskSets: world.ecs,
    router: world.router,
    routes: world.routes,
    alarms: world.alarms,
    hooks: world.hooks,
    hookCallBacks: world.hookCallBacks,
    executions: world.executions,
    vouchers: world.vouchers,
    events: world.events,
    ledger: world.ledger,
    signer: world.signer,
    ledgerKeys: world.ledgerKeys,
    anchors: world.anchors,
    locks: world.locks,
    deployments: world.deployments,
    serviceStates: world.serviceStates,
    watchers: world.watchers,
    tokens: world.tokens,
    bakeSchedules: world.bakeSchedules,
    metrics: world.metrics,
  };
}

/**
 * What runs in production before Cutover's first deployment of a service: one
 * PRIMARY task set of release `v1` behind the first target group, which takes
 * all production traffic, and the catalog's alarms in OK.
 */
export function seedService(world: World, name: string): ServiceEntry {
  const entry = world.catalog.services[name]!;
  const { cluster, service, container } = entry.ecs;
  const definition = world.ecs.addDefinition(
    service,
    { [container]: `${REGISTRY}/${entry.images.repositories[0]}@${DIGEST(1)}` },
    {
      [container]: 8080,
    },
  );
  world.ecs.setsOf({ cluster, service }).push({
    id: `ecs-svc/stable-${name}`,
    arn: `arn:aws:ecs:us-east-1:123456789012:task-set/${cluster}/${service}/ecs-svc/stable-${name}`,
    status: 'PRIMARY',
    taskDefinitionArn: definition.arn,
    targetGroupArn: entry.traffic.targetGroups[0],
    externalId: 'initial',
    scalePercent: 100,
    // It has been serving for a while: steady from the first look.
    checks: world.ecs.checksUntilSteady,
    image: definition.images[container]!,
  });
  const [blue, green] = entry.traffic.targetGroups;
  void world.router.setWeights(entry.traffic.productionListenerRule, [
    { targetGroupArn: blue, weight: 100 },
    { targetGroupArn: green, weight: 0 },
  ]);
  world.router.changes.length = 0;
  for (const alarm of entry.alarms) world.alarms.known.add(alarm.name);
  return entry;
}

const prepared = new Map<StateMachineName, PreparedDefinition>();

function definitionOf(machine: StateMachineName): PreparedDefinition {
  let definition = prepared.get(machine);
  if (definition === undefined) {
    const text = readFileSync(new URL(`../statemachines/${machine}.asl.json`, import.meta.url), 'utf8');
    definition = prepareDefinition(JSON.parse(text));
    prepared.set(machine, definition);
  }
  return definition;
}

export function start(
  world: World,
  machine: StateMachineName,
  input: unknown,
  name = `run-${Math.random().toString(36).slice(2, 10)}`,
  options: {
    wrap?: (fn: string, handler: LocalFunction) => LocalFunction;
    /** The ports the handlers see, if not the world's own (e.g. with faults injected). */
    deps?: EngineDeps;
    /**
     * Whether one of Cutover's starters vouched for it (the API, a push, a queued push), as
     * they do for the trigger and actor they put in the input; false: started by hand.
     */
    vouched?: boolean;
    /** Makes the execution's HTTP Tasks' requests (a webhook's calls); without it, they fail. */
    http?: HttpInvoker;
  } = {},
): LocalExecution {
  const { trigger = 'console', actor = 'console' } = input as { trigger?: string; actor?: string };
  if (options.vouched !== false && trigger !== 'console')
    world.vouchers.vouchers.set(name, { trigger, actor });
  const handlers = functions.handlersFor(world.catalog, options.deps ?? depsOf(world));
  // A hook's call backs invoke run-hook as its schedule would (with the wrap, if any).
  const runHook = options.wrap ? options.wrap('run-hook', handlers['run-hook']!) : handlers['run-hook']!;
  world.hookCallBacks.deliver = (event) => runHook(event, {});
  return runExecution({
    prepared: definitionOf(machine),
    stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:cutover-test-${machine}`,
    name,
    input,
    resolve: (fn): LocalFunction => {
      const handler = handlers[fn];
      if (handler === undefined) throw new Error(`no local handler for function ${fn}`);
      return options.wrap ? options.wrap(fn, handler) : handler;
    },
    clock: world.clock,
    tokens: world.tokens,
    ...(options.http === undefined ? {} : { http: options.http }),
  });
}

/** Starts `web-run`, a canary execution that the executions port reports RUNNING, as orphan recovery reads it. */
export function startRecoverable(world: World, input: unknown): LocalExecution {
  const execution = start(world, 'canary', input, 'web-run');
  world.executions.summaries.set('web-run', { status: 'RUNNING', startDate: 0 });
  return execution;
}

/** Lets every pending promise run: handlers over fakes finish within a few turns. */
export async function settle(turns = 20): Promise<void> {
  for (let i = 0; i < turns; i += 1) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs an execution forward, moving the clock to the next timer whenever nothing
 * else is happening, until it ends or `until` holds.
 */
export async function drive(world: World, execution: LocalExecution, until?: () => boolean): Promise<void> {
  for (let step = 0; step < 10_000; step += 1) {
    await settle();
    if (execution.status !== 'RUNNING') {
      await execution.done;
      return;
    }
    if (until?.()) return;
    if (!world.clock.advanceToNextTimer()) await settle(50);
  }
  throw new Error(
    `execution ${execution.name} did not finish; last events: ${JSON.stringify(execution.history.slice(-5))}`,
  );
}

/** The names of the states entered, in order. */
export function statesEntered(execution: LocalExecution): string[] {
  return execution.history
    .filter((e) => e.type.endsWith('StateEntered'))
    .map((e) => (e.stateEnteredEventDetails as { name: string }).name);
}

export function eventsOfType(execution: LocalExecution, type: string) {
  return execution.history.filter((e) => e.type === type);
}

/**
 * Writes to the ledger that `image` was promoted as `release` of `service` (by an earlier
 * deployment), so an execution with `"trigger": "rollback"` may bring it back.
 */
export async function recordPromoted(
  world: World,
  service: string,
  image: string,
  release = 1,
): Promise<void> {
  await appendOnce(world, {
    service,
    type: 'Promoted',
    deploymentId: `earlier-${service}-${release}`,
    release,
    actor: 'state-machine',
    detail: {
      image,
      taskDefinitionArn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${service}:${release}`,
    },
  });
}

/** Image n of the `web` service (`…/web@sha256:0n0n…`). */
export const webImage = (n: number) => `${REGISTRY}/web@${DIGEST(n)}`;

/** A world with the `web` service seeded, its production rule and its two target groups. */
export function webWorld(): { world: World; rule: string; blue: string; green: string } {
  const world = createWorld();
  const entry = seedService(world, 'web');
  const [blue, green] = entry.traffic.targetGroups;
  return { world, rule: entry.traffic.productionListenerRule, blue, green };
}

/** The target group a test catalog gives web's baseline task set (`judgedWebWorld({ baseline })`). */
export const BASELINE_GROUP =
  'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web-baseline/5c0ffee5c0ffee55';

export interface JudgedWebOptions {
  method?: 'sequential' | 'mann-whitney';
  /** A baseline task set behind BASELINE_GROUP (analysis.baseline). */
  baseline?: boolean;
  /** The catalog's headerStep, as YAML would give it. */
  headerStep?: Record<string, unknown> | undefined;
  /** Any other change to web's analysis settings. */
  analysis?: (analysis: ServiceYaml['analysis']) => void;
}

/**
 * A world with the example catalog's `web` judged by canary analysis (sequentially unless told),
 * seeded, and the metrics clipped to each read's window as CloudWatch gives them; with a baseline
 * and a header-routed step when asked. Its two target groups, production rule and listener.
 */
export function judgedWebWorld(options: JudgedWebOptions = {}) {
  const { method = 'sequential', baseline = false, headerStep, analysis } = options;
  const world = createWorld(
    exampleCatalog((services) => {
      const web = services.web!;
      web.analysis.method = method;
      if (baseline) {
        web.analysis.baseline = true;
        (web.traffic as Record<string, unknown>).baselineTargetGroup = BASELINE_GROUP;
      }
      if (headerStep !== undefined) web.headerStep = headerStep;
      analysis?.(web.analysis);
    }),
  );
  world.metrics.clipToWindow = true;
  const entry = seedService(world, 'web');
  const [blue, green] = entry.traffic.targetGroups;
  const rule = entry.traffic.productionListenerRule;
  return { world, entry, blue, green, rule, listener: listenerOf(rule) };
}

/** The states a canary or linear deployment enters after its last shift, to its end. */
export const AFTER_LAST_SHIFT = [
  'ShiftTraffic',
  'AfterShift?',
  'FinalBake',
  'Promote',
  'TerminationWait',
  'CleanUp',
  'ReleaseLock',
] as const;
