// A rolling deployment aborted in its final bake, when the new task set carries everything
// and the old one is at 0%, rolls back without an outage: the old task set is back at full
// size and healthy before the new one is deleted, so the shared target group always has a
// healthy target and the load balancer serves none of its own 5xx (502/503). Read back as the
// load balancer's CloudWatch metrics, which the local cloud's traffic generator publishes.

import { GetMetricStatisticsCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBalancerDimension } from '../../local/aws/elbv2.js';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  finished,
  push,
  startCloud,
  stopCleanly,
  taskSets,
  until,
  warmHandlers,
  type CloudHandle,
} from '../../harness/local-cloud.js';

let handle: CloudHandle;

beforeAll(async () => {
  // Slower than the default, so the final bake (120 simulated seconds) lasts long enough to abort.
  handle = await startCloud({ port: await freePort(), speed: 60 });
  await warmHandlers(handle);
}, 60_000);

afterAll(async () => {
  await stopCleanly(handle);
});

/** Sum of a load balancer metric over simulated minutes [from, to), and how many minutes had data. */
async function loadBalancerSum(metric: string, from: number, to: number) {
  const [group] = handle.catalog.services.rolling!.traffic.targetGroups;
  const loadBalancer = loadBalancerDimension(handle.cloud.elb.loadBalancerOf(group)!);
  const answer = await handle.clients.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricName: metric,
      Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancer }],
      StartTime: new Date(from),
      EndTime: new Date(to),
      Period: 60,
      Statistics: ['Sum'],
    }),
  );
  const points = answer.Datapoints ?? [];
  return { sum: points.reduce((total, p) => total + (p.Sum ?? 0), 0), minutes: points.length };
}

describe('rolling rollback from the final bake', () => {
  it('puts the old task set back without the load balancer serving a 5xx of its own', async () => {
    const start = handle.cloud.clock.now();
    const digest = push(handle, 'rolling', 'v2', 'healthy');
    let id: string | undefined;
    await until(async () => {
      const [deployment] = await handle.clients.deployments.listByService('rolling', 1);
      id = deployment?.phase === 'final bake' ? deployment.deploymentId : undefined;
      return id !== undefined;
    }, 'the final bake');
    const aborted = await callApi(handle, 'POST', `/deployments/${id}/abort`, { reason: 'capacity test' });
    expect(aborted.status).toBe(200);

    const execution = await finished(handle, 'rolling', digest);
    expect(execution.status).toBe('FAILED');
    expect(execution.error).toBe('RolledBack');
    const after = await taskSets(handle, 'rolling');
    expect(after).toHaveLength(1);
    expect(after[0]!.status).toBe('PRIMARY');

    // Metrics are published once their minute is over: wait for the minute after the rollback.
    const end = handle.cloud.clock.now();
    await until(() => handle.cloud.clock.now() > end + 120_000, 'two more simulated minutes');
    const requests = await loadBalancerSum('RequestCount', start - 60_000, end + 60_000);
    expect(requests.minutes).toBeGreaterThan(0);
    expect(requests.sum).toBeGreaterThan(0);
    const elb5xx = await loadBalancerSum('HTTPCode_ELB_5XX_Count', start - 60_000, end + 60_000);
    expect(elb5xx.sum).toBe(0);
  }, 120_000);
});
