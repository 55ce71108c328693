// The local EventBridge Scheduler, through the SDK as Cutover's handlers reach it: a real
// deployment's bakes end by their schedules (no TaskTimedOut in its history) and leave none
// behind; input is checked as Scheduler checks it; IAM decides who may create schedules and
// pass their role; a schedule whose token is spent fails harmlessly; schedules survive a restart.

import { GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from '../support/aws-cli.js';
import { freePort } from '../../harness/emulators.js';
import { finished, push, startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;
let admin: SchedulerClient;
const GROUP = 'cutover-local-bakes';

/**
 * `npm start`'s speed, not the tests' usual 300x: a bake's safety-net margin is 120 simulated
 * seconds, 0.4 real seconds at 300x, less than a loaded machine may take to run start-bake.
 * Then the timeout wins, as every bake did before schedules, and this test would say so.
 */
const SPEED = 60;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), speed: SPEED });
  admin = schedulerAs({ accessKeyId: 'local', secretAccessKey: 'local' });
});

afterAll(async () => {
  admin?.destroy();
  await handle?.stop();
});

function schedulerAs(credentials: { accessKeyId: string; secretAccessKey: string }) {
  return new SchedulerClient({
    endpoint: handle.cloud.endpoint,
    region: 'us-east-1',
    credentials,
    maxAttempts: 1,
  });
}

/** The role the local cloud's functions name on their schedules. */
const roleArn = () => handle.cloud.environment.BAKE_SCHEDULER_ROLE_ARN!;
const at = (ms: number) => `at(${new Date(Math.ceil(ms / 1000) * 1000).toISOString().slice(0, 19)})`;

function schedule(name: string, when: number, token = 'no-such-token') {
  return {
    Name: name,
    GroupName: GROUP,
    ScheduleExpression: at(when),
    FlexibleTimeWindow: { Mode: 'OFF' as const },
    ActionAfterCompletion: 'DELETE' as const,
    Target: {
      Arn: 'arn:aws:scheduler:::aws-sdk:sfn:sendTaskSuccess',
      RoleArn: roleArn(),
      Input: JSON.stringify({ TaskToken: token, Output: '{}' }),
    },
  };
}

async function history(executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await handle.clients.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return events;
}

