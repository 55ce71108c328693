// Catalog rules that relate fields to each other, within a service and across
// services. Field-level rules are in catalog-schema.ts.

import type { Problem } from './errors.js';
import type { AlarmSpec, Catalog, ServiceEntry } from './catalog-schema.js';
import {
  ANALYSIS_LAG_MINUTES,
  MAX_ANALYSIS_METRICS,
  MIN_ANALYSIS_MINUTES,
  MIN_ANALYSIS_SECONDS,
} from './analysis-plan.js';
import { scheduleDurationSeconds } from './schedule.js';
import { listenerOf } from './header-step.js';
import { resolveStrategy, strategyProblems } from './strategy.js';

export function catalogRuleProblems(catalog: Catalog): Problem[] {
  const names = Object.keys(catalog.services);
  if (names.length === 0) {
    return [{ path: 'services', message: 'declare at least one service' }];
  }
  const problems = names.flatMap((name) => serviceRuleProblems(name, catalog.services[name]!));
  return [...problems, ...sharedResourceProblems(catalog)];
}

/**
 * Rules within one service. The entry may be partial (only the fields that passed
 * the schema, when others did not), so each rule checks only what is there.
 */
export function serviceRuleProblems(name: string, entry: Partial<ServiceEntry>): Problem[] {
  const at = (path: string) => `services.${name}.${path}`;
  const problems: Problem[] = [];
  if (entry.strategy !== undefined) {
    problems.push(...strategyProblems({ ...entry, strategy: entry.strategy }));
  }
  if (entry.traffic !== undefined) problems.push(...trafficProblems(entry.traffic, entry.hooks ?? {}));
  if (entry.alarms !== undefined) problems.push(...alarmProblems(entry.alarms));
  if (entry.analysis !== undefined) problems.push(...analysisProblems(entry.analysis));
  if (entry.analysis?.enabled === true) problems.push(...analysisUseProblems(entry));
  problems.push(...baselineProblems(entry));
  if (
    entry.headerStep !== undefined &&
    entry.strategy !== undefined &&
    entry.strategy !== 'canary' &&
    entry.strategy !== 'linear'
  ) {
    problems.push({
      path: 'headerStep',
      message: `a header-routed step comes before the weighted steps of canary or linear; ${entry.strategy} has none`,
    });
  }
  problems.push(...gateProblems(entry));
  for (const [hook, target] of Object.entries(entry.hooks ?? {})) {
    if (typeof target === 'object' && 'url' in target && target.afterRollback === true)
      problems.push({
        path: `hooks.${hook}.afterRollback`,
        message:
          'verifies a rollback with one call of a function hook, after the rollback: a webhook is called ' +
          'only by the deployment path of the state machine; give the check as a function, or remove this',
      });
  }
  return problems.map((p) => ({ path: at(p.path), message: p.message }));
}

function trafficProblems(traffic: ServiceEntry['traffic'], hooks: ServiceEntry['hooks']): Problem[] {
  const problems: Problem[] = [];
  const [blue, green] = traffic.targetGroups;
  if (blue === green) {
    problems.push({ path: 'traffic.targetGroups', message: 'the two target groups must be different' });
  }
  if (traffic.testListenerRule === traffic.productionListenerRule) {
    problems.push({
      path: 'traffic.testListenerRule',
      message: 'must differ from productionListenerRule; test traffic must never reach production users',
    });
  }
  for (const hook of ['BeforeAllowTestTraffic', 'AfterAllowTestTraffic'] as const) {
    if (hooks[hook] !== undefined && traffic.testListenerRule === undefined) {
      problems.push({ path: `hooks.${hook}`, message: 'needs traffic.testListenerRule' });
    }
  }
  return problems;
}

/**
 * A real baseline (analysis.baseline) runs beside the canary behind a target group of its own, so
 * it needs one, a strategy that serves both task sets at once, and an analysis to judge it.
 */
