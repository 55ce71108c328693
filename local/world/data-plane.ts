// The local load balancer's data plane: a request sent through a listener rule reaches one of the
// simulated tasks behind it, and is answered as that task's image profile says. This is what a
// smoke-test hook reaches the new task set through (the test listener rule forwards to it alone),
// as it would through the test listener's port on AWS.
//
// The rule is named by the request (data-plane-server.ts), so any rule of any local load balancer
// can be reached; or the request names a listener, and the rule is chosen by its conditions. Its forward action's weights choose a target
// group (at random, by weight, as ALB does); the group's tasks whose targets are healthy take
// requests in turn (ALB's round robin); a group with none answers as ALB does, 503 when no target
// is registered and 502 when none of them is healthy. These requests are not the simulated
// production traffic: they are in no CloudWatch metric.
//
// What the simulated app answers:
// - `GET /smoke`, its smoke-test endpoint: 200, or 500 with the profile's `smokeFailure`;
// - any other path: 200, or a 500 as often as the profile's error rate says.
// Each answer names the task and image that gave it (`x-cutover-task`, `x-cutover-image`), and the
// rule that routed it (`x-cutover-rule`).

import type { ForwardWeight } from '../aws/elbv2-actions.js';
import type { RoutedRequest } from '../aws/elbv2-conditions.js';
import { SMOKE_PATH } from './profiles.js';
import type { ServingTask } from './world.js';

export interface DataPlaneWorld {
  /** Throws for a rule or listener that does not exist. */
  forwardWeights(ruleArn: string): ForwardWeight[];
  /** The rule a request to the listener meets, and its weights; throws for an unknown listener. */
  route(listenerArn: string, request: RoutedRequest): { ruleArn: string; weights: ForwardWeight[] };
  servingTasks(targetGroupArn: string): ServingTask[];
  /** Targets registered with the group (any health but draining). */
  registeredTargets(targetGroupArn: string): number;
}

export interface DataPlaneAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export class DataPlane {
  /** The next task of each target group to take a request. */
  private readonly turn = new Map<string, number>();

  constructor(
    private readonly world: DataPlaneWorld,
    private readonly random: () => number = Math.random,
  ) {}

  /** The answer to a request for `path` sent through the listener rule (or listener) `ruleArn`. */
  answer(ruleArn: string, path: string): DataPlaneAnswer {
    let weights: ForwardWeight[];
    try {
      weights = this.world.forwardWeights(ruleArn);
    } catch (error) {
      return json(404, {
        error: `no listener rule ${ruleArn} on the local load balancers: ${String(error)}`,
      });
    }
    return this.forward(weights, path, ruleArn);
  }

  /**
   * The answer to a request sent to a listener, as ALB routes it: through the first rule, by
   * priority, whose conditions the request meets (its path and headers), else the default action.
   */
  answerAt(listenerArn: string, request: RoutedRequest): DataPlaneAnswer {
    let routed: { ruleArn: string; weights: ForwardWeight[] };
    try {
      routed = this.world.route(listenerArn, request);
    } catch (error) {
      return json(404, { error: `no listener ${listenerArn} on the local load balancers: ${String(error)}` });
    }
    return this.forward(routed.weights, request.path, routed.ruleArn);
  }

  private forward(all: ForwardWeight[], path: string, ruleArn: string): DataPlaneAnswer {
    const weights = all.filter((w) => w.weight > 0);
    const group = this.pick(weights);
    if (group === undefined) return balancerError(503, 'the rule forwards to no target group with weight');
    const tasks = this.world.servingTasks(group);
    if (tasks.length === 0) {
      return this.world.registeredTargets(group) === 0
        ? balancerError(503, `target group ${group} has no registered target`)
        : balancerError(502, `target group ${group} has no healthy target`);
    }
    const turn = this.turn.get(group) ?? 0;
    this.turn.set(group, turn + 1);
    const answer = this.taskAnswer(tasks[turn % tasks.length]!, path);
    return { ...answer, headers: { ...answer.headers, 'x-cutover-rule': ruleArn } };
  }

  private pick(weights: ForwardWeight[]): string | undefined {
    const total = weights.reduce((sum, w) => sum + w.weight, 0);
    let left = this.random() * total;
    for (const w of weights) {
      left -= w.weight;
      if (left < 0) return w.targetGroupArn;
    }
    return weights.at(-1)?.targetGroupArn;
  }

  private taskAnswer(task: ServingTask, path: string): DataPlaneAnswer {
    const from = { 'x-cutover-task': task.taskArn, 'x-cutover-image': task.image };
    const { profile } = task;
    if (path === SMOKE_PATH) {
      return profile.smokeFailure === undefined
        ? json(200, { status: 'ok' }, from)
        : json(500, { error: profile.smokeFailure }, from);
    }
    if (this.random() < profile.errorRate) return json(500, { error: 'internal error (simulated)' }, from);
    return json(200, { status: 'ok', path }, from);
  }
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): DataPlaneAnswer {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** ALB's own answer, with no task behind it. */
function balancerError(status: 502 | 503, why: string): DataPlaneAnswer {
  const title = status === 502 ? '502 Bad Gateway' : '503 Service Temporarily Unavailable';
  return { status, headers: { 'content-type': 'text/plain', 'x-cutover-reason': why }, body: `${title}\n` };
}
