// Preflight: read-only checks that an account (or the local cloud) holds what the catalog
// needs before a first deployment, each problem named with its fix. Nothing is changed.

import { alarmDefinitions, alarmNames, type Catalog, type ServiceEntry } from '../domain/catalog-schema.js';
import { loadBalancerDimension } from '../domain/elb-dimensions.js';
import { ReadRefused } from '../aws/errors.js';
import {
  type AlarmInventory,
  type EcsInventory,
  type FunctionInventory,
  type LoadBalancerInventory,
  type RoleInventory,
} from '../ports/inventory.js';
import { functionOf } from '../domain/webhook.js';

export const PREFLIGHT_CHECKS = [
  'ecs-service',
  'deployment-controller',
  'task-definition',
  'listener-rule',
  'target-groups',
  'alarms',
  'hooks',
  'roles',
] as const;
export type PreflightCheck = (typeof PREFLIGHT_CHECKS)[number];

export interface PreflightProblem {
  check: PreflightCheck;
  /** What is wrong, e.g. `service web uses the ECS deployment controller; Cutover needs EXTERNAL`. */
  message: string;
  /** What to do about it. */
  fix: string;
}

export interface NotChecked {
  check: PreflightCheck;
  reason: string;
}

export interface PreflightFindings {
  problems: PreflightProblem[];
  notChecked: NotChecked[];
}

export interface PreflightReport {
  ok: boolean;
  services: ({ service: string } & PreflightFindings)[];
  stack: { stage: string; region: string; roles: number } & PreflightFindings;
}

export interface PreflightDeps {
  ecs: EcsInventory;
  loadBalancers: LoadBalancerInventory;
  alarms: AlarmInventory;
  /** null where Lambda cannot be asked (the local cloud's Lambda answers Invoke alone). */
  functions: FunctionInventory | null;
  roles: RoleInventory;
}

export interface PreflightInput {
  catalog: Catalog;
  /** The catalog services to check, by name (all of them by default). */
  services?: readonly string[];
  /** The stack whose roles must exist: its stage and region, and each function's role name. */
  stack: { stage: string; region: string; roleNames: Readonly<Record<string, string>> };
  /** Why hooks are not checked, when `functions` is null. */
  functionsNotChecked?: string;
}

export async function preflight(deps: PreflightDeps, input: PreflightInput): Promise<PreflightReport> {
  const names = input.services ?? Object.keys(input.catalog.services);
  const services = [];
  for (const service of names) {
    const entry = input.catalog.services[service];
    if (entry === undefined) throw new RangeError(`no service "${service}" in the catalog`);
    services.push({ service, ...(await checkService(deps, input, service, entry)) });
  }
  const { stage, region, roleNames } = input.stack;
  const stack = {
    stage,
    region,
    roles: Object.keys(roleNames).length,
    ...(await collect([() => checkRoles(deps.roles, input.stack)])),
  };
  const ok = [stack, ...services].every((f) => f.problems.length === 0);
  return { ok, services, stack };
}

type Check = () => Promise<PreflightProblem[] | NotChecked>;

async function checkService(
  deps: PreflightDeps,
  input: PreflightInput,
  service: string,
  entry: ServiceEntry,
): Promise<PreflightFindings> {
  return collect([
    () => checkEcs(deps.ecs, service, entry),
    () => checkRoute(deps.loadBalancers, service, entry),
    () => checkAlarms(deps.alarms, entry),
    () => {
      if (Object.keys(entry.hooks).length === 0) return Promise.resolve([]);
      if (deps.functions === null)
        return Promise.resolve({
          check: 'hooks',
          reason: input.functionsNotChecked ?? 'Lambda cannot be asked',
        });
      return checkHooks(deps.functions, entry);
    },
  ]);
}

/** Runs the checks side by side; a refused read becomes a problem of its own. */
async function collect(checks: readonly Check[]): Promise<PreflightFindings> {
  const problems: PreflightProblem[] = [];
  const notChecked: NotChecked[] = [];
  const results = await Promise.all(checks.map((check) => check().catch(refusedAsProblem)));
  for (const result of results) {
    if (Array.isArray(result)) problems.push(...result);
    else notChecked.push(result);
  }
  return { problems, notChecked };
}

