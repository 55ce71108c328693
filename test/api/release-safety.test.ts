// Issue 13's reproductions 2 and 3, as written, through the HTTP API on the local cloud:
// release numbers are never reused and a rollback never brings back an image that was not
// promoted (canary); a bad live release can be rolled back while its alarm fires (linear).
// Pushes go through the local ECR and EventBridge, as `cutover local push` does.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  ledger,
  push,
  startCloud,
  stopCleanly,
  until,
  type CloudHandle,
} from '../../harness/local-cloud.js';

/** `npm start`'s speed: a Task's 60 s timeout is a real second, a 5-minute bake five. */
const SPEED = 60;

interface DeploymentView {
  deploymentId: string;
  release?: number;
  image?: string;
  status: string;
  phase?: string;
  trigger?: string;
  weights?: { stable: number; candidate: number };
  execution: { status: string; error: string | null } | null;
  reason?: { kind: string; message: string; alarmName?: string } | null;
}

interface ReleaseView {
  release: number;
  deploymentId: string;
  image: string | null;
  trigger: string | null;
  outcome: string;
}

interface LedgerEntry {
  type: string;
  release: number;
  deploymentId: string;
  actor: string;
  detail: Record<string, unknown>;
}

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), speed: SPEED });
}, 60_000);

afterAll(() => stopCleanly(handle));

const api = <T = unknown>(method: string, path: string, body?: unknown) =>
  callApi<T>(handle, method, path, body, 'operator:ana');

const view = async (id: string) => (await api<DeploymentView>('GET', `/deployments/${id}`)).body;

async function waitFor(id: string, test: (d: DeploymentView) => boolean, what: string) {
  let last: DeploymentView | undefined;
  await until(
    async () => {
      last = await view(id);
      return test(last);
    },
    `${id}: ${what}`,
    30_000,
  ).catch((error: Error) => {
    throw new Error(`${error.message}; last answer: ${JSON.stringify(last)}`);
  });
  return last!;
}

const ended = (id: string) =>
  waitFor(id, (d) => d.execution !== null && d.execution.status !== 'RUNNING', 'the end');

/** The deployment a push started, found by its image among the service's recent deployments. */
async function deploymentOf(service: string, digest: string): Promise<string> {
  let id: string | undefined;
  await until(async () => {
    const { body } = await api<{ recentDeployments: { deploymentId: string; image: string }[] }>(
      'GET',
      `/services/${service}`,
    );
    id = body.recentDeployments.find((d) => d.image.endsWith(`@${digest}`))?.deploymentId;
    return id !== undefined;
  }, `the deployment of ${digest}`);
  return id!;
}

async function pushed(service: string, tag: string, profile = 'healthy') {
  const digest = push(handle, service, tag, profile);
  return { digest, id: await deploymentOf(service, digest) };
}

async function releases(service: string): Promise<ReleaseView[]> {
  const response = await api<{ releases: ReleaseView[] }>('GET', `/services/${service}/releases`);
  expect(response.status).toBe(200);
  return response.body.releases;
}

async function records(service: string): Promise<LedgerEntry[]> {
  const { records: list, verified } = await ledger(handle, service);
  expect(verified).toMatchObject({ ok: true });
  return list as unknown as LedgerEntry[];
}

async function rollback(service: string, body: Record<string, unknown> = {}) {
  const response = await api<{ deploymentId: string; image: string }>(
    'POST',
    `/services/${service}/rollback`,
    body,
  );
  expect(response.status).toBe(202);
  return response.body;
}

