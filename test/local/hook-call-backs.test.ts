// A lifecycle hook in ECS's contract that answers IN_PROGRESS, end to end on the local cloud:
// run-hook calls the hook's function through Lambda's Invoke, answers its Task's token, and
// schedules each next call on EventBridge Scheduler, whose schedule invokes run-hook as the
// schedules' role, held to IAM like every other call.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  finished,
  push,
  SCENARIOS,
  startCloud,
  stopCleanly,
  type CloudHandle,
} from '../../harness/local-cloud.js';
import type { Decision } from '../../local/iam/authorizer.js';

const folder = mkdtempSync(join(tmpdir(), 'hook-call-backs-'));
const decisions: Decision[] = [];
const calls: { at: number; event: Record<string, unknown> }[] = [];
let handle: CloudHandle;

beforeAll(async () => {
  const catalog = parse(readFileSync(SCENARIOS, 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
  };
  catalog.services.canary!.hooks = { BeforeAllowTraffic: 'canary-smoke' };
  const catalogPath = join(folder, 'catalog.yml');
  writeFileSync(catalogPath, stringify(catalog));
  handle = await startCloud({ port: await freePort(), catalogPath, dataDir: join(folder, 'data') });
  handle.cloud.iam.onDecision((d) => decisions.push(d));
  handle.cloud.lambda.register({
    name: 'canary-smoke',
    timeoutSeconds: 30,
    handler: (event) => {
      calls.push({ at: handle.cloud.clock.now(), event: event as Record<string, unknown> });
      const n = calls.length;
      return n <= 3
        ? { hookStatus: 'IN_PROGRESS', callBackDelay: 20, hookDetails: { checked: n } }
        : { hookStatus: 'SUCCEEDED' };
    },
  });
}, 120_000);

afterAll(async () => {
  await stopCleanly(handle);
  rmSync(folder, { recursive: true, force: true });
});

describe('a hook answering IN_PROGRESS on the local cloud', () => {
  it('is called again by its schedules, with its hookDetails, until it answers SUCCEEDED, and the deployment is promoted', async () => {
    const digest = push(handle, 'canary', 'v2', 'healthy');
    const execution = await finished(handle, 'canary', digest, 120_000);

    expect(execution.status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.event.hookDetails)).toEqual([
      undefined,
      { checked: 1 },
      { checked: 2 },
      { checked: 3 },
    ]);
    // Each call back comes no sooner than its delay on the simulated clock (at 300x, a tick of
    // the local cloud is seconds of it, so a little later).
    for (let i = 1; i < calls.length; i += 1) {
      expect(calls[i]!.at - calls[i - 1]!.at).toBeGreaterThanOrEqual(20_000);
      expect(calls[i]!.at - calls[i - 1]!.at).toBeLessThan(60_000);
    }
    const [record] = await handle.clients.deployments.listByService('canary', 1);
    // The API and `cutover status` show it: passed, after 4 calls.
    const view = await callApi(handle, 'GET', `/deployments/${record!.deploymentId}`);
    expect(view.body.hooks).toEqual([
      expect.objectContaining({ hook: 'BeforeAllowTraffic', status: 'Succeeded', calls: 4, message: null }),
    ]);
    expect(record!.hookResults).toEqual([
      expect.objectContaining({ hook: 'BeforeAllowTraffic', status: 'Succeeded', calls: 4 }),
    ]);
    // As the schedules' role, allowed by its policy: Scheduler invoked run-hook three times.
    const invokedRunHook = decisions.filter(
      (d) =>
        d.authorization.action === 'lambda:InvokeFunction' &&
        d.authorization.resource.endsWith(':function:cutover-local-run-hook'),
    );
    expect(invokedRunHook).toHaveLength(3);
    expect(invokedRunHook.every((d) => d.allowed && d.principal.arn.includes('bake-scheduler'))).toBe(true);
    // And run-hook made the schedules and answered the token, each allowed by its own role.
    const byRunHook = decisions
      .filter((d) => d.principal.fn === 'run-hook')
      .map((d) => [d.authorization.action, d.allowed]);
    expect(byRunHook).toContainEqual(['scheduler:CreateSchedule', true]);
    expect(byRunHook).toContainEqual(['iam:PassRole', true]);
    expect(byRunHook).toContainEqual(['states:SendTaskSuccess', true]);
    expect(byRunHook.filter(([, allowed]) => !allowed)).toEqual([]);
  }, 150_000);
});
