// A one-time schedule on EventBridge Scheduler, as Cutover makes them: `at(...)`, no flexible
// window, in Cutover's own schedule group, deleted once it has run, running as the role that
// may only make its target's call. Used for a bake's end (scheduler-bake-schedules.ts) and a
// hook's next call (scheduler-hook-call-backs.ts).

import { createHash, randomUUID } from 'node:crypto';
import { atExpression, SCHEDULE_NAME } from '../domain/bake-schedule.js';
import { translateTransient } from './errors.js';
import { pathLabel, type RestCalls } from './rest-json-requests.js';

export interface SchedulerSettings {
  group: string;
  /** The role Scheduler assumes to make the target's call. */
  roleArn: string;
}

/**
 * One name per schedule, from its kind, its deployment and what makes it unique (a token, a
 * call), so a retried step finds the schedule it made and anything that ends it can name it.
 */
export function scheduleName(kind: 'bake' | 'hook', deploymentId: string, unique: string): string {
  const readable = deploymentId.replace(/[^0-9a-zA-Z\-_.]/g, '-').slice(0, 24);
  const digest = createHash('sha256').update(unique).digest('hex').slice(0, 32);
  const name = `${kind}-${readable}-${digest}`;
  if (!SCHEDULE_NAME.test(name)) throw new Error(`not a schedule name: ${name}`);
  return name;
}

export interface OneTimeSchedule {
  name: string;
  description: string;
  at: number;
  target: { Arn: string; Input: string; RetryPolicy: Record<string, number> };
}

/** Creates it; one that exists already (a retried step made it) is left as it is. */
export async function createOneTimeSchedule(
  scheduler: RestCalls,
  settings: SchedulerSettings,
  schedule: OneTimeSchedule,
): Promise<void> {
  try {
    await scheduler.send({
      method: 'POST',
      path: `/schedules/${pathLabel(schedule.name)}`,
      body: JSON.stringify({
        // A token of its own per call, as the SDK makes one: a retried step is a ConflictException.
        ClientToken: randomUUID(),
        GroupName: settings.group,
        Description: schedule.description.slice(0, 512),
        ScheduleExpression: atExpression(schedule.at),
        ScheduleExpressionTimezone: 'UTC',
        FlexibleTimeWindow: { Mode: 'OFF' },
        ActionAfterCompletion: 'DELETE',
        Target: { ...schedule.target, RoleArn: settings.roleArn },
      }),
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'ConflictException') return;
    return translateTransient('CreateSchedule', error);
  }
}
