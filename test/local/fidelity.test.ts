// What AWS would do, the local cloud does, on the demo `npm start` runs: an image the registry
// does not hold never runs (its tasks stop with CannotPullContainerError, and the health check
// ends the deployment naming the pull failure); traffic sent to a target group with no targets
// gets the load balancer's own 503s, which the service's 5xx alarm counts.

import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ModifyRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../../cli/commands/local.js';
import { freePort } from '../../harness/emulators.js';
import { ledger, startCloud, taskSets, until, weights, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), catalogPath: DEMO_CATALOG, speed: 300 });
});

afterAll(async () => {
  await handle?.stop();
});

interface DeploymentView {
  status: string;
  reason: { kind: string; message: string } | null;
}

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${handle.cloud.apiEndpoint}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${handle.cloud.token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

describe('an image the local ECR does not hold', () => {
  it('is never promoted: the deployment ends on the health check, naming the pull failure', async () => {
    const { registry } = handle.cloud.ecr;
    // A typo'd digest: the web repository exists, this digest was never pushed to it.
    const image = `${registry}/web@sha256:${'0123456789abcdef'.repeat(4)}`;
    expect(handle.cloud.ecr.holds(image)).toBe(false);
    const created = await api<{ deploymentId: string }>('POST', '/deployments', { service: 'web', image });
    expect(created.status).toBe(202);
    const path = `/deployments/${created.body.deploymentId}`;
    let view: DeploymentView | undefined;
    await until(
      async () => {
        view = (await api<DeploymentView>('GET', path)).body;
        return view.status !== 'running' && view.status !== 'starting';
      },
      'the deployment to end',
      60_000,
    );
    expect(view!.status).toBe('aborted');
    expect(view!.reason?.kind).toBe('health');
    expect(view!.reason?.message).toContain(
      `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${image}`,
    );
    // Production never moved: release 1 still takes all traffic, and it is the only task set left.
    expect(Object.values(await weights(handle, 'web'))).toEqual([100, 0]);
    await until(async () => (await taskSets(handle, 'web')).length === 1, 'the failed task set to go');
    const types = (await ledger(handle, 'web')).records.map((r) => r.type);
    expect(types.filter((t) => t === 'Promoted')).toHaveLength(1);
  });
});

describe("the load balancer's own 5xx", () => {
  it('all traffic to an empty target group puts web-5xx-rate in ALARM within three periods', async () => {
    const { productionListenerRule, targetGroups } = handle.catalog.services.web!.traffic;
    const [blue, green] = targetGroups;
    const state = async () =>
      (await handle.clients.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['web-5xx-rate'] })))
        .MetricAlarms?.[0]?.StateValue;
    await until(async () => (await state()) === 'OK', 'web-5xx-rate to be OK', 30_000);

    // web-green has no targets at rest: its task set was never created.
    const from = handle.cloud.clock.now();
    await handle.clients.elb.send(
      new ModifyRuleCommand({
        RuleArn: productionListenerRule,
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: blue, Weight: 0 },
                { TargetGroupArn: green, Weight: 100 },
              ],
            },
          },
        ],
      }),
    );
    await until(async () => (await state()) === 'ALARM', 'web-5xx-rate to fire', 30_000);
    const alarm = handle.catalog.services.web!.alarms.find((a) => a.name === 'web-5xx-rate');
    const periodMs = (alarm !== undefined && 'periodSeconds' in alarm ? alarm.periodSeconds : 60) * 1000;
    // Three periods, plus 10 s for the local cloud's tick on a loaded machine.
    expect(handle.cloud.clock.now() - from).toBeLessThanOrEqual(3 * periodMs + 10_000);
  });
});
