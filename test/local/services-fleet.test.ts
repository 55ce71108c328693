// GET /services for a fleet of 100 services on the local cloud, with the api function held to its
// role: the answer costs a handful of AWS calls (counted from the IAM decisions, one per call and
// table or alarm set), not three per service, and says what the per-service reads say.

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Decision } from '../../local/iam/authorizer.js';
import { bakingDeployment } from '../support/deployment-fixture.js';
import { freePort } from '../../harness/emulators.js';
import { writeFleetCatalog } from '../../harness/generated-catalog.js';
import { callApi, startCloud, type CloudHandle } from '../../harness/local-cloud.js';

const FLEET = 100;
const NOW = Date.now();
const REPO = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

interface Summary {
  name: string;
  alarms: { name: string; state: string }[];
  live: { release: number; image: string } | null;
  deployment: { deploymentId: string; status: string; weights: unknown } | null;
}

let handle: CloudHandle;
let catalogPath: string;
const decisions: Decision[] = [];

beforeAll(async () => {
  catalogPath = writeFleetCatalog(FLEET);
  handle = await startCloud({ port: await freePort(), catalogPath, speed: 1 });
  handle.cloud.iam.onDecision((d) => decisions.push(d));
}, 120_000);

afterAll(async () => {
  await handle?.stop();
  rmSync(dirname(catalogPath), { recursive: true, force: true });
});

/** Every seventh service gets a new live release; every ninth a running deployment holding its lock. */
async function seed(services: string[]): Promise<void> {
  const { serviceStates, deployments, locks } = handle.clients;
  for (const [i, service] of services.entries()) {
    if (i % 7 === 0) {
      await serviceStates.setStable(service, {
        release: i + 1,
        image: `${REPO}/${service}@sha256:${String(i).padStart(64, '0')}`,
        taskSetId: `ecs-svc/${i}`,
        taskDefinitionArn: `arn:aws:ecs:us-east-1:000000000000:task-definition/${service}:${i + 1}`,
        targetGroupArn: handle.catalog.services[service]!.traffic.targetGroups[0],
      });
    }
    if (i % 9 === 0) {
      const deployment = bakingDeployment({
        deploymentId: `dep-fleet-${i}`,
        service,
        release: i + 2,
        image: `${REPO}/${service}@sha256:${String(i + 1).padStart(64, '0')}`,
        strategy: handle.catalog.services[service]!.strategy,
        trigger: 'api',
        actor: 'operator:test',
        status: i % 2 === 0 ? 'running' : 'promoted',
        startedAt: NOW,
        updatedAt: NOW,
      });
      await deployments.create(deployment);
      await locks.acquire(service, deployment.deploymentId, NOW + 3_600_000, NOW);
    }
  }
}

describe(`GET /services for ${FLEET} services`, () => {
  it('costs at most 5 AWS calls and answers as the per-service reads do', async () => {
    const services = Object.keys(handle.catalog.services);
    expect(services).toHaveLength(FLEET);
    await seed(services);

    decisions.length = 0;
    const { status, body } = await callApi<{ services: Summary[] }>(handle, 'GET', '/services');
    expect(status).toBe(200);
    const calls = decisions.filter((d) => d.principal.fn === 'api');
    expect(calls.every((d) => d.allowed)).toBe(true);
    const byAction = new Map<string, number>();
    for (const d of calls)
      byAction.set(d.authorization.action, (byAction.get(d.authorization.action) ?? 0) + 1);
    // States and locks (100 keys each), the deployments holding locks, and the 100 alarms.
    expect(Object.fromEntries(byAction)).toEqual({
      'dynamodb:BatchGetItem': 3,
      'cloudwatch:DescribeAlarms': 1,
    });
    expect(calls.length).toBeLessThanOrEqual(5);

    expect(body.services.map((s) => s.name)).toEqual(services);
    for (const summary of body.services) {
      const state = await handle.clients.serviceStates.get(summary.name);
      const holder = await handle.clients.locks.holder(summary.name);
      const active = holder === null ? null : await handle.clients.deployments.get(holder.deploymentId);
      expect(summary.live?.release ?? null).toBe(state.stable?.release ?? null);
      expect(summary.live?.image ?? null).toBe(state.stable?.image ?? null);
      expect(summary.deployment?.deploymentId ?? null).toBe(
        active?.status === 'running' ? active.deploymentId : null,
      );
      // Every alarm was found (an alarm DescribeAlarms did not return would be UNKNOWN).
      expect(summary.alarms).toEqual([
        { name: `${summary.name}-5xx-rate`, state: expect.not.stringMatching(/UNKNOWN/) },
      ]);
    }
    // The local cloud gives every service a first release; the seeded ones show the one set here.
    expect(body.services.filter((s, i) => i % 7 === 0 && s.live?.release === i + 1)).toHaveLength(15);
    expect(body.services.filter((s) => s.deployment !== null)).toHaveLength(6);
  }, 120_000);
});
