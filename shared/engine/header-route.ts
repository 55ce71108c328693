// The header-routed step's rule (domain/header-step.ts): opened by the ShiftTraffic of that step,
// closed by the next one before any weighted traffic moves, or by the rollback. It is found again
// at its priority, so a step retried after a crash between creating the rule and recording it
// takes the rule it made instead of failing on a priority in use.

import { listenerOf, routeCondition } from '../domain/header-step.js';
import type { Deployment, HeaderRoute } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { RouteRule } from '../ports/route-rules.js';
import type { TargetWeight } from '../ports/traffic.js';
import type { EngineDeps } from './deps.js';
import { TrafficVerificationFailed } from './errors.js';

type Deps = Pick<EngineDeps, 'routes' | 'clock'>;

/**
 * Creates the step's rule on the production listener: the production rule's own conditions and
 * the header's (or cookie's), forwarding to the new task set, and half to the baseline when one
 * runs (like with like, as at every weighted step).
 */
export async function openHeaderRoute(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<HeaderRoute> {
  const step = spec.settings.headerStep;
  if (step === undefined) throw new Error('a header-routed step ran without the catalog naming one');
  const production = spec.settings.traffic.productionListenerRule;
  const listenerArn = listenerOf(production);
  const priority = step.rulePriority;
  const forwardTo = routeTargets(deployment);
  const existing = await deps.routes.at(listenerArn, priority);
  if (existing !== null) {
    if (isOurs(existing, deployment)) return { ruleArn: existing.ruleArn, listenerArn, priority };
    const to = existing.forwardsTo.map((w) => w.targetGroupArn).join(', ') || 'no target group';
    throw new TrafficVerificationFailed(
      `priority ${priority} of listener ${listenerArn} is taken by rule ${existing.ruleArn}, which forwards ` +
        `to ${to}: remove that rule, or choose another headerStep.rulePriority in the catalog`,
    );
  }
  const own = await deps.routes.describe(production);
  if (own.priority !== null && priority >= own.priority) {
    throw new TrafficVerificationFailed(
      `headerStep.rulePriority ${priority} comes after the production rule's priority ${own.priority}: ALB ` +
        'tries rules lowest first, so no request would ever meet it; choose a priority below it in the catalog',
    );
  }
  const conditions = [...own.conditions, routeCondition(step)];
  const ruleArn = await deps.routes.create(listenerArn, priority, conditions, forwardTo);
  return { ruleArn, listenerArn, priority };
}

/**
 * Deletes the step's rule when it is open: the one recorded or, when its creation was never
 * recorded, the rule at the step's priority that forwards to this deployment's groups alone.
 * Returns the record's change (none when there was nothing to close).
 */
export async function closeHeaderRoute(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
): Promise<Pick<Deployment, 'headerRoute'> | Record<string, never>> {
  const route = deployment.headerRoute;
  if (route !== undefined) {
    if (route.removedAt !== undefined) return {};
    await deps.routes.remove(route.ruleArn);
    return { headerRoute: { ...route, removedAt: deps.clock.now() } };
  }
  const step = spec.settings.headerStep;
  if (step === undefined) return {};
  const found = await deps.routes.at(
    listenerOf(spec.settings.traffic.productionListenerRule),
    step.rulePriority,
  );
  if (found !== null && isOurs(found, deployment)) await deps.routes.remove(found.ruleArn);
  return {};
}

/** The step's rule is open: created, and not yet deleted. */
export function headerRouteOpen(deployment: Pick<Deployment, 'headerRoute'>): boolean {
  return deployment.headerRoute !== undefined && deployment.headerRoute.removedAt === undefined;
}

function routeTargets(deployment: Deployment): TargetWeight[] {
  const candidate = { targetGroupArn: deployment.candidate.targetGroupArn, weight: 1 };
  const { baseline } = deployment;
  return baseline === undefined || baseline.removedAt !== undefined
    ? [candidate]
    : [candidate, { targetGroupArn: baseline.targetGroupArn, weight: 1 }];
}

/** A rule forwarding to this deployment's candidate group, and to nothing but its own groups. */
function isOurs(rule: RouteRule, deployment: Deployment): boolean {
  const own = new Set(routeTargets(deployment).map((w) => w.targetGroupArn));
  const groups = rule.forwardsTo.map((w) => w.targetGroupArn);
  return groups.includes(deployment.candidate.targetGroupArn) && groups.every((g) => own.has(g));
}
