// BakeSchedules on EventBridge Scheduler: a one-time schedule (`at(...)`, no flexible
// window, deleted once it has run) in Cutover's own schedule group, whose target is
// Scheduler's universal target for Step Functions' SendTaskSuccess. It runs as a role
// that may only answer tokens of Cutover's state machines. Scheduler is reached by signed
// REST-JSON requests (rest-json-requests.ts), not the SDK's Scheduler client.

import { randomUUID } from 'node:crypto';
import type { BakeEnded } from '../domain/bake-schedule.js';
import type { BakeSchedule, BakeSchedules } from '../ports/bake-schedules.js';
import { requireEnv, type Environment } from '../runtime/env.js';
import { translateTransient } from './errors.js';
import { pathLabel, restCalls, SCHEDULER, RestJsonRequests, type RestCalls } from './rest-json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';
import { configFromEnv } from './signed-http.js';
import { createOneTimeSchedule, scheduleName, type SchedulerSettings } from './scheduler-schedules.js';

/** Scheduler's universal target for `states:SendTaskSuccess`. */
export const SEND_TASK_SUCCESS_TARGET = 'arn:aws:scheduler:::aws-sdk:sfn:sendTaskSuccess';

/** One name per bake, from its deployment and its token. */
export function bakeScheduleName(deploymentId: string, token: string): string {
  return scheduleName('bake', deploymentId, token);
}

export class SchedulerBakeSchedules implements BakeSchedules {
  private readonly scheduler: RestCalls;

  /** Scheduler's requests, or an SDK client to reach Scheduler as it would. */
  constructor(
    scheduler: RestCalls | SdkClientLike,
    private readonly settings: SchedulerSettings,
  ) {
    this.scheduler = restCalls(SCHEDULER, scheduler, 'SCHEDULER');
  }

  async schedule({ deploymentId, token, endsAt }: BakeSchedule & { endsAt: number }): Promise<void> {
    const output: BakeEnded = { bakeEnded: 'on time', endsAt: new Date(endsAt).toISOString() };
    await createOneTimeSchedule(this.scheduler, this.settings, {
      name: bakeScheduleName(deploymentId, token),
      description: `Ends the bake of deployment ${deploymentId}`,
      at: endsAt,
      target: {
        Arn: SEND_TASK_SUCCESS_TARGET,
        Input: JSON.stringify({ TaskToken: token, Output: JSON.stringify(output) }),
        // A token already answered fails for good: a few quick retries cover a blip only.
        RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 300 },
      },
    });
  }

  async cancel({ deploymentId, token }: BakeSchedule): Promise<void> {
    try {
      await this.scheduler.send({
        method: 'DELETE',
        path: `/schedules/${pathLabel(bakeScheduleName(deploymentId, token))}`,
        query: { groupName: this.settings.group, clientToken: randomUUID() },
      });
    } catch (error) {
      // It fired (and deleted itself), or another step cancelled it first.
      if (error instanceof Error && error.name === 'ResourceNotFoundException') return;
      return translateTransient('DeleteSchedule', error);
    }
  }
}

/** The adapter as a handler wires it, from the environment serverless.yml sets. */
export function bakeSchedules(env: Environment): SchedulerBakeSchedules {
  return new SchedulerBakeSchedules(new RestJsonRequests(SCHEDULER, configFromEnv('SCHEDULER', env)), {
    group: requireEnv('BAKE_SCHEDULE_GROUP', env),
    roleArn: requireEnv('BAKE_SCHEDULER_ROLE_ARN', env),
  });
}
