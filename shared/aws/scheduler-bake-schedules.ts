// BakeSchedules on EventBridge Scheduler: a one-time schedule (`at(...)`, no flexible
// window, deleted once it has run) in Cutover's own schedule group, whose target is
// Scheduler's universal target for Step Functions' SendTaskSuccess. It runs as a role
// that may only answer tokens of Cutover's state machines. Scheduler is reached by signed
// REST-JSON requests (rest-json-requests.ts), not the SDK's Scheduler client.

import { createHash, randomUUID } from 'node:crypto';
import { atExpression, SCHEDULE_NAME, type BakeEnded } from '../domain/bake-schedule.js';
import type { BakeSchedule, BakeSchedules } from '../ports/bake-schedules.js';
import { requireEnv, type Environment } from '../runtime/env.js';
import { translateTransient } from './errors.js';
import { pathLabel, restCalls, SCHEDULER, RestJsonRequests, type RestCalls } from './rest-json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';
import { configFromEnv } from './signed-http.js';

/** Scheduler's universal target for `states:SendTaskSuccess`. */
export const SEND_TASK_SUCCESS_TARGET = 'arn:aws:scheduler:::aws-sdk:sfn:sendTaskSuccess';

/**
 * One name per bake, from its deployment and its token, so a retried start finds the
 * schedule it made and anything that ends the bake can name it without storing it.
 */
export function bakeScheduleName(deploymentId: string, token: string): string {
  const readable = deploymentId.replace(/[^0-9a-zA-Z\-_.]/g, '-').slice(0, 24);
  const digest = createHash('sha256').update(token).digest('hex').slice(0, 32);
  const name = `bake-${readable}-${digest}`;
  if (!SCHEDULE_NAME.test(name)) throw new Error(`not a schedule name: ${name}`);
  return name;
}

export interface SchedulerSettings {
  group: string;
  /** The role Scheduler assumes to call SendTaskSuccess. */
  roleArn: string;
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
    try {
      await this.scheduler.send({
        method: 'POST',
        path: `/schedules/${pathLabel(bakeScheduleName(deploymentId, token))}`,
        body: JSON.stringify({
          // A token of its own per call, as the SDK makes one: a retried start is a ConflictException.
          ClientToken: randomUUID(),
          GroupName: this.settings.group,
          Description: `Ends the bake of deployment ${deploymentId}`.slice(0, 512),
          ScheduleExpression: atExpression(endsAt),
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: SEND_TASK_SUCCESS_TARGET,
            RoleArn: this.settings.roleArn,
            Input: JSON.stringify({ TaskToken: token, Output: JSON.stringify(output) }),
            // A token already answered fails for good: a few quick retries cover a blip only.
            RetryPolicy: { MaximumRetryAttempts: 5, MaximumEventAgeInSeconds: 300 },
          },
        }),
      });
    } catch (error) {
      // A retried start: the schedule it made is there already.
      if (error instanceof Error && error.name === 'ConflictException') return;
      return translateTransient('CreateSchedule', error);
    }
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
