// Canary analysis end to end on the local cloud: the judge reads the simulated load
// balancer's metrics through CloudWatch GetMetricData. A healthy image passes; a slow
// one, which no alarm notices, is rolled back by the analysis; with lenient thresholds
// the slow one is marginal, waits for a person, and goes on when approved.

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
  type CloudHandle,
} from '../../harness/local-cloud.js';

const CATALOG = new URL('../fixtures/local/analysis.yml', import.meta.url).pathname;

let handle: CloudHandle;

beforeAll(async () => {
  // Enough requests that a minute's error rate on 20% of the traffic is not mostly zeros.
  handle = await startCloud({ port: await freePort(), catalogPath: CATALOG, requestsPerSecond: 200 });
});

afterAll(async () => {
  await handle?.stop();
});

const completed = (service: string) =>
  handle.cloud.events
    .recent(1000)
    .map((r) => r.event)
    .filter((e) => e['detail-type'] === 'Analysis Completed' && e.detail.service === service)
    .map(
      (e) =>
        e.detail as {
          final: boolean;
          classification: string;
          score: number;
          verdict: string;
          failedMetrics: string[];
        },
    )
    .reverse();

describe('canary analysis on the local cloud', () => {
  it('a healthy image passes analysis and is promoted', async () => {
    const digest = push(handle, 'judged', 'v2', 'healthy');
    const execution = await finished(handle, 'judged', digest);
    expect(execution.status).toBe('SUCCEEDED');
    expect(completed('judged')).toEqual([
      expect.objectContaining({ final: true, classification: 'Pass', score: 100, verdict: 'continue' }),
    ]);
    const { records } = await ledger(handle, 'judged');
    expect(records.at(-1)).toMatchObject({ type: 'Promoted', release: 2 });
  });

  it('a slow image with no extra errors is rolled back by the analysis, not by an alarm', async () => {
    const stable = await taskSets(handle, 'judged');
    const digest = push(handle, 'judged', 'v3', 'slow');
    const execution = await finished(handle, 'judged', digest);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    expect(execution.cause).toContain('latency-p50');
    const { records, verified } = await ledger(handle, 'judged');
    expect(verified).toMatchObject({ ok: true });
    expect(records.at(-1)).toMatchObject({
      type: 'RolledBack',
      release: 3,
      detail: { reason: { kind: 'analysis', score: 50, failedMetrics: ['latency-p50'] } },
    });
    expect(completed('judged').at(-1)).toMatchObject({ classification: 'Fail', verdict: 'roll back' });
    // The 5xx alarm never fired: the slow image has no more errors than the old one.
    expect(await alarmHistory(handle, 'judged-5xx-rate')).not.toContain('Alarm updated from OK to ALARM');
    expect(await taskSets(handle, 'judged')).toEqual(stable);
  });

  it('a marginal result pauses the deployment; approved, it goes on to promotion', async () => {
    const digest = push(handle, 'marginal', 'v2', 'slow');
    // The push's deployment, whose id is named from the push event.
    let id = '';
    await until(
      async () => {
        const [newest] = await handle.clients.deployments.listByService('marginal', 1);
        id = newest?.image.endsWith(digest) === true ? newest.deploymentId : '';
        return newest?.approval !== undefined && id !== '';
      },
      'the marginal deployment to wait for a person',
      60_000,
    );
    const waiting = (await handle.clients.deployments.get(id))!;
    expect(waiting).toMatchObject({
      status: 'running',
      phase: 'approval (analysis marginal)',
      weights: { stable: 80, candidate: 20 },
      analysis: { final: true, classification: 'Marginal', score: 50, failedMetrics: ['latency-p50'] },
    });
    const approved = await fetch(`${handle.cloud.apiEndpoint}/deployments/${id}/approve`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${handle.cloud.token}`,
        'content-type': 'application/json',
        'x-cutover-actor': 'operator:test',
      },
      body: JSON.stringify({ reason: 'latency budget allows it' }),
    });
    expect(approved.status).toBe(200);
    const execution = await finished(handle, 'marginal', digest);
    expect(execution.status).toBe('SUCCEEDED');
    const { records } = await ledger(handle, 'marginal');
    expect(records.map((r) => r.type).slice(-4)).toEqual([
      'TrafficShifted',
      'OperatorAction',
      'TrafficShifted',
      'Promoted',
    ]);
  });
});