describe('reproduction 2: a rollback never deploys an image that was aborted', () => {
  const service = 'canary';
  const digests: Record<string, string> = {};

  it('v2 promoted; vX aborted; rollback; v4 promoted; rollback: every release its own number, vX never again', async () => {
    const v2 = await pushed(service, 'v2');
    digests.v2 = v2.digest;
    expect(await ended(v2.id)).toMatchObject({ status: 'promoted', release: 2 });

    const vX = await pushed(service, 'vX');
    digests.vX = vX.digest;
    await waitFor(vX.id, (d) => d.status === 'running' && d.phase === 'bake', 'the first bake');
    expect((await api('POST', `/deployments/${vX.id}/abort`, { reason: 'wrong build' })).status).toBe(200);
    expect(await ended(vX.id)).toMatchObject({ status: 'rolled-back', release: 3 });

    // The release before the live one (2) that was promoted: the seeded release 1.
    const first = await rollback(service);
    expect(await ended(first.deploymentId)).toMatchObject({
      status: 'promoted',
      release: 4,
      trigger: 'rollback',
    });
    const seeded = (await records(service)).find((r) => r.type === 'Promoted' && r.release === 1)!;
    expect(first.image).toBe(seeded.detail.image);

    const v4 = await pushed(service, 'v4');
    expect(await ended(v4.id)).toMatchObject({ status: 'promoted', release: 5 });

    // Promoted before 5: release 4 (release 1's image), never 3 (vX, rolled back).
    const second = await rollback(service);
    expect(second.image).toBe(seeded.detail.image);
    expect(second.image).not.toContain(digests.vX);
    expect(await ended(second.deploymentId)).toMatchObject({ status: 'promoted', release: 6 });
  }, 120_000);

  it('GET releases: one entry per deployment, numbers unique and decreasing, each with its own outcome', async () => {
    const list = await releases(service);
    expect(list.map((r) => [r.release, r.outcome, r.trigger])).toEqual([
      [6, 'promoted', 'rollback'],
      [5, 'promoted', 'push'],
      [4, 'promoted', 'rollback'],
      [3, 'rolled-back', 'push'],
      [2, 'promoted', 'push'],
      [1, 'promoted', 'console'],
    ]);
    expect(new Set(list.map((r) => r.deploymentId)).size).toBe(list.length);
    const started = (await records(service)).filter((r) => r.type === 'ReleaseStarted');
    expect(started.map((r) => r.release)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('rollback --to a release that was rolled back → 409 naming how it ended, and nothing is written', async () => {
    const before = await records(service);
    const response = await api<{ error: { code: string; message: string } }>(
      'POST',
      `/services/${service}/rollback`,
      { to: 3 },
    );
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('NotPromoted');
    expect(response.body.error.message).toMatch(
      /^release 3 of canary was rolled back \(aborted by operator:ana: wrong build\); roll back to a release that was promoted: 6, 5, 4, 2, 1$/,
    );
    expect(await records(service)).toEqual(before);
  });

  it('rollback --to a release that does not exist → 404', async () => {
    const response = await api<{ error: { code: string } }>('POST', `/services/${service}/rollback`, {
      to: 99,
    });
    expect(response.status).toBe(404);
  });
});

describe('reproduction 3: a bad live release is rolled back while its alarm fires', () => {
  const service = 'linear';

  async function alarmState(name: string): Promise<string | undefined> {
    const { body } = await api<{ alarms: { name: string; state: string }[] }>('GET', `/services/${name}`);
    return body.alarms.find((a) => a.name === `${name}-5xx-rate`)?.state;
  }

  it('faulty image promoted in full at 10%, its alarm fires; rollback restores the previous promoted release', async () => {
    const good = await pushed(service, 'v2');
    await waitFor(good.id, (d) => d.status === 'running' && (d.weights?.candidate ?? 0) >= 10, '10%');
    await api('POST', `/deployments/${good.id}/promote`, { full: true, reason: 'known good' });
    expect(await ended(good.id)).toMatchObject({ status: 'promoted', release: 2 });

    // A person promotes the faulty release in full at 10%. Its alarm may fire first (the
    // promotion then rolls back, as it must): push another until one is promoted.
    let live: DeploymentView | undefined;
    for (let attempt = 0; attempt < 4 && live?.status !== 'promoted'; attempt++) {
      // After a rolled-back attempt, its alarm must clear first, or the next push is refused.
      if (attempt > 0)
        await until(async () => (await alarmState(service)) === 'OK', 'the 5xx alarm back to OK');
      const faulty = await pushed(service, `v3-${attempt}`, 'faulty');
      await waitFor(faulty.id, (d) => d.status === 'running' && (d.weights?.candidate ?? 0) >= 10, '10%');
      const full = await api('POST', `/deployments/${faulty.id}/promote`, { full: true, reason: 'ship it' });
      expect([200, 409]).toContain(full.status);
      live = await ended(faulty.id);
    }
    expect(live).toMatchObject({ status: 'promoted' });
    const faultyRelease = live!.release!;
    await until(async () => {
      const { body } = await api<{ alarms: { name: string; state: string }[] }>(
        'GET',
        `/services/${service}`,
      );
      return body.alarms.some((a) => a.name === 'linear-5xx-rate' && a.state === 'ALARM');
    }, 'the 5xx alarm of the faulty release');

    // A new image is still refused while the alarm fires (a push, here), naming the way out.
    const next = await pushed(service, 'v4');
    const refused = await ended(next.id);
    expect(refused).toMatchObject({
      status: 'aborted',
      reason: { kind: 'alarm', alarmName: 'linear-5xx-rate' },
    });
    expect(refused.reason!.message).toContain('--override-alarms');
    // An override must say why.
    const bare = await api('POST', '/deployments', {
      service,
      image: `000000000000.dkr.ecr.us-east-1.amazonaws.com/linear@${next.digest}`,
      overrideAlarms: { reason: ' ' },
    });
    expect(bare.status).toBe(422);

    const back = await rollback(service, { reason: '5xx on v3' });
    expect(back.image).toContain(good.digest);
    expect(await ended(back.deploymentId)).toMatchObject({
      status: 'promoted',
      release: faultyRelease + 2,
      trigger: 'rollback',
    });
    const { body } = await api<{ live: { release: number; image: string } }>('GET', `/services/${service}`);
    expect(body.live).toMatchObject({ release: faultyRelease + 2 });
    expect(body.live.image).toContain(good.digest);
    const overridden = (await records(service)).filter((r) => r.type === 'AlarmsOverridden');
    expect(overridden).toMatchObject([
      {
        release: faultyRelease + 2,
        deploymentId: back.deploymentId,
        detail: { alarms: ['linear-5xx-rate'], because: 'rollback', promotedAs: 2 },
      },
    ]);
  }, 120_000);
});
