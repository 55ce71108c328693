// The approval window on the local cloud is a person's real time. At 600x a one-minute window
// closed after a tenth of a real second, so a person reading the README could never approve:
// now it is still open long after that, the API says how many real seconds are left, and
// `approve` goes through. (Its timing out after the real minute: approval-real-time in
// test/statemachines, on a fake wall clock.)

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort } from '../../harness/emulators.js';
import { finished, push, SCENARIOS, startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

const SPEED = 600;
/** The catalog's shortest approval window. */
const TIMEOUT_SECONDS = 60;

let handle: CloudHandle;

interface View {
  status: string;
  phase: string;
  approval: { expiresAt: string; secondsLeft: number } | null;
}

/** The scenario catalog's blue-green service alone, with a one-minute approval window. */
function catalogFile(): string {
  const all = parse(readFileSync(SCENARIOS, 'utf8')) as { version: number; services: Record<string, object> };
  const bluegreen = {
    ...all.services.bluegreen,
    approval: { required: true, timeoutSeconds: TIMEOUT_SECONDS },
  };
  const path = join(mkdtempSync(join(tmpdir(), 'cutover-approval-')), 'catalog.yml');
  writeFileSync(path, stringify({ version: all.version, services: { bluegreen } }));
  return path;
}

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), catalogPath: catalogFile(), speed: SPEED });
});

afterAll(async () => {
  await handle?.stop();
});

async function api(path: string, body?: unknown) {
  const response = await fetch(`${handle.cloud.apiEndpoint}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {
      authorization: `Bearer ${handle.cloud.token}`,
      'content-type': 'application/json',
      'x-cutover-actor': 'operator:test',
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as View };
}

describe('an approval wait on the local cloud at 600x', () => {
  it('is still open ten times its simulated length later, shows real seconds left, and takes approve', async () => {
    const digest = push(handle, 'bluegreen', 'v2', 'healthy');
    let id = '';
    await until(async () => {
      const [newest] = await handle.clients.deployments.listByService('bluegreen', 1);
      id = newest?.approval !== undefined ? newest.deploymentId : '';
      return id !== '';
    }, 'the deployment to wait for approval');
    // The window on the simulated clock would have closed ten times over.
    await new Promise((resolve) => setTimeout(resolve, ((10 * TIMEOUT_SECONDS) / SPEED) * 1000));
    const waiting = await api(`/deployments/${id}`);
    expect(waiting.body).toMatchObject({ status: 'running', phase: 'approval' });
    const { requestedAt, expiresAt } = (await handle.clients.deployments.get(id))!.approval!;
    expect(expiresAt - requestedAt).toBe(TIMEOUT_SECONDS * SPEED * 1000);
    expect(waiting.body.approval?.expiresAt).toBe(new Date(expiresAt).toISOString());
    expect(waiting.body.approval?.secondsLeft).toBeGreaterThan(TIMEOUT_SECONDS - 20);
    expect(waiting.body.approval?.secondsLeft).toBeLessThanOrEqual(TIMEOUT_SECONDS - 1);

    const announced = handle.cloud.events
      .recent(100)
      .map((r) => r.event)
      .find((e) => e['detail-type'] === 'Approval Needed');
    expect(announced?.detail).toMatchObject({ expiresAt: new Date(expiresAt).toISOString() });

    const approved = await api(`/deployments/${id}/approve`, { reason: 'read the README slowly' });
    expect(approved.status).toBe(200);
    expect((await finished(handle, 'bluegreen', digest)).status).toBe('SUCCEEDED');
  });
});