function refusedAsProblem(error: unknown): PreflightProblem[] {
  if (!(error instanceof ReadRefused)) throw error;
  return [
    {
      check: checkOf(error.action),
      message: `could not check: ${error.message}`,
      fix: `allow ${error.action} to whoever runs preflight, then run it again`,
    },
  ];
}

function checkOf(action: string): PreflightCheck {
  if (action.startsWith('elasticloadbalancing:'))
    return action.includes('TargetGroups') ? 'target-groups' : 'listener-rule';
  if (action.startsWith('cloudwatch:')) return 'alarms';
  if (action.startsWith('lambda:')) return 'hooks';
  if (action.startsWith('iam:')) return 'roles';
  return action.includes('TaskDefinition') ? 'task-definition' : 'ecs-service';
}

async function checkEcs(
  ecs: EcsInventory,
  service: string,
  entry: ServiceEntry,
): Promise<PreflightProblem[]> {
  const where = `ECS service ${entry.ecs.service} in cluster ${entry.ecs.cluster}`;
  const facts = await ecs.service(entry.ecs);
  if (facts === null) {
    return [
      {
        check: 'ecs-service',
        message: `${where} (catalog service ${service}) does not exist or is not ACTIVE`,
        fix: `create it with deploymentController.type=EXTERNAL, or fix services.${service}.ecs in the catalog`,
      },
    ];
  }
  const problems: PreflightProblem[] = [];
  if (facts.deploymentController !== 'EXTERNAL') {
    problems.push({
      check: 'deployment-controller',
      message: `${where} uses the ${facts.deploymentController} deployment controller; Cutover needs EXTERNAL`,
      fix: 'recreate the service with deploymentController.type=EXTERNAL',
    });
  }
  const arn = facts.primaryTaskDefinitionArn;
  if (arn === null) {
    problems.push({
      check: 'task-definition',
      message: `${where} has no PRIMARY task set, so there is no running release to replace`,
      fix: `create a task set running your current task definition behind one of services.${service}.traffic.targetGroups, and make it primary (UpdateServicePrimaryTaskSet)`,
    });
    return problems;
  }
  const family = await ecs.family(arn);
  if (family === null) {
    problems.push({
      check: 'task-definition',
      message: `task definition ${arn}, which ${where} runs, does not exist`,
      fix: 'Cutover registers each release as a new revision copied from the running one: register a task definition for the service and run it in a PRIMARY task set',
    });
  } else if (!family.active) {
    problems.push({
      check: 'task-definition',
      message: `task definition family ${family.family}, which ${where} runs, has no ACTIVE revision (all deregistered)`,
      fix: `register a revision of family ${family.family} (aws ecs register-task-definition --family ${family.family} …); Cutover registers each release as a new revision of it`,
    });
  }
  return problems;
}

async function checkRoute(
  elb: LoadBalancerInventory,
  service: string,
  entry: ServiceEntry,
): Promise<PreflightProblem[]> {
  const { productionListenerRule: rule, testListenerRule, targetGroups } = entry.traffic;
  const path = `services.${service}.traffic`;
  const [route, test, attachments] = await Promise.all([
    elb.route(rule),
    testListenerRule === undefined ? Promise.resolve(undefined) : elb.route(testListenerRule),
    elb.attachments(targetGroups),
  ]);
  const problems: PreflightProblem[] = [];
  const forwardBoth = `forward to both target groups, the one serving traffic at weight 100 and the idle one at weight 0 (aws elbv2 modify-rule --rule-arn ${rule} --actions …)`;
  if (route === null) {
    problems.push({
      check: 'listener-rule',
      message: `the production listener rule of ${service} (${rule}) does not exist`,
      fix: `create it, or fix ${path}.productionListenerRule in the catalog`,
    });
  } else if (route.forwards === null) {
    problems.push({
      check: 'listener-rule',
      message: `the production listener rule of ${service} does not forward traffic`,
      fix: `make its action ${forwardBoth}`,
    });
  } else {
    const listed = route.forwards.map((f) => f.targetGroupArn);
    const missing = targetGroups.filter((tg) => !listed.includes(tg));
    const extra = listed.filter((tg) => !targetGroups.includes(tg));
    if (missing.length > 0 || extra.length > 0) {
      const to = listed.length === 0 ? 'no target group' : listed.map(shortName).join(' and ');
      problems.push({
        check: 'listener-rule',
        message: `the production listener rule of ${service} forwards to ${to}, not to ${targetGroups.map(shortName).join(' and ')}`,
        fix: `make it ${forwardBoth}`,
      });
    } else if (!route.forwards.some((f) => f.weight === 0)) {
      const weights = route.forwards.map((f) => `${shortName(f.targetGroupArn)} ${f.weight}`).join(', ');
      problems.push({
        check: 'listener-rule',
        message: `the production listener rule of ${service} sends traffic to both target groups (${weights}); at rest the idle one has weight 0`,
        fix: 'let a deployment in progress finish, or set the idle target group to weight 0',
      });
    }
  }
  if (test === null) {
    problems.push({
      check: 'listener-rule',
      message: `the test listener rule of ${service} (${testListenerRule ?? ''}) does not exist`,
      fix: `create it, or fix (or remove) ${path}.testListenerRule in the catalog`,
    });
  }
  const balancer = `:loadbalancer/${loadBalancerDimension(rule)}`;
  for (const tg of targetGroups) {
    const attached = attachments.get(tg);
    if (attached === null || attached === undefined) {
      problems.push({
        check: 'target-groups',
        message: `target group ${tg} does not exist`,
        fix: `create it, or fix ${path}.targetGroups in the catalog`,
      });
    } else if (!attached.some((lb) => lb.endsWith(balancer))) {
      const where =
        attached.length === 0
          ? 'any load balancer'
          : `the production rule's load balancer (it is on ${attached.join(', ')})`;
      problems.push({
        check: 'target-groups',
        message: `target group ${shortName(tg)} of ${service} is not attached to ${where}; ECS puts a task set only behind a target group its load balancer forwards to`,
        fix: `forward to it from the production listener rule (at weight 0 while idle)`,
      });
    }
  }
  return problems;
}

