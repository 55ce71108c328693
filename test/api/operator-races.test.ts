// Two operator requests sent at once over HTTP on the local cloud: the one that takes
// effect (holds the service's lock, or delivers the task token) answers 2xx saying what it
// did; the other answers 409 and leaves nothing in the ledger.
//   allatonce  two rollbacks at once
//   bluegreen  approve and abort at once while it waits for approval

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import { LocalEcr } from '../../local/aws/ecr.js';
import {
  callApi,
  ledger,
  startCloud,
  stopCleanly,
  until,
  warmHandlers,
  type CloudHandle,
} from '../../harness/local-cloud.js';

/** Simulated seconds per real second, as `npm start`. */
const SPEED = 60;
const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

interface Body {
  deploymentId?: string;
  status?: string;
  phase?: string;
  accepted?: boolean;
  action?: string;
  effect?: string;
  error?: { code: string; message: string };
  execution?: { status: string } | null;
}

interface Entry {
  type: string;
  deploymentId: string;
  actor: string;
  detail: Record<string, unknown>;
}

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), speed: SPEED });
  await warmHandlers(handle);
}, 60_000);

afterAll(() => stopCleanly(handle));

const api = (method: string, path: string, body?: unknown, actor = 'operator:ana') =>
  callApi<Body>(handle, method, path, body, actor);

/** Deploys a new healthy image (pushed untagged first: the local ECR runs only what it holds). */
async function deploy(service: string, tag: string): Promise<string> {
  const digest = handle.cloud.ecr.putImage({
    repositoryName: service,
    imageManifest: LocalEcr.manifest('operator-races', tag, 'healthy'),
  }).image.imageId.imageDigest;
  const answer = await api('POST', '/deployments', { service, image: `${REGISTRY}/${service}@${digest}` });
  expect(answer.status, JSON.stringify(answer.body)).toBe(202);
  return answer.body.deploymentId!;
}

async function waitFor(id: string, test: (d: Body) => boolean, what: string): Promise<Body> {
  let last: Body = {};
  await until(
    async () => {
      last = (await api('GET', `/deployments/${id}`)).body;
      return test(last);
    },
    `${id}: ${what} (last: ${JSON.stringify(last)})`,
  );
  return last;
}

const ended = (d: Body) =>
  d.execution !== undefined && d.execution !== null && d.execution.status !== 'RUNNING';

async function operatorActions(service: string): Promise<Entry[]> {
  const { records, verified } = await ledger(handle, service);
  expect(verified).toMatchObject({ ok: true });
  return (records as unknown as Entry[]).filter((r) => r.type === 'OperatorAction');
}

describe('two rollbacks of one service at once', () => {
  it('one 202 saying it took the lock, one 409; one OperatorAction, for the deployment that ran', async () => {
    const second = await deploy('allatonce', 'v2');
    expect(await waitFor(second, ended, 'it ends')).toMatchObject({ status: 'promoted' });
    const before = await operatorActions('allatonce');

    const answers = await Promise.all(
      ['first', 'second'].map((reason) => api('POST', '/services/allatonce/rollback', { reason })),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const won = answers.find((a) => a.status === 202)!;
    const lost = answers.find((a) => a.status === 409)!;
    expect(won.body).toMatchObject({
      accepted: true,
      action: 'rollback',
      effect: "took allatonce's lock and started a new release that redeploys release 1",
    });
    expect(lost.body.error).toMatchObject({ code: 'DeploymentInProgress' });
    expect(lost.body.error!.message).toContain(won.body.deploymentId);

    expect(await waitFor(won.body.deploymentId!, ended, 'the rollback ends')).toMatchObject({
      status: 'promoted',
    });
    const added = (await operatorActions('allatonce')).slice(before.length);
    expect(added).toMatchObject([
      { deploymentId: won.body.deploymentId, detail: { action: 'rollback', target: 1 } },
    ]);
  });
});

describe('approve and abort at once on an approval wait', () => {
  // Either one wins the wait's token and the other is refused (409, no record), or the approve
  // wins and the abort, arriving as the approved deployment's next step starts, is taken by
  // that step: both took effect (approved, then rolled back), both answer 200, both recorded.
  // Never an answer without its effect, nor a record without one.
  it('every 200 took effect and is recorded once; a 409 left nothing; the end matches', async () => {
    const id = await deploy('bluegreen', 'v2');
    await waitFor(id, (d) => d.status === 'running' && d.phase === 'approval', 'the approval wait');

    const asked = ['approve', 'abort'] as const;
    const answers = await Promise.all([
      api('POST', `/deployments/${id}/approve`, { reason: 'ship it' }, 'operator:di'),
      api('POST', `/deployments/${id}/abort`, { reason: 'hold on' }, 'operator:ed'),
    ]);
    const statuses = answers.map((a) => a.status);
    expect([
      [200, 409],
      [409, 200],
      [200, 200],
    ]).toContainEqual(statuses);
    for (const lost of answers.filter((a) => a.status === 409))
      expect(lost.body.error).toMatchObject({ code: 'Conflict' });
    const accepted = asked.filter((_, i) => statuses[i] === 200);

    const end = await waitFor(id, ended, 'it ends');
    expect(end.status).toBe(accepted.includes('abort') ? 'aborted' : 'promoted');
    const mine = (await operatorActions('bluegreen')).filter((r) => r.deploymentId === id);
    expect(mine.map((r) => r.detail.action)).toEqual(accepted);
  });
});
