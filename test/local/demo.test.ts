// The demo `npm start` runs (local/demo-catalog.yml): a healthy and a faulty push of
// web, blue-green api approved and rejected, and a restart that keeps everything.

import {
  GetExecutionHistoryCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
} from '@aws-sdk/client-sfn';
import { DescribeAlarmHistoryCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../../cli/commands/local.js';
import { freePort } from '../../harness/emulators.js';
import {
  finished,
  ledger,
  push,
  requestsPerMinute,
  startCloud,
  taskSets,
  until,
  weights,
  type CloudHandle,
} from '../../harness/local-cloud.js';

let handle: CloudHandle;
let port: number;

beforeAll(async () => {
  port = await freePort();
  handle = await startCloud({ port, catalogPath: DEMO_CATALOG, speed: 300 });
});

afterAll(async () => {
  await handle?.stop();
});

async function approvalToken(service: string): Promise<string> {
  let token: string | undefined;
  await until(async () => {
    token = (await handle.clients.deployments.listByService(service, 1))[0]?.approval?.token;
    return token !== undefined;
  }, `${service} to ask for approval`);
  return token!;
}

/** The demo load balancer's requests per minute over the last two simulated hours (or between two minutes), newest first. */
function loadBalancerRequests(from?: Date, to?: Date) {
  const end = to ? new Date(to.getTime() + 60_000) : new Date(handle.cloud.clock.now());
  const start = from ?? new Date(end.getTime() - 2 * 3_600_000);
  const balancer = { LoadBalancer: 'app/cutover-demo/c6f5425c84684d5b' };
  return requestsPerMinute(handle, balancer, start, end, 'TimestampDescending');
}

describe('the demo', () => {
  it('starts with release 1 of each service, all traffic on it', async () => {
    for (const service of ['web', 'api']) {
      expect((await ledger(handle, service)).records.map((r) => r.type)).toEqual([
        'ReleaseStarted',
        'Promoted',
      ]);
      expect(await taskSets(handle, service)).toHaveLength(1);
      expect(Object.values(await weights(handle, service))).toEqual([100, 0]);
    }
  });

  it('web: local push --profile healthy ends promoted, judged against a baseline that ran beside it', async () => {
    const digest = push(handle, 'web', 'v2', 'healthy');
    // While it runs: three task sets (stable, canary, and a baseline of the stable revision), and
    // the baseline's group at the canary's weight in the production rule.
    let first: Record<string, number> = {};
    await until(
      async () => (first = await weights(handle, 'web'))['web-baseline'] === 10,
      'the baseline at 10%',
    );
    const running = await taskSets(handle, 'web');
    expect(running.map((t) => t.targetGroup).sort()).toEqual(['web-baseline', 'web-blue', 'web-green']);
    const stable = running.find((t) => t.status === 'PRIMARY')!;
    expect(running.find((t) => t.targetGroup === 'web-baseline')!.taskDefinition).toBe(stable.taskDefinition);
    expect(first).toEqual({ 'web-blue': 80, 'web-green': 10, 'web-baseline': 10 });

    const execution = await finished(handle, 'web', digest);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect((await ledger(handle, 'web')).records.at(-1)).toMatchObject({ type: 'Promoted', release: 2 });
    // At rest: one task set, and the rule forwards to the two groups it had before.
    expect(await taskSets(handle, 'web')).toEqual([
      expect.objectContaining({ status: 'PRIMARY', targetGroup: 'web-green' }),
    ]);
    expect(await weights(handle, 'web')).toEqual({ 'web-blue': 0, 'web-green': 100 });
  });

  it('web: local push --profile faulty is rolled back once its alarm fires, with no traffic moved after, naming the alarm', async () => {
    const digest = push(handle, 'web', 'v3', 'faulty');
    const execution = await finished(handle, 'web', digest);
    expect(execution.error).toBe('RolledBack');
    expect(execution.cause).toMatch(/alarm web-5xx-rate (went to|is in) ALARM/);
    const history = await handle.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn }),
    );
    const entered = (name: string) =>
      history
        .events!.find((e) => e.type === 'TaskStateEntered' && e.stateEnteredEventDetails?.name === name)!
        .timestamp!.getTime();
    // Errors start with the first shift. Which period first breaches is chance (a quarter of the
    // new tasks' answers fail at 10% of the traffic: 2.7% against a 2% threshold, per minute of
    // Poisson-drawn requests). What never varies: no traffic moves once the alarm is in ALARM.
    const events = history.events!;
    const shifted = entered('ShiftTraffic');
    const { AlarmHistoryItems } = await handle.clients.cloudwatch.send(
      new DescribeAlarmHistoryCommand({
        AlarmName: 'web-5xx-rate',
        HistoryItemType: 'StateUpdate',
        StartDate: new Date(shifted),
        ScanBy: 'TimestampAscending',
      }),
    );
    type StateUpdate = {
      newState: { stateValue: string; stateReasonData: { evaluatedDatapoints: { timestamp: string }[] } };
    };
    const data = (item: { HistoryData?: string }) => JSON.parse(item.HistoryData!) as StateUpdate;
    const toAlarm = AlarmHistoryItems!.find((item) => data(item).newState.stateValue === 'ALARM')!;
    const alarmedAt = toAlarm.Timestamp!.getTime();
    const context = JSON.stringify({ shifted: new Date(shifted), alarm: AlarmHistoryItems, events });
    // The breach was in the new tasks' answers: a period that ended after the first shift.
    const [breached] = data(toAlarm).newState.stateReasonData.evaluatedDatapoints;
    expect(Date.parse(breached!.timestamp), context).toBeGreaterThan(shifted - 60_000);
    // Every ShiftTraffic that moved traffic was entered (and checked the alarm) before it went to
    // ALARM; one entered after is refused. The rollback came after.
    const shiftsThatMoved = events.flatMap((e, i) => {
      if (e.type !== 'TaskStateEntered' || e.stateEnteredEventDetails?.name !== 'ShiftTraffic') return [];
      // Its function succeeded before the state was left: a refused shift fails, moving nothing.
      const exited = events.findIndex((x, j) => j > i && x.type === 'TaskStateExited');
      const moved = events.slice(i, exited).some((x) => x.type === 'LambdaFunctionSucceeded');
      return moved ? [e.timestamp!.getTime()] : [];
    });
    expect(shiftsThatMoved.length, context).toBeGreaterThan(0);
    for (const at of shiftsThatMoved) expect(at, context).toBeLessThanOrEqual(alarmedAt);
    expect(entered('RollBack'), context).toBeGreaterThanOrEqual(alarmedAt);
    expect(history.events!.filter((e) => e.stateEnteredEventDetails?.name === 'Promote')).toEqual([]);
    expect((await ledger(handle, 'web')).records.at(-1)).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'alarm', alarmName: 'web-5xx-rate' } },
    });
  });

  it('web: local push --profile slow is rolled back by canary analysis, which names the slow metric', async () => {
    // The faulty release's errors have to leave the alarm's window first: a push while it is
    // still in ALARM is refused before any traffic moves.
    await until(async () => {
      const { MetricAlarms } = await handle.clients.cloudwatch.send(
        new DescribeAlarmsCommand({ AlarmNames: ['web-5xx-rate'] }),
      );
      return MetricAlarms?.[0]?.StateValue === 'OK';
    }, 'web-5xx-rate to return to OK');
    const digest = push(handle, 'web', 'v4', 'slow');
    const execution = await finished(handle, 'web', digest);
    expect(execution.error, execution.cause).toBe('RolledBack');
    expect((await ledger(handle, 'web')).records.at(-1)).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'analysis', failedMetrics: ['latency-p50'] } },
    });
    // The sequential judge stopped it at or before 20% of production: the look that failed it
    // judged the first or second step (10%, 20%), before any shift past it.
    const [deployment] = await handle.clients.deployments.listByService('web', 1);
    expect(deployment!.analysis, JSON.stringify(deployment!.analysis)).toMatchObject({
      method: 'sequential',
      classification: 'Fail',
    });
    expect(deployment!.analysis!.step).toBeLessThanOrEqual(1);
    const p50 = deployment!.analysis!.metrics!.find((m) => m.name === 'latency-p50')!;
    expect(p50.classification).toBe('High');
    expect(p50.effect.estimate).toBeGreaterThan(1.2);
  });

  it('api: blue-green waits for approval, then promotes', async () => {
    const digest = push(handle, 'api', 'v2', 'healthy');
    const token = await approvalToken('api');
    // While it waits, production has not moved.
    expect(Object.values(await weights(handle, 'api'))).toEqual([100, 0]);
    await handle.clients.sfn.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' }));
    expect((await finished(handle, 'api', digest)).status).toBe('SUCCEEDED');
  });

  it('api: blue-green rejected at approval ends Aborted, production untouched', async () => {
    const before = await weights(handle, 'api');
    const digest = push(handle, 'api', 'v3', 'healthy');
    const token = await approvalToken('api');
    await handle.clients.sfn.send(
      new SendTaskFailureCommand({
        taskToken: token,
        error: 'DeploymentAborted',
        cause: 'rejected by operator:test',
      }),
    );
    const execution = await finished(handle, 'api', digest);
    expect(execution.error).toBe('Aborted');
    expect(await weights(handle, 'api')).toEqual(before);
    expect((await ledger(handle, 'api')).records.at(-1)).toMatchObject({
      type: 'Aborted',
      detail: { reason: { kind: 'operator' } },
    });
  });

  it('a restart in idle time keeps the ledger, the services and the weights, and deploys again', async () => {
    const ledgers = { web: await ledger(handle, 'web'), api: await ledger(handle, 'api') };
    const sets = await taskSets(handle, 'web');
    const webWeights = await weights(handle, 'web');
    const before = await loadBalancerRequests();
    await handle.stop();
    // The metric data lives beside state.json (metrics/), not in it.
    const saved = JSON.parse(readFileSync(join(handle.dataDir, 'state.json'), 'utf8')) as {
      cloudwatch: object;
      metricJournal: object;
    };
    expect(saved.cloudwatch).not.toHaveProperty('metrics');
    expect(Object.keys(saved.metricJournal).length).toBeGreaterThan(0);
    handle = await startCloud({ port, catalogPath: DEMO_CATALOG, speed: 300, dataDir: handle.dataDir });

    // Every minute of traffic measured before the restart is still there, unchanged.
    expect(before.Timestamps.length).toBeGreaterThan(10);
    const [newest, oldest] = [before.Timestamps.at(0)!, before.Timestamps.at(-1)!];
    expect(await loadBalancerRequests(oldest, newest)).toEqual(before);

    for (const service of ['web', 'api'] as const) {
      const after = await ledger(handle, service);
      expect(after.records).toEqual(ledgers[service].records);
      expect(after.verified).toMatchObject({ ok: true });
    }
    expect(await taskSets(handle, 'web')).toEqual(sets);
    expect(await weights(handle, 'web')).toEqual(webWeights);
    const digest = push(handle, 'web', 'v4', 'healthy');
    expect((await finished(handle, 'web', digest)).status).toBe('SUCCEEDED');
  });
});