function baselineProblems(entry: Partial<ServiceEntry>): Problem[] {
  const wanted = entry.analysis?.baseline === true;
  const group = entry.traffic?.baselineTargetGroup;
  if (!wanted) {
    return group === undefined
      ? []
      : [
          {
            path: 'traffic.baselineTargetGroup',
            message: 'applies only when analysis.baseline is true; set that too, or remove this',
          },
        ];
  }
  const problems: Problem[] = [];
  if (entry.analysis?.enabled !== true)
    problems.push({
      path: 'analysis.baseline',
      message: 'needs analysis.enabled: true, to judge the canary against it',
    });
  if (entry.strategy !== undefined && entry.strategy !== 'canary' && entry.strategy !== 'linear') {
    problems.push({
      path: 'analysis.baseline',
      message: `a baseline serves production beside the canary, step by step: use canary or linear, not ${entry.strategy}`,
    });
  }
  if (entry.traffic !== undefined && group === undefined) {
    problems.push({
      path: 'traffic.baselineTargetGroup',
      message:
        'name the target group the baseline task set serves from (a third one, on the same load balancer)',
    });
  }
  if (group !== undefined && entry.traffic?.targetGroups.includes(group) === true) {
    problems.push({
      path: 'traffic.baselineTargetGroup',
      message:
        'must differ from both traffic.targetGroups: the baseline is judged apart from the stable task set',
    });
  }
  return problems;
}

/**
 * Gates the service's own strategy could never pass, and approval settings that would do
 * nothing: each is a setting someone relies on, so it is an error rather than ignored.
 */
function gateProblems(entry: Partial<ServiceEntry>): Problem[] {
  const problems: Problem[] = [];
  if (entry.strategy === 'rolling' && entry.traffic?.testListenerRule !== undefined) {
    problems.push({
      path: 'traffic.testListenerRule',
      message:
        'rolling has no test-traffic step (the new tasks join the production target group): remove it, or choose blue-green, canary, linear or all-at-once',
    });
  }
  if (entry.approval?.separateApprover === true && !entry.approval.required) {
    problems.push({
      path: 'approval.separateApprover',
      message: 'applies only when approval.required is true; set that too, or remove this',
    });
  }
  return problems;
}

function alarmProblems(alarms: readonly AlarmSpec[]): Problem[] {
  const problems = duplicates(
    alarms.map((a) => a.name),
    (i) => `alarms[${i}]`,
    'alarm',
  );
  alarms.forEach((alarm, i) => {
    if ('metric' in alarm && (alarm.datapointsToAlarm ?? 0) > alarm.evaluationPeriods) {
      problems.push({
        path: `alarms[${i}].datapointsToAlarm`,
        message: 'must not be more than evaluationPeriods',
      });
    }
  });
  return problems;
}

/** What enabled analysis needs: metrics, and traffic it can compare. */
function analysisUseProblems(entry: Partial<ServiceEntry>): Problem[] {
  const problems: Problem[] = [];
  if ((entry.analysis?.metrics ?? []).length === 0) {
    problems.push({
      path: 'analysis.metrics',
      message: 'name at least one metric for the analysis to judge',
    });
  }
  if ((entry.analysis?.metrics ?? []).length > MAX_ANALYSIS_METRICS) {
    problems.push({
      path: 'analysis.metrics',
      message:
        `name at most ${MAX_ANALYSIS_METRICS} metrics (${entry.analysis?.metrics?.length} here): a deployment ` +
        "keeps every look's judgement of each, within DynamoDB's 400 KB item",
    });
  }
  if (entry.strategy === 'all-at-once' || entry.strategy === 'rolling') {
    problems.push({
      path: 'analysis.enabled',
      message: `analysis needs canary, linear or blue-green; ${entry.strategy} never runs the old and new task sets side by side behind their own target groups`,
    });
  }
  if (entry.analysis?.method === 'sequential') {
    if (entry.strategy === 'blue-green') {
      problems.push({
        path: 'analysis.method',
        message:
          'the sequential judge compares two task sets serving production at once, minute by minute; ' +
          'blue-green never does: use canary or linear, or method mann-whitney',
      });
    }
    // It needs no minimum of minutes: it decides when the evidence suffices (docs/analysis.md).
    return problems;
  }
  const enough = `${MIN_ANALYSIS_SECONDS} (${MIN_ANALYSIS_MINUTES} whole minutes to judge, as fewer cannot reach 98% confidence, and the last ${ANALYSIS_LAG_MINUTES} for CloudWatch to receive)`;
  if (
    entry.strategy === 'blue-green' &&
    entry.bakeSeconds !== undefined &&
    entry.bakeSeconds < MIN_ANALYSIS_SECONDS
  ) {
    problems.push({
      path: 'bakeSeconds',
      message: `blue-green analysis judges the final bake: it needs at least ${enough}`,
    });
  }
  const canaryTime = canarySeconds(entry);
  if (canaryTime !== null && canaryTime < MIN_ANALYSIS_SECONDS) {
    problems.push({
      path: entry.schedule === undefined ? 'preset' : 'schedule',
      message: `analysis judges the steps before 100%, which last ${canaryTime} s here; they need at least ${enough}`,
    });
  }
  return problems;
}