async function checkAlarms(alarms: AlarmInventory, entry: ServiceEntry): Promise<PreflightProblem[]> {
  const names = alarmNames(entry);
  if (names.length === 0) return [];
  const existing = await alarms.existing(names);
  const defined = new Set(alarmDefinitions(entry).map((a) => a.name));
  return names
    .filter((name) => !existing.has(name))
    .map((name) => ({
      check: 'alarms' as const,
      message: `the watched alarm ${name} does not exist, so a deployment could not check it`,
      fix: defined.has(name)
        ? 'the catalog defines it: create it in your stack with that name and the definition in the catalog'
        : 'create it, or remove it from the service\u2019s alarms in the catalog',
    }));
}

async function checkHooks(functions: FunctionInventory, entry: ServiceEntry): Promise<PreflightProblem[]> {
  // A webhook's connection is Step Functions' to use: only the hooks that are functions are looked up.
  const hooks = Object.entries(entry.hooks).flatMap(([hook, target]) =>
    functionOf(target) === undefined ? [] : [[hook, functionOf(target)!] as const],
  );
  const found = await Promise.all(hooks.map(([, fn]) => functions.exists(fn)));
  return hooks
    .filter((_, i) => !found[i])
    .map(([hook, fn]) => ({
      check: 'hooks' as const,
      message: `the ${hook} hook's function ${fn} does not exist`,
      fix: `deploy it, or fix hooks.${hook} in the catalog`,
    }));
}

async function checkRoles(roles: RoleInventory, stack: PreflightInput['stack']): Promise<PreflightProblem[]> {
  const entries = Object.entries(stack.roleNames);
  const found = await Promise.all(entries.map(([, role]) => roles.exists(role)));
  const missing = entries.filter((_, i) => !found[i]);
  const deploy = `deploy the stack (CUTOVER_CATALOG=<catalog> npx osls deploy --stage ${stack.stage} --region ${stack.region}), or pass the --stage and --region it was deployed with`;
  if (missing.length > 1 && missing.length === entries.length) {
    return [
      {
        check: 'roles',
        message: `none of the stack's ${entries.length} function roles exist (e.g. ${missing[0]![1]}), so the stack is not deployed with stage ${stack.stage} in ${stack.region}`,
        fix: deploy,
      },
    ];
  }
  return missing.map(([fn, role]) => ({
    check: 'roles' as const,
    message: `role ${role}, which function ${fn} runs as, does not exist`,
    fix: deploy,
  }));
}

/** `…:targetgroup/web-blue/73e2…` → `web-blue`. */
function shortName(targetGroupArn: string): string {
  return /:targetgroup\/([^/]+)\//.exec(targetGroupArn)?.[1] ?? targetGroupArn;
}
