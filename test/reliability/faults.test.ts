// Fault injection: deployments of every pattern, with healthy and broken images, while the
// local AWS endpoint throttles, fails with 500s or answers late on 10% of requests. Every
// deployment must end promoted or rolled back, none stuck; a healthy image is promoted unless an
// alarm stops it (one still in ALARM from the broken release before it); at rest each service
// runs the release its ledger says, with all traffic on it, no other task set, no lock held, and
// a ledger chain that verifies.

import { DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verify } from '../../shared/domain/ledger.js';
import { freePort } from '../../harness/emulators.js';
import { writeFleetCatalog } from '../../harness/generated-catalog.js';
import { push, startCloud, until, weights, type CloudHandle } from '../../harness/local-cloud.js';
import { report, SIZE } from './size.js';

const PROFILES = ['healthy', 'faulty', 'healthy', 'crashing', 'healthy', 'unhealthy'] as const;
let handle: CloudHandle;

beforeAll(async () => {
  // 60x, not the 300x of other local tests: the SDK's retry back-off and slow answers take
  // real time, and at 300x a few seconds of them are longer than a lock's 15-minute margin.
  handle = await startCloud({
    port: await freePort(),
    catalogPath: writeFleetCatalog(SIZE.services),
    speed: 60,
  });
});
afterAll(async () => {
  handle.cloud.setFaults(null);
  await handle.stop();
});

type Outcome = 'promoted' | 'rolled-back' | 'aborted' | 'refused';
interface Ended {
  outcome: Outcome;
  /** Why a deployment that was not promoted ended: its reason's kind, or `none` if it has none. */
  stoppedBy?: string;
}
const reasons: string[] = [];

/** Pushes one image and waits until its deployment has ended and the service is free. */
async function deployOnce(service: string, round: number, profile: string): Promise<Ended> {
  const digest = push(handle, service, `r${round}`, profile);
  const prefix = `${service}-${digest.replace('sha256:', '').slice(0, 12)}`;
  let outcome: Outcome | null = null;
  let stoppedBy: string | undefined;
  await until(
    async () => {
      if ((await handle.clients.locks.holder(service)) !== null) return false;
      const found = await handle.clients.deployments.listByService(service, 5);
      const mine = found.find((d) => d.deploymentId.startsWith(prefix));
      if (mine === undefined) {
        const execution = [...handle.cloud.stepFunctions.snapshot()].find((e) => e.name.startsWith(prefix));
        if (execution !== undefined && execution.status !== 'RUNNING') outcome = 'refused';
        return outcome !== null;
      }
      if (mine.status === 'running') return false;
      outcome = mine.status;
      if (outcome !== 'promoted') stoppedBy = mine.reason?.kind ?? 'none';
      if (profile === 'healthy' && outcome !== 'promoted')
        reasons.push(`${service}: ${mine.reason?.message}`);
      return true;
    },
    `the deployment of ${service} ${profile} in round ${round} to end`,
    180_000,
  );
  return { outcome: outcome!, ...(stoppedBy === undefined ? {} : { stoppedBy }) };
}

describe('deployments under injected AWS faults', () => {
  it(`${SIZE.services * SIZE.rounds} deployments at a 10% fault rate all end promoted or rolled back, healthy images promoted unless an alarm stopped them, and rest clean`, async () => {
    const injector = handle.cloud.setFaults({ rate: 0.1, slowMs: 50, seed: 42 })!;
    const started = Date.now();
    const services = Object.keys(handle.catalog.services);
    const results: ({ service: string; profile: string } & Ended)[] = [];
    await Promise.all(
      services.map(async (service, s) => {
        for (let round = 0; round < SIZE.rounds; round++) {
          const profile = PROFILES[(s + round) % PROFILES.length]!;
          results.push({ service, profile, ...(await deployOnce(service, round, profile)) });
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    handle.cloud.setFaults(null);

    const count = (test: (r: (typeof results)[number]) => boolean) => results.filter(test).length;
    report('faults', {
      deployments: results.length,
      promoted: count((r) => r.outcome === 'promoted'),
      rolledBack: count((r) => r.outcome === 'rolled-back'),
      aborted: count((r) => r.outcome === 'aborted'),
      healthyPromoted: `${count((r) => r.profile === 'healthy' && r.outcome === 'promoted')}/${count((r) => r.profile === 'healthy')}`,
      healthyRolledBackBecause: reasons,
      requests: injector.requests,
      faults: injector.counts,
      seconds,
    });
    // Every deployment ended promoted or rolled back (aborted: rolled back before traffic moved).
    expect(results.filter((r) => r.outcome === 'refused')).toEqual([]);
    // A broken image is never promoted, faults or not.
    expect(results.filter((r) => r.profile !== 'healthy' && r.outcome === 'promoted')).toEqual([]);
    // A healthy image is promoted. The one safe exception (docs/reliability.md, Known limits): an
    // alarm stops it, such as one still in ALARM from the broken release before it. Faults alone
    // (throttling, 500s, slow answers) never roll a healthy release back.
    const healthy = results.filter((r) => r.profile === 'healthy');
    expect(healthy.filter((r) => r.outcome !== 'promoted' && r.stoppedBy !== 'alarm')).toEqual([]);
    // Most are (99 of 100 in the full run), so the exception cannot pass for the rule.
    expect(healthy.filter((r) => r.outcome === 'promoted').length).toBeGreaterThan(healthy.length / 2);
    expect(injector.counts.throttle + injector.counts.error).toBeGreaterThan(0);

    for (const service of services) await expectAtRest(service);
  }, 1_800_000);
});

async function expectAtRest(service: string): Promise<void> {
  const entry = handle.catalog.services[service]!;
  const state = await handle.clients.serviceStates.get(service);
  const stable = state.stable!;
  expect(await handle.clients.locks.holder(service), `${service} lock`).toBeNull();
  const { taskSets = [] } = await handle.clients.ecs.send(
    new DescribeTaskSetsCommand({ cluster: entry.ecs.cluster, service: entry.ecs.service }),
  );
  expect(
    taskSets.map((t) => ({ status: t.status, id: t.id })),
    `${service} task sets`,
  ).toEqual([{ status: 'PRIMARY', id: stable.taskSetId }]);
  if (entry.strategy !== 'rolling') {
    const live = await weights(handle, service);
    expect(live[stable.targetGroupArn.split('/').at(-2)!], `${service} weights`).toBe(100);
  }
  const records = await handle.clients.ledger.list(service);
  const result = verify(records, { service, ...(state.ledgerHead ? { head: state.ledgerHead } : {}) });
  expect(result, `${service} ledger`).toMatchObject({ ok: true });
}
