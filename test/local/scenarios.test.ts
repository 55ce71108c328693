// End-to-end on the local cloud: for each pattern, a healthy push that is promoted,
// and a faulty push rolled back by its alarm. Everything goes through the real
// wire: ECR push event → EventBridge rule → on-image-push → Step Functions → handlers
// → the local ECS, ELBv2, CloudWatch and DynamoDB; state is read back through AWS's APIs.

import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import {
  alarmHistory,
  finished,
  ledger,
  push,
  startCloud,
  taskSets,
  until,
  weights,
  type CloudHandle,
} from '../../harness/local-cloud.js';

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort() });
});

afterAll(async () => {
  await handle?.stop();
});

async function approveWhenAsked(service: string): Promise<void> {
  let token: string | undefined;
  await until(async () => {
    token = (await handle.clients.deployments.listByService(service, 1))[0]?.approval?.token;
    return token !== undefined;
  }, `${service} to ask for approval`);
  await handle.clients.sfn.send(
    new SendTaskSuccessCommand({ taskToken: token, output: JSON.stringify({ approvedBy: 'operator:test' }) }),
  );
}

const PATTERNS = ['linear', 'canary', 'allatonce', 'rolling', 'bluegreen'] as const;

async function alarmState(name: string): Promise<string | undefined> {
  const described = await handle.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return described.MetricAlarms?.[0]?.StateValue;
}

describe.each(PATTERNS)('%s', (service) => {
  it('a healthy push is promoted: all traffic on the new task set, the old one gone, the ledger intact', async () => {
    // The services share one load balancer, whose own 5xx (published per load balancer only)
    // every service's 5xx alarm counts: a rollback before this one that left a target group
    // without healthy targets for a moment fires them all. Cutover never starts while a watched
    // alarm is in ALARM, so wait, as an operator would, for every task set to be steady, the
    // alarms to see two more minutes, and this one to be clear.
    await until(async () => {
      for (const name of PATTERNS) {
        const { ecs } = handle.catalog.services[name]!;
        const described = await handle.clients.ecs.send(
          new DescribeTaskSetsCommand({ cluster: ecs.cluster, service: ecs.service }),
        );
        if (described.taskSets?.some((t) => t.stabilityStatus !== 'STEADY_STATE')) return false;
      }
      return true;
    }, 'every task set to be steady');
    const steadyAt = handle.cloud.clock.now();
    await until(() => handle.cloud.clock.now() > steadyAt + 120_000, 'two minutes of simulated time');
    await until(async () => (await alarmState(`${service}-5xx-rate`)) !== 'ALARM', 'the alarm to clear');
    const before = await taskSets(handle, service);
    const digest = push(handle, service, 'v2', 'healthy');
    if (service === 'bluegreen') await approveWhenAsked(service);
    const execution = await finished(handle, service, digest);

    expect(execution.status).toBe('SUCCEEDED');
    const after = await taskSets(handle, service);
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('PRIMARY');
    expect(after[0]!.taskDefinition).not.toBe(before[0]!.taskDefinition);
    const onNew = Object.entries(await weights(handle, service)).filter(([, w]) => w > 0);
    expect(onNew).toEqual([[after[0]!.targetGroup, 100]]);
    const { records, verified } = await ledger(handle, service);
    expect(verified).toMatchObject({ ok: true });
    expect(records.at(-1)).toMatchObject({ type: 'Promoted', release: 2 });
  });

  it('a faulty push is rolled back by its alarm, which the ledger names', async () => {
    const stable = await taskSets(handle, service);
    const stableWeights = await weights(handle, service);
    const digest = push(handle, service, 'v3', 'faulty');
    if (service === 'bluegreen') await approveWhenAsked(service);
    const execution = await finished(handle, service, digest);

    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    expect(execution.cause).toContain(`alarm ${service}-5xx-rate`);
    expect(await taskSets(handle, service)).toEqual(stable);
    expect(await weights(handle, service)).toEqual(stableWeights);
    const { records, verified } = await ledger(handle, service);
    expect(verified).toMatchObject({ ok: true });
    expect(records.at(-1)).toMatchObject({
      type: 'RolledBack',
      release: 3,
      detail: { reason: { kind: 'alarm', alarmName: `${service}-5xx-rate` } },
    });
    expect(await alarmHistory(handle, `${service}-5xx-rate`)).toContain('Alarm updated from OK to ALARM');
  });
});
