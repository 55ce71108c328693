// Contract tests of SchedulerBakeSchedules against moto_server and the local cloud's
// Scheduler: the schedule it makes is the one-time, self-deleting `at()` schedule whose
// target answers the bake's token; making it twice is fine; cancelling it (twice, or after it
// is gone) is fine.

import {
  CreateScheduleGroupCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bakeScheduleName,
  SchedulerBakeSchedules,
  SEND_TASK_SUCCESS_TARGET,
} from '../../shared/aws/scheduler-bake-schedules.js';
import { SCHEDULE_NAME } from '../../shared/domain/bake-schedule.js';
import {
  emulatorClientConfig,
  freePort,
  motoAvailable,
  startMoto,
  type Emulator,
} from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';

const ROLE = 'arn:aws:iam::123456789012:role/cutover-test-bake-scheduler';
const ENDS_AT = Date.parse('2030-01-01T00:05:00.250Z');

/** The adapter makes schedules with `client`, cancels with `canceller`; `reader` reads back. */
interface Setting {
  client: SchedulerClient;
  canceller: SchedulerClient;
  reader: SchedulerClient;
  group: string;
  roleArn: string;
}

function contract(setUp: () => Promise<Setting>) {
  let client: SchedulerClient;
  let reader: SchedulerClient;
  let schedules: SchedulerBakeSchedules;
  let cancels: SchedulerBakeSchedules;
  let group: string;
  let roleArn: string;

  beforeAll(async () => {
    let canceller: SchedulerClient;
    ({ client, canceller, reader, group, roleArn } = await setUp());
    schedules = new SchedulerBakeSchedules(client, { group, roleArn });
    cancels = new SchedulerBakeSchedules(canceller, { group, roleArn });
  });

  it('makes a one-time schedule at the bake’s end whose target answers the token with success', async () => {
    const bake = { deploymentId: 'web-0123456789ab', token: 'token-1', endsAt: ENDS_AT };
    await schedules.schedule(bake);
    const made = await reader.send(
      new GetScheduleCommand({ Name: bakeScheduleName(bake.deploymentId, bake.token), GroupName: group }),
    );
    expect(made).toMatchObject({
      ScheduleExpression: 'at(2030-01-01T00:05:01)',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: { Arn: SEND_TASK_SUCCESS_TARGET, RoleArn: roleArn },
    });
    const input = JSON.parse(made.Target!.Input!) as { TaskToken: string; Output: string };
    expect(input.TaskToken).toBe('token-1');
    expect(JSON.parse(input.Output)).toEqual({ bakeEnded: 'on time', endsAt: '2030-01-01T00:05:00.250Z' });
  });

  it('a retried start finds its schedule made; a cancel twice, or of one never made, is fine', async () => {
    const bake = { deploymentId: 'web-retried', token: 'token-2', endsAt: ENDS_AT };
    await schedules.schedule(bake);
    await schedules.schedule(bake);
    await cancels.cancel(bake);
    await cancels.cancel(bake);
    await cancels.cancel({ deploymentId: 'web-never', token: 'token-3' });
    const left = await reader.send(
      new ListSchedulesCommand({ GroupName: group, NamePrefix: 'bake-web-retried' }),
    );
    expect(left.Schedules).toEqual([]);
  });

  it('names every bake within Scheduler’s rules, one name per token', () => {
    const long = bakeScheduleName('x'.repeat(200) + '/:#', 'a'.repeat(1024));
    expect(long).toMatch(SCHEDULE_NAME);
    expect(bakeScheduleName('d', 'token-a')).not.toBe(bakeScheduleName('d', 'token-b'));
  });
}

describe.skipIf(!motoAvailable())('SchedulerBakeSchedules against moto_server', () => {
  let moto: Emulator;
  let client: SchedulerClient;
  afterAll(async () => {
    client?.destroy();
    await moto?.stop();
  });
  contract(async () => {
    moto = await startMoto();
    client = new SchedulerClient(emulatorClientConfig(moto.endpoint));
    await client.send(new CreateScheduleGroupCommand({ Name: 'cutover-test-bakes' }));
    return { client, canceller: client, reader: client, group: 'cutover-test-bakes', roleArn: ROLE };
  });
});

describe('SchedulerBakeSchedules against the local cloud, as start-bake and shift-traffic', () => {
  let handle: CloudHandle;
  let client: SchedulerClient;
  let canceller: SchedulerClient;
  let reader: SchedulerClient;
  afterAll(async () => {
    client?.destroy();
    canceller?.destroy();
    reader?.destroy();
    await handle?.stop();
  });
  contract(async () => {
    handle = await startCloud({ port: await freePort() });
    client = new SchedulerClient({
      endpoint: handle.cloud.endpoint,
      region: 'us-east-1',
      credentials: handle.cloud.iam.credentialsFor('start-bake'),
    });
    // start-bake makes schedules; the step after a bake (here shift-traffic) deletes them.
    canceller = new SchedulerClient({
      endpoint: handle.cloud.endpoint,
      region: 'us-east-1',
      credentials: handle.cloud.iam.credentialsFor('shift-traffic'),
    });
    reader = new SchedulerClient({
      endpoint: handle.cloud.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    return {
      client,
      canceller,
      reader,
      // The group and the role the local cloud's functions are built with.
      group: handle.cloud.environment.BAKE_SCHEDULE_GROUP!,
      roleArn: handle.cloud.environment.BAKE_SCHEDULER_ROLE_ARN!,
    };
  });
});
