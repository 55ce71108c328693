// Registering the release's task definition and running it as a new task set,
// then gating on its health. A release never changes a running task set.

import type { DeploymentSpec } from '../domain/deployment-request.js';
import type { Deployment } from '../domain/deployment.js';
import type { TaskSetHealth } from '../ports/ecs.js';
import { HEALTH_LIMIT_SECONDS, healthBackoff, nextHealthWait } from '../domain/health-wait.js';
import type { EngineDeps } from './deps.js';
import { adoptableTaskSet } from './adopt-task-set.js';
import { baselineHealth, startBaseline } from './baseline.js';
import { ecsServiceOf } from './spec.js';
import { runsBaseline } from '../domain/baseline.js';
import { TaskSetUnhealthy } from './errors.js';
import { appendOnce } from './ledger-append.js';
import { advance, loadDeployment, noteReason } from './progress.js';

type Deps = Pick<EngineDeps, 'clock' | 'locks' | 'deployments' | 'taskDefinitions' | 'taskSets'>;
/** Creating the task sets: a baseline's target group joins the production rule first. */
type CreateDeps = Deps & Pick<EngineDeps, 'router'>;

export { ecsServiceOf } from './spec.js';

/**
 * The CreateTaskSet step: registers the release's task definition, then runs it as a new task
 * set (or adopts the one that runs it already). One step, not two, because both are ECS calls
 * with the same failure routes, and a Step Functions transition is billed per step. A retried
 * step registers nothing new: the same digest reuses the revision (registerRelease).
 */
export async function startCandidate(
  deps: CreateDeps,
  spec: DeploymentSpec,
): Promise<{ taskDefinitionArn: string; taskSetId: string; adopted?: true }> {
  const { taskDefinitionArn } = await registerTaskDefinition(deps, spec);
  return { taskDefinitionArn, ...(await createTaskSet(deps, spec)) };
}

export async function registerTaskDefinition(
  deps: Deps,
  spec: DeploymentSpec,
): Promise<{ taskDefinitionArn: string; reused: boolean }> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const { arn, reused } = await deps.taskDefinitions.registerRelease({
    from: deployment.stable.taskDefinitionArn,
    container: spec.settings.ecs.container,
    image: spec.image,
    tags: {
      'cutover:service': spec.service,
      'cutover:release': String(deployment.release),
      'cutover:deployment': spec.deploymentId,
      'cutover:digest': spec.digest,
    },
  });
  await advance(deps, deployment, 'register-task-definition', 0, {
    candidate: { ...deployment.candidate, taskDefinitionArn: arn },
  });
  return { taskDefinitionArn: arn, reused };
}

/** Runs the release as a new task set, or adopts the one that runs it already (adopt-task-set.ts). */
export async function createTaskSet(
  deps: CreateDeps,
  spec: DeploymentSpec,
): Promise<{ taskSetId: string; adopted?: true }> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const taskDefinitionArn = deployment.candidate.taskDefinitionArn;
  if (taskDefinitionArn === undefined)
    throw new Error('a task set was created before its task definition was registered');
  const adopted = await adoptableTaskSet(deps, spec, deployment);
  // Canary and linear start at full size behind the idle group; the baseline is the same size.
  const baseline = runsBaseline(spec.settings, spec.plan.strategy)
    ? { baseline: await startBaseline(deps, spec, deployment, 100) }
    : {};
  if (adopted !== null) {
    // The old release's task set still runs this image: it becomes the candidate as it is.
    await advance(deps, deployment, 'wait-healthy', HEALTH_LIMIT_SECONDS, {
      ...baseline,
      candidate: {
        ...deployment.candidate,
        taskSetId: adopted.id,
        taskDefinitionArn: adopted.taskDefinitionArn,
        adopted: true,
      },
    });
    return { taskSetId: adopted.id, adopted: true };
  }
  const { container } = spec.settings.ecs;
  const port = (await deps.taskDefinitions.describe(taskDefinitionArn)).ports[container];
  if (port === undefined) {
    throw new TaskSetUnhealthy(`container "${container}" maps no port, so the load balancer cannot reach it`);
  }
  const taskSet = await deps.taskSets.create(ecsServiceOf(spec), {
    taskDefinitionArn,
    targetGroupArn: deployment.candidate.targetGroupArn,
    container,
    containerPort: port,
    // Rolling starts empty and grows in batches; the others start at full size behind the idle group.
    scalePercent: spec.plan.strategy === 'rolling' ? 0 : 100,
    externalId: spec.deploymentId,
  });
  await advance(deps, deployment, 'wait-healthy', HEALTH_LIMIT_SECONDS, {
    ...baseline,
    candidate: { ...deployment.candidate, taskSetId: taskSet.id },
  });
  return { taskSetId: taskSet.id };
}

export interface HealthProgress {
  attempt: number;
  steady: boolean;
  batch: number;
  /** When the waits for this task set (rolling: this batch) began, in ms on the clock. */
  waitingSince?: number;
  /**
   * The state machine's wait before the next look (its Wait's SecondsPath): backed off while
   * the task set starts, the first wait again once it is steady (rolling's next batch).
   */
  waitSeconds: number;
}

/** The loop's state before the first look (`$.progress.health`). */
export const FIRST_HEALTH: HealthProgress = {
  attempt: 0,
  steady: false,
  batch: -1,
  waitSeconds: healthBackoff(1),
};

