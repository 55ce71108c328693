// Moving traffic between the stable and the new task set by listener weights, and
// reading the weights back to make sure the load balancer did what was asked.

import type { Deployment } from '../domain/deployment.js';
import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { TargetWeight, TrafficRouter } from '../ports/traffic.js';
import { baselineWeight } from '../domain/baseline.js';
import type { EngineDeps } from './deps.js';
import { TrafficVerificationFailed } from './errors.js';
import { endBake } from './bake.js';
import { bakeTimeoutSeconds } from '../domain/bake-schedule.js';
import { refuseWhileFiring } from './alarms.js';
import { appendOnce } from './ledger-append.js';
import { advance, loadDeployment } from './progress.js';
import { analyze } from './analysis.js';
import { closeHeaderRoute, openHeaderRoute } from './header-route.js';

export interface ShiftCursor {
  index: number;
  weight: number;
  bakeSeconds: number;
  /** The bake task's TimeoutSeconds (the state machine reads it): the bake, then a margin. */
  bakeTimeoutSeconds?: number;
  done: boolean;
}

/**
 * Sets `candidate`% on the candidate's group, the baseline's share on its group when given, and
 * the rest on the stable one, then reads it back. A group left out is no longer forwarded to.
 */
export async function setAndVerify(
  router: TrafficRouter,
  ruleArn: string,
  deployment: Pick<Deployment, 'stable' | 'candidate'>,
  candidate: number,
  baseline?: TargetWeight,
): Promise<void> {
  const wanted = [
    { targetGroupArn: deployment.stable.targetGroupArn, weight: 100 - candidate - (baseline?.weight ?? 0) },
    { targetGroupArn: deployment.candidate.targetGroupArn, weight: candidate },
    ...(baseline === undefined ? [] : [baseline]),
  ];
  await router.setWeights(ruleArn, wanted);
  const actual = await router.weights(ruleArn);
  const weightOf = (arn: string) => actual.find((w) => w.targetGroupArn === arn)?.weight ?? 0;
  const extra = actual.filter(
    (w) => w.weight > 0 && !wanted.some((x) => x.targetGroupArn === w.targetGroupArn),
  );
  if (wanted.some((w) => weightOf(w.targetGroupArn) !== w.weight) || extra.length > 0) {
    const seen = actual.map((w) => `${w.targetGroupArn}=${w.weight}`).join(', ');
    const set = wanted.map((w) => w.weight).join('/');
    throw new TrafficVerificationFailed(
      `${ruleArn} forwards ${seen} after setting ${set}; something else changed the rule`,
    );
  }
}

/** The baseline's group and share at a canary weight; none once it has no share, or none runs. */
function baselineAt(deployment: Deployment, candidate: number): TargetWeight | undefined {
  const { baseline } = deployment;
  if (baseline === undefined || baseline.removedAt !== undefined) return undefined;
  const weight = baselineWeight(candidate);
  return weight > 0 ? { targetGroupArn: baseline.targetGroupArn, weight } : undefined;
}

type Deps = Pick<
  EngineDeps,
  | 'clock'
  | 'locks'
  | 'deployments'
  | 'router'
  | 'ledger'
  | 'signer'
  | 'serviceStates'
  | 'watchers'
  | 'bakeSchedules'
  | 'events'
  | 'alarms'
  | 'metrics'
  | 'routes'
>;

/** Sends all test-listener traffic to the new task set, before production traffic moves. */
export async function allowTestTraffic(
  deps: Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'router'>,
  spec: DeploymentSpec,
): Promise<void> {
  const rule = spec.settings.traffic.testListenerRule;
  if (rule === undefined) return;
  const deployment = await loadDeployment(deps, spec.deploymentId);
  await setAndVerify(deps.router, rule, deployment, 100);
  await advance(deps, deployment, 'test-traffic', 0, { testTraffic: true });
}

/**
 * Judges the bake that just ended (analysis.ts: a fail rolls back, a marginal final result asks
 * a person), then moves production traffic to the next step of the schedule (or straight to
 * 100% after `promote --full`), verifies it, and records it in the ledger. `decided`: a person
 * answered the marginal result's wait with approve, so that bake's judgement goes on.
 */
export async function shiftTraffic(
  deps: Deps,
  spec: DeploymentSpec,
  previous: ShiftCursor,
  { decided = false }: { decided?: boolean } = {},
): Promise<ShiftCursor> {
  // Only a step that baked has a bake to judge (the first shift follows none).
  if (previous.bakeSeconds > 0) await analyze(deps, spec, previous.index, { decided });
  let deployment = await loadDeployment(deps, spec.deploymentId);
  deployment = await endBake(deps, deployment);
  const schedule = spec.plan.schedule ?? [{ weight: 100, atSeconds: 0, bakeSeconds: 0 }];
  const last = schedule.length - 1;
  const index = deployment.promoteFull ? last : Math.min(previous.index + 1, last);
  const step = schedule[index]!;
  const bakeSeconds = index === last ? 0 : step.bakeSeconds;
  const cursor = {
    index,
    weight: step.weight,
    bakeSeconds,
    bakeTimeoutSeconds: bakeTimeoutSeconds(bakeSeconds),
    done: index === last,
  };
  if (step.header === true) {
    await refuseWhileFiring(deps, spec, deployment, 'the header-routed step');
    const headerRoute = await openHeaderRoute(deps, spec, deployment);
    // Requests reach the new task set from now on: where analysis starts.
    await advance(deps, deployment, 'header route', bakeSeconds, {
      headerRoute,
      trafficStartedAt: deployment.trafficStartedAt ?? deps.clock.now(),
    });
    return cursor;
  }
  await refuseWhileFiring(deps, spec, deployment, `the shift to ${step.weight}%`);
  // The header-routed step ends before any weighted traffic moves.
  const closed = await closeHeaderRoute(deps, spec, deployment);
  const baseline = baselineAt(deployment, step.weight);
  await setAndVerify(
    deps.router,
    spec.settings.traffic.productionListenerRule,
    deployment,
    step.weight,
    baseline,
  );
  const weights = {
    stable: 100 - step.weight - (baseline?.weight ?? 0),
    candidate: step.weight,
    ...(baseline === undefined ? {} : { baseline: baseline.weight }),
  };
  const firstTraffic = deployment.trafficStartedAt === undefined && step.weight > 0;
  deployment = await advance(deps, deployment, `shift ${step.weight}%`, bakeSeconds, {
    weights,
    ...closed,
    ...(firstTraffic ? { trafficStartedAt: deps.clock.now() } : {}),
  });
  await appendOnce(deps, {
    service: spec.service,
    type: 'TrafficShifted',
    deploymentId: spec.deploymentId,
    release: deployment.release,
    actor: deployment.promoteFull ? 'operator' : 'state-machine',
    detail: { weights },
  });
  await deps.events.publish({
    detailType: 'Traffic Shifted',
    detail: { deploymentId: spec.deploymentId, service: spec.service, release: deployment.release, weights },
  });
  return cursor;
}
