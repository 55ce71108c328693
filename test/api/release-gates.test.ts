// The catalog's gates through the HTTP API on the local cloud: a request may not choose a
// strategy that skips a gate the catalog requires (issue 13, reproduction 1), an override that
// keeps them waits for approval like the catalog's own strategy, rolling included, and with
// approval.separateApprover the person who started a deployment cannot approve it.
//
// The catalog is test/fixtures/local/scenarios.yml with four eyes turned on for bluegreen
// (test traffic and approval) and rolling (approval added).

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { ListExecutionsCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { LocalEcr } from '../../local/aws/ecr.js';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  ledger,
  SCENARIOS,
  startCloud,
  stopCleanly,
  warmHandlers,
  type CloudHandle,
} from '../../harness/local-cloud.js';

/** `npm start`'s speed: a Task's 60 s timeout is a real second, time enough for a busy machine. */
const SPEED = 60;
const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

interface View {
  deploymentId: string;
  status: string;
  phase?: string;
  actor?: string;
  weights?: { stable: number; candidate: number };
  approval: { expiresAt: string } | null;
  execution: { status: string } | null;
}

interface ErrorBody {
  error: { code: string; message: string; problems?: { path: string; message: string }[] };
}

let handle: CloudHandle;

function fourEyesCatalog(): string {
  const catalog = parse(readFileSync(SCENARIOS, 'utf8')) as {
    services: Record<string, { approval?: Record<string, unknown> }>;
  };
  catalog.services.bluegreen!.approval = { ...catalog.services.bluegreen!.approval, separateApprover: true };
  catalog.services.rolling!.approval = { required: true, timeoutSeconds: 7200, separateApprover: true };
  const path = join(mkdtempSync(join(tmpdir(), 'cutover-gates-')), 'catalog.yml');
  writeFileSync(path, stringify(catalog));
  return path;
}

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), speed: SPEED, catalogPath: fourEyesCatalog() });
  await warmHandlers(handle);
}, 60_000);

afterAll(() => stopCleanly(handle));

function api<T>(method: string, path: string, body: unknown, actor: string) {
  return callApi<T>(handle, method, path, body, actor);
}

/** An image the local ECR holds, pushed untagged (so no push deployment starts). */
function image(service: string, n: number): string {
  const pushed = handle.cloud.ecr.putImage({
    repositoryName: service,
    imageManifest: LocalEcr.manifest(service, `gates-${n}`, 'healthy'),
  });
  return `${REGISTRY}/${service}@${pushed.image.imageId.imageDigest}`;
}