/**
 * One look at the new task set. Returns `steady` once running equals desired and
 * ECS reports steady state; throws TaskSetUnhealthy when more tasks failed than the
 * circuit breaker allows, or when it is not steady 600 s after the waits began
 * (domain/health-wait.ts).
 */
export async function checkTaskSet(
  deps: Deps,
  spec: DeploymentSpec,
  previous: Pick<HealthProgress, 'attempt' | 'batch' | 'waitingSince'>,
  batch = -1,
): Promise<HealthProgress> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const taskSetId = deployment.candidate.taskSetId;
  if (taskSetId === undefined) throw new Error('check-task-set ran before create-task-set');
  const attempt = previous.batch === batch ? previous.attempt + 1 : 1;
  const now = deps.clock.now();
  // The first look comes one first wait after the waits began. (An execution from before the
  // start was kept begins counting at its next look: the bound comes later, never sooner.)
  const since =
    attempt === 1 || previous.waitingSince === undefined
      ? now - healthBackoff(1) * 1000
      : previous.waitingSince;
  const waited = Math.floor((now - since) / 1000);
  const looks = [
    { name: 'the new task set', health: await deps.taskSets.health(ecsServiceOf(spec), taskSetId) },
  ];
  const baseline = await baselineHealth(deps, spec, deployment);
  if (baseline !== null) looks.push({ name: 'the baseline task set', health: baseline });
  let steady = true;
  for (const { name, health } of looks) {
    const ready = await judgeHealth(deps, spec, deployment, name, health, waited);
    steady &&= ready;
  }
  const remaining = Math.max(0, HEALTH_LIMIT_SECONDS - waited);
  await advance(deps, deployment, steady ? 'healthy' : 'wait-healthy', remaining);
  const waitSeconds = steady ? healthBackoff(1) : nextHealthWait(attempt + 1, waited);
  return { attempt, steady, batch, waitingSince: since, waitSeconds };
}

/**
 * Whether one task set is steady; throws TaskSetUnhealthy, with the reason noted, when more of
 * its tasks failed than the circuit breaker allows, or when it is not steady in time.
 */
async function judgeHealth(
  deps: Deps,
  spec: DeploymentSpec,
  deployment: Deployment,
  name: string,
  health: TaskSetHealth,
  waited: number,
): Promise<boolean> {
  const maxFailed = spec.settings.rolling?.maxFailedTasks ?? 1;
  const counts = `running ${health.running} of ${health.desired}, ${health.failed} failed`;
  // ECS's own words for why they stopped (a pull failure, a crash, failed health checks).
  const why = health.failureReasons.length > 0 ? `; ECS: ${health.failureReasons.join('; ')}` : '';
  const whose = name === 'the new task set' ? '' : ` (${name})`;
  if (health.failed > maxFailed) {
    await noteReason(deps, deployment, {
      kind: 'health',
      message: `${health.failed} tasks of ${name} failed (the circuit breaker allows ${maxFailed}): ${counts}${why}`,
    });
    throw new TaskSetUnhealthy(
      `${health.failed} tasks failed${whose}, more than the ${maxFailed} allowed (${counts})${why}`,
    );
  }
  const steady = health.steady && health.running === health.desired && health.desired > 0;
  if (!steady && waited >= HEALTH_LIMIT_SECONDS) {
    await noteReason(deps, deployment, {
      kind: 'health',
      message: `${name} was not healthy after ${waited} s: ${counts}${why}`,
    });
    throw new TaskSetUnhealthy(`not healthy after ${waited} s${whose} (${counts})${why}`);
  }
  return steady;
}

export interface BatchCursor {
  index: number;
  candidatePercent: number;
  done: boolean;
}

/** Rolling: grows the new task set by one batch and shrinks the old one to match. */
export async function scaleBatch(
  deps: Deps & Pick<EngineDeps, 'ledger' | 'serviceStates' | 'events' | 'signer'>,
  spec: DeploymentSpec,
  previous: { index: number },
): Promise<BatchCursor> {
  const deployment = await loadDeployment(deps, spec.deploymentId);
  const batches = spec.plan.steps.flatMap((s) => (s.kind === 'scale-batch' ? [s.candidatePercent] : []));
  const index = Math.min(previous.index + 1, batches.length - 1);
  const percent = batches[index] ?? 100;
  const service = ecsServiceOf(spec);
  const candidate = deployment.candidate.taskSetId;
  if (candidate === undefined) throw new Error('scale-batch ran before create-task-set');
  // Grow first, then shrink: capacity never dips below the service's desired count.
  await deps.taskSets.scale(service, candidate, percent);
  await deps.taskSets.scale(service, deployment.stable.taskSetId, 100 - percent);
  await advance(deps, deployment, `batch ${index + 1} of ${batches.length}`, HEALTH_LIMIT_SECONDS, {
    weights: { stable: 100 - percent, candidate: percent },
  });
  await appendOnce(deps, {
    service: spec.service,
    type: 'TrafficShifted',
    deploymentId: spec.deploymentId,
    release: deployment.release,
    actor: 'state-machine',
    detail: { weights: { stable: 100 - percent, candidate: percent } },
  });
  await deps.events.publish({
    detailType: 'Traffic Shifted',
    detail: {
      deploymentId: spec.deploymentId,
      service: spec.service,
      release: deployment.release,
      weights: { stable: 100 - percent, candidate: percent },
    },
  });
  return { index, candidatePercent: percent, done: index === batches.length - 1 };
}