describe('the local Scheduler', () => {
  it('ends a real deployment’s bakes: no TaskTimedOut in its history, and no schedule left', async () => {
    const digest = push(handle, 'linear', 'v2', 'healthy');
    const execution = await finished(handle, 'linear', digest, 120_000);
    expect(execution.status).toBe('SUCCEEDED');
    const events = await history(execution.executionArn!);
    expect(events.filter((e) => e.type === 'TaskTimedOut')).toEqual([]);
    const bakes = events.filter(
      (e) => e.type === 'TaskStateEntered' && /Bake$/.test(e.stateEnteredEventDetails?.name ?? ''),
    );
    expect(bakes.length).toBeGreaterThan(1);
    expect(handle.cloud.scheduler.stats.invoked).toBeGreaterThanOrEqual(bakes.length);
    // Every schedule is gone: deleted by the step after its bake, or by itself once it ran. (A
    // start-bake retried on a transient error has a new token, so the first attempt's schedule,
    // if it was made, is left to fire at the bake's end, fail harmlessly and delete itself.)
    await until(
      async () => (await admin.send(new ListSchedulesCommand({ GroupName: GROUP }))).Schedules?.length === 0,
      'the bake schedules to be gone',
    );
  });

  it('answers the AWS CLI (botocore) in Scheduler’s own shapes', async () => {
    const listed = await awsCli(handle.cloud.endpoint, 'scheduler', 'list-schedules', '--group-name', GROUP);
    expect(listed.status).toBe(0);
    expect(listed.json).toEqual({ Schedules: [] });
    const group = await awsCli(handle.cloud.endpoint, 'scheduler', 'get-schedule-group', '--name', GROUP);
    expect(group.json).toMatchObject({ Name: GROUP, State: 'ACTIVE' });
    const missing = await awsCli(
      handle.cloud.endpoint,
      'scheduler',
      'get-schedule',
      '--name',
      'absent',
      '--group-name',
      GROUP,
    );
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toContain('ResourceNotFoundException');
  });

  it('refuses what Scheduler refuses, and changes nothing', async () => {
    const now = handle.cloud.clock.now();
    const refusals = [
      { ...schedule('bad name!', now + 3_600_000) },
      { ...schedule('n'.repeat(65), now + 3_600_000) },
      { ...schedule('rate', now), ScheduleExpression: 'rate(5 minutes)' },
      { ...schedule('late', now), ScheduleExpression: 'at(2026-02-30T00:00:00)' },
      { ...schedule('target', now), Target: { ...schedule('x', now).Target, Arn: 'arn:aws:lambda:::x' } },
      {
        ...schedule('sqs', now),
        Target: { ...schedule('x', now).Target, Arn: 'arn:aws:sqs:us-east-1:000000000000:deploys' },
      },
      { ...schedule('role', now), Target: { ...schedule('x', now).Target, RoleArn: 'not-a-role' } },
      { ...schedule('input', now), Target: { ...schedule('x', now).Target, Input: 'not json' } },
    ];
    for (const input of refusals)
      await expect(admin.send(new CreateScheduleCommand(input))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    await expect(
      admin.send(new CreateScheduleCommand({ ...schedule('nogroup', now), GroupName: 'no-such-group' })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
    await expect(
      admin.send(new DeleteScheduleCommand({ Name: 'absent', GroupName: GROUP })),
    ).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
    expect((await admin.send(new ListSchedulesCommand({ GroupName: GROUP }))).Schedules).toEqual([]);
  });

  it('lets only start-bake create schedules, and only in the bake group with the scheduler role', async () => {
    const now = handle.cloud.clock.now();
    const checkAlarms = schedulerAs(handle.cloud.iam.credentialsFor('check-alarms'));
    const startBake = schedulerAs(handle.cloud.iam.credentialsFor('start-bake'));
    try {
      await expect(
        checkAlarms.send(new CreateScheduleCommand(schedule('a', now + 3_600_000))),
      ).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
      await expect(
        startBake.send(
          new CreateScheduleCommand({ ...schedule('b', now + 3_600_000), GroupName: 'default' }),
        ),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
      const otherRole = {
        ...schedule('c', now + 3_600_000).Target,
        RoleArn: 'arn:aws:iam::000000000000:role/admin',
      };
      await expect(
        startBake.send(new CreateScheduleCommand({ ...schedule('c', now + 3_600_000), Target: otherRole })),
      ).rejects.toMatchObject({ name: 'AccessDeniedException' });
      await startBake.send(new CreateScheduleCommand(schedule('d', now + 3_600_000)));
      await expect(
        startBake.send(new CreateScheduleCommand(schedule('d', now + 3_600_000))),
      ).rejects.toMatchObject({
        name: 'ConflictException',
      });
      // start-bake only makes schedules: the steps after a bake delete them.
      await expect(
        startBake.send(new DeleteScheduleCommand({ Name: 'd', GroupName: GROUP })),
      ).rejects.toMatchObject({
        name: 'AccessDeniedException',
      });
      await admin.send(new DeleteScheduleCommand({ Name: 'd', GroupName: GROUP }));
    } finally {
      checkAlarms.destroy();
      startBake.destroy();
    }
  });

  it('fires on the simulated clock as the scheduler role; a spent token fails harmlessly and the schedule goes', async () => {
    const before = { ...handle.cloud.scheduler.stats };
    await admin.send(new CreateScheduleCommand(schedule('spent', handle.cloud.clock.now() + 2_000)));
    await until(() => handle.cloud.scheduler.stats.invoked > before.invoked, 'the schedule to fire');
    await until(
      async () =>
        (await admin.send(new ListSchedulesCommand({ GroupName: GROUP, NamePrefix: 'spent' }))).Schedules
          ?.length === 0,
      'the schedule to be deleted',
    );
    expect(handle.cloud.scheduler.stats.failed).toBeGreaterThan(before.failed);
    // It fired as the scheduler role, which may do nothing but answer tokens and call run-hook.
    expect(handle.cloud.iam.roles().get('cutover-local-bake-scheduler')).toEqual([
      { Effect: 'Allow', Action: ['states:SendTaskSuccess'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:cutover-local-run-hook',
      },
    ]);
  });

  it('invokes a function target as the scheduler role, which may invoke run-hook and no other function', async () => {
    const called: unknown[] = [];
    handle.cloud.lambda.register({
      name: 'not-run-hook',
      timeoutSeconds: 3,
      handler: (event) => called.push(event),
    });
    const before = { ...handle.cloud.scheduler.stats };
    const denied: string[] = [];
    const stop = handle.cloud.iam.onDecision((d) => {
      if (!d.allowed) denied.push(`${d.principal.arn} ${d.authorization.action} ${d.authorization.resource}`);
    });
    const target = {
      Arn: 'arn:aws:lambda:us-east-1:000000000000:function:not-run-hook',
      RoleArn: roleArn(),
      Input: JSON.stringify({ callBack: 'forged' }),
    };
    await admin.send(
      new CreateScheduleCommand({
        ...schedule('other-fn', handle.cloud.clock.now() + 1_000),
        Target: target,
      }),
    );
    await until(() => handle.cloud.scheduler.stats.invoked > before.invoked, 'the schedule to fire');
    await until(() => handle.cloud.scheduler.stats.failed > before.failed, 'its call to be refused');
    stop();
    expect(called).toEqual([]);
    expect(denied).toEqual([
      expect.stringMatching(/bake-scheduler.* lambda:InvokeFunction .*:function:not-run-hook$/),
    ]);
  });

  it('keeps its schedules across a restart', async () => {
    await admin.send(new CreateScheduleCommand(schedule('kept', handle.cloud.clock.now() + 86_400_000)));
    const { dataDir } = handle;
    admin.destroy();
    await handle.stop();
    handle = await startCloud({ port: await freePort(), dataDir, speed: SPEED });
    admin = schedulerAs({ accessKeyId: 'local', secretAccessKey: 'local' });
    const kept = await admin.send(new GetScheduleCommand({ Name: 'kept', GroupName: GROUP }));
    expect(kept).toMatchObject({ Name: 'kept', GroupName: GROUP, ActionAfterCompletion: 'DELETE' });
    const names = async (State: 'ENABLED' | 'DISABLED') =>
      (await admin.send(new ListSchedulesCommand({ GroupName: GROUP, State }))).Schedules?.map((s) => s.Name);
    expect(await names('ENABLED')).toEqual(['kept']);
    expect(await names('DISABLED')).toEqual([]);
    await admin.send(new DeleteScheduleCommand({ Name: 'kept', GroupName: GROUP }));
  });
});