async function waitFor(id: string, test: (v: View) => boolean, what: string): Promise<View> {
  const deadline = Date.now() + 30_000;
  let last: View | undefined;
  while (Date.now() < deadline) {
    last = (await api<View>('GET', `/deployments/${id}`, undefined, 'operator:ana')).body;
    if (test(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${id}: ${what}; last answer: ${JSON.stringify(last)}`);
}

const awaitingApproval = (v: View) => v.status === 'running' && v.phase === 'approval';
const ended = (v: View) => v.execution !== null && v.execution.status !== 'RUNNING';

async function recordsOf(service: string) {
  const { records, verified } = await ledger(handle, service);
  expect(verified).toMatchObject({ ok: true });
  return records as unknown as { type: string; actor: string; detail: Record<string, unknown> }[];
}

async function executionNames(service: string): Promise<string[]> {
  const names: string[] = [];
  for (const stateMachineArn of handle.cloud.stepFunctions.machines.keys()) {
    const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    names.push(
      ...(listed.executions ?? []).flatMap((e) => (e.name?.startsWith(`${service}-`) ? [e.name] : [])),
    );
  }
  return names;
}

describe('the catalog’s gates are a floor', () => {
  it('reproduction 1: bluegreen (test traffic, approval) as rolling is a 422 naming the gate, and nothing starts', async () => {
    const recordsBefore = await recordsOf('bluegreen');
    const response = await api<ErrorBody>(
      'POST',
      '/deployments',
      { service: 'bluegreen', image: image('bluegreen', 1), strategy: 'rolling' },
      'operator:ana',
    );
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('Unprocessable');
    expect(response.body.error.problems).toEqual([
      {
        path: 'strategy',
        message: expect.stringMatching(
          /^strategy rolling would skip test traffic, which the catalog requires of bluegreen \(rolling keeps approval\); .*: blue-green, canary, linear, all-at-once$/,
        ) as unknown,
      },
    ]);
    expect(await executionNames('bluegreen')).toEqual([]);
    expect(await recordsOf('bluegreen')).toEqual(recordsBefore);
  });
});

describe('four eyes (approval.separateApprover)', () => {
  it('an override that keeps every gate (bluegreen all at once) waits; its starter can neither approve nor promote it, and no record is written', async () => {
    const started = await api<{ deploymentId: string; strategy: string }>(
      'POST',
      '/deployments',
      { service: 'bluegreen', image: image('bluegreen', 2), strategy: 'all-at-once' },
      'operator:ana',
    );
    expect(started.status).toBe(202);
    expect(started.body.strategy).toBe('all-at-once');
    const id = started.body.deploymentId;
    const waiting = await waitFor(id, awaitingApproval, 'waiting for approval');
    expect(waiting).toMatchObject({ actor: 'operator:ana', weights: { stable: 100, candidate: 0 } });
    const recordsBefore = await recordsOf('bluegreen');

    for (const [action, body] of [
      ['approve', {}],
      ['promote', {}],
      ['promote', { full: true }],
    ] as const) {
      const refused = await api<ErrorBody>('POST', `/deployments/${id}/${action}`, body, 'operator:ana');
      expect(refused.status, `${action} ${JSON.stringify(body)}`).toBe(403);
      expect(refused.body.error).toEqual({
        code: 'SeparateApproverRequired',
        message: expect.stringContaining(
          `operator:ana started ${id}, and bluegreen's catalog entry requires a separate approver (approval.separateApprover)`,
        ) as unknown,
      });
    }
    expect(await recordsOf('bluegreen')).toEqual(recordsBefore);
    expect(await waitFor(id, awaitingApproval, 'still waiting')).toMatchObject({
      approval: expect.anything() as unknown,
    });

    // The starter may still abort: that approves nothing.
    expect(
      (await api('POST', `/deployments/${id}/abort`, { reason: 'wrong build' }, 'operator:ana')).status,
    ).toBe(200);
    expect(await waitFor(id, ended, 'the end')).toMatchObject({ status: 'aborted' });
  });

  it('rolling waits for approval before its first batch; someone else approves, and it is promoted', async () => {
    const started = await api<{ deploymentId: string }>(
      'POST',
      '/deployments',
      { service: 'rolling', image: image('rolling', 3) },
      'operator:ana',
    );
    expect(started.status).toBe(202);
    const id = started.body.deploymentId;
    await waitFor(id, awaitingApproval, 'waiting for approval');
    // No batch yet: the new task set runs no task, so none of its tasks takes production traffic.
    const { taskSets } = await handle.clients.ecs.send(
      new DescribeTaskSetsCommand({ cluster: 'scenarios', service: 'rolling' }),
    );
    expect(taskSets?.map((s) => [s.status, s.scale?.value])).toEqual([
      ['PRIMARY', 100],
      ['ACTIVE', 0],
    ]);

    expect((await api('POST', `/deployments/${id}/approve`, {}, 'operator:ana')).status).toBe(403);
    const approved = await api('POST', `/deployments/${id}/approve`, { reason: 'reviewed' }, 'operator:ben');
    expect(approved).toEqual({
      status: 200,
      body: {
        accepted: true,
        deploymentId: id,
        action: 'approve',
        effect: "the approval's token was answered: production traffic starts moving to the new release",
      },
    });
    expect(await waitFor(id, ended, 'the end')).toMatchObject({ status: 'promoted', actor: 'operator:ana' });
    const actions = (await recordsOf('rolling')).filter((r) => r.type === 'OperatorAction');
    expect(actions).toEqual([
      expect.objectContaining({
        actor: 'operator:ben',
        detail: expect.objectContaining({ action: 'approve', reason: 'reviewed' }),
      }),
    ]);
  });
});
