// HookCallBacks on EventBridge Scheduler: a one-time schedule (scheduler-schedules.ts) whose
// target is run-hook itself, a Lambda function target, with the call back as its event. It
// runs as the schedules' role, which may invoke run-hook and nothing else of Lambda's.
// https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html

import type { HookCallBack, HookCallBacks } from '../ports/hook-call-backs.js';
import { requireEnv, type Environment } from '../runtime/env.js';
import { restCalls, SCHEDULER, RestJsonRequests, type RestCalls } from './rest-json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';
import { configFromEnv } from './signed-http.js';
import { createOneTimeSchedule, scheduleName, type SchedulerSettings } from './scheduler-schedules.js';

export class SchedulerHookCallBacks implements HookCallBacks {
  private readonly scheduler: RestCalls;

  constructor(
    scheduler: RestCalls | SdkClientLike,
    private readonly settings: SchedulerSettings,
  ) {
    this.scheduler = restCalls(SCHEDULER, scheduler, 'SCHEDULER');
  }

  async schedule({
    at,
    functionArn,
    ...callBack
  }: HookCallBack & { at: number; functionArn: string }): Promise<void> {
    await createOneTimeSchedule(this.scheduler, this.settings, {
      name: scheduleName('hook', callBack.deploymentId, `${callBack.token}#${callBack.call}`),
      description: `Calls hook ${callBack.hook} of deployment ${callBack.deploymentId} again (call ${callBack.call})`,
      at,
      target: {
        Arn: functionArn,
        Input: JSON.stringify({ callBack }),
        // Retried twice, then given up: the hook's timeout then rolls the deployment back.
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 300 },
      },
    });
  }
}

/** The adapter as run-hook wires it, from the environment serverless.yml sets. */
export function hookCallBacks(env: Environment): SchedulerHookCallBacks {
  return new SchedulerHookCallBacks(new RestJsonRequests(SCHEDULER, configFromEnv('SCHEDULER', env)), {
    group: requireEnv('BAKE_SCHEDULE_GROUP', env),
    roleArn: requireEnv('BAKE_SCHEDULER_ROLE_ARN', env),
  });
}