/** Seconds a canary or linear schedule runs before its last step; null when not one. */
function canarySeconds(entry: Partial<ServiceEntry>): number | null {
  if (
    (entry.strategy !== 'canary' && entry.strategy !== 'linear') ||
    strategyProblems({ ...entry, strategy: entry.strategy }).length > 0
  )
    return null;
  const { schedule } = resolveStrategy({
    strategy: entry.strategy,
    preset: entry.preset,
    schedule: entry.schedule,
  });
  return schedule === null ? null : scheduleDurationSeconds(schedule);
}

function analysisProblems(analysis: ServiceEntry['analysis']): Problem[] {
  const problems: Problem[] = [];
  if (analysis.thresholds.marginal > analysis.thresholds.pass) {
    problems.push({ path: 'analysis.thresholds.marginal', message: 'must not be above thresholds.pass' });
  }
  const metrics = analysis.metrics ?? [];
  problems.push(
    ...duplicates(
      metrics.map((m) => m.name),
      (i) => `analysis.metrics[${i}].name`,
      'metric',
    ),
  );
  metrics.forEach((metric, i) => {
    if (!('inputs' in metric.source)) return;
    problems.push(
      ...duplicates(
        metric.source.inputs.map((input) => input.id),
        (j) => `analysis.metrics[${i}].source.inputs[${j}].id`,
        'input id',
      ),
    );
  });
  if (analysis.groupWeights !== undefined) {
    const groups = new Set(metrics.map((m) => m.group));
    for (const group of Object.keys(analysis.groupWeights)) {
      if (!groups.has(group)) {
        problems.push({ path: `analysis.groupWeights.${group}`, message: 'no metric is in this group' });
      }
    }
    for (const group of groups) {
      if (!Object.hasOwn(analysis.groupWeights, group)) {
        problems.push({ path: 'analysis.groupWeights', message: `gives no weight to group "${group}"` });
      }
    }
    const total = Object.values(analysis.groupWeights).reduce((sum, w) => sum + w, 0);
    if (Math.abs(total - 100) > 1e-9) {
      problems.push({ path: 'analysis.groupWeights', message: `must add up to 100, not ${total}` });
    }
  }
  return problems;
}

/** Two services must never share an ECS service, a listener rule or a target group. */
function sharedResourceProblems(catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const owners = new Map<string, string>();
  const claim = (resource: string, what: string, path: string, service: string) => {
    const owner = owners.get(resource);
    if (owner === undefined) owners.set(resource, service);
    else if (owner !== service) {
      problems.push({ path, message: `${what} is already used by service "${owner}"` });
    }
  };
  for (const [name, entry] of Object.entries(catalog.services)) {
    const at = `services.${name}`;
    claim(`ecs:${entry.ecs.cluster}/${entry.ecs.service}`, 'this ECS service', `${at}.ecs.service`, name);
    claim(
      entry.traffic.productionListenerRule,
      'this listener rule',
      `${at}.traffic.productionListenerRule`,
      name,
    );
    if (entry.traffic.testListenerRule !== undefined) {
      claim(entry.traffic.testListenerRule, 'this listener rule', `${at}.traffic.testListenerRule`, name);
    }
    entry.traffic.targetGroups.forEach((tg, i) =>
      claim(tg, 'this target group', `${at}.traffic.targetGroups[${i}]`, name),
    );
    if (entry.headerStep !== undefined) {
      const listener = listenerOf(entry.traffic.productionListenerRule);
      claim(
        `${listener}#${entry.headerStep.rulePriority}`,
        `priority ${entry.headerStep.rulePriority} on this listener`,
        `${at}.headerStep.rulePriority`,
        name,
      );
    }
    if (entry.traffic.baselineTargetGroup !== undefined)
      claim(
        entry.traffic.baselineTargetGroup,
        'this target group',
        `${at}.traffic.baselineTargetGroup`,
        name,
      );
  }
  return problems;
}

function duplicates(values: readonly string[], pathOf: (i: number) => string, what: string): Problem[] {
  const seen = new Set<string>();
  const problems: Problem[] = [];
  values.forEach((value, i) => {
    if (seen.has(value)) problems.push({ path: pathOf(i), message: `${what} "${value}" is listed twice` });
    seen.add(value);
  });
  return problems;
}
