// The demo's smoke-test hook, end to end on the local cloud `npm start` runs: web's
// BeforeAllowTraffic hook is examples/hooks/web-smoke-test.ts, registered by the demo catalog's
// `local.functions` and invoked through the local Lambda by run-hook, as on AWS. It reaches the
// new task set through the test listener rule on the local load balancer.

import { GetExecutionHistoryCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_CATALOG } from '../../cli/commands/local.js';
import { main } from '../../cli/main.js';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  finished,
  ledger,
  push,
  startCloud,
  weights,
  type CloudHandle,
} from '../../harness/local-cloud.js';
import { PROFILES } from '../../local/world/profiles.js';
import { capture } from '../support/cli.js';

let handle: CloudHandle;
const logged: string[] = [];

beforeAll(async () => {
  handle = await startCloud({
    port: await freePort(),
    catalogPath: DEMO_CATALOG,
    speed: 300,
    log: (line) => logged.push(line),
  });
});

afterAll(async () => {
  await handle?.stop();
});

/** The deployment id of a push's execution (its name without the attempt's suffix is its id's start). */
async function deploymentOf(service: string, digest: string): Promise<string> {
  const prefix = `${service}-${digest.replace('sha256:', '').slice(0, 12)}`;
  const found = (await handle.clients.deployments.listByService(service, 5)).find((d) =>
    d.deploymentId.startsWith(prefix),
  );
  if (found === undefined) throw new Error(`no deployment of ${service} for ${digest}`);
  return found.deploymentId;
}

async function status(deploymentId: string): Promise<string> {
  const io = capture();
  const args = [
    'status',
    deploymentId,
    '--endpoint',
    handle.cloud.apiEndpoint,
    '--token',
    handle.cloud.token,
  ];
  await main(args, io);
  return io.stdout.join('\n');
}

describe("the demo's smoke-test hook", () => {
  it('is registered at start: no hook of the demo lacks its function', () => {
    expect(logged.filter((line) => line.includes('does not run'))).toEqual([]);
    expect(handle.cloud.lambda.knows('web-smoke-test')).toBe(true);
  });

  // Rolled back before any production traffic moved: Cutover calls that ending Aborted.
  it('web: local push --profile smoke-fails is rolled back at BeforeAllowTraffic, quoting the hook, before any production traffic', async () => {
    const digest = push(handle, 'web', 'v2', 'smoke-fails');
    const execution = await finished(handle, 'web', digest);
    const failure = PROFILES['smoke-fails'].smokeFailure;
    expect(execution.error, execution.cause).toBe('Aborted');
    expect(execution.cause).toContain('BeforeAllowTraffic');
    expect(execution.cause).toContain(failure);
    const rolledBack = (await ledger(handle, 'web')).records.at(-1)!;
    expect(rolledBack).toMatchObject({
      type: 'Aborted',
      detail: { reason: { kind: 'hook', hook: 'BeforeAllowTraffic' } },
    });
    const reason = (rolledBack.detail.reason as { message: string }).message;
    expect(reason).toMatch(
      /^hook BeforeAllowTraffic \(web-smoke-test\) failed: smoke test: GET \/smoke answered 500 from task /,
    );
    expect(reason).toContain(failure);
    // The test listener reached the new tasks; production never did.
    expect(Object.values(await weights(handle, 'web'))).toEqual([100, 0]);
    const history = await handle.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn }),
    );
    const entered = history.events!.flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
    expect(entered).toContain('AllowTestTraffic');
    expect(entered).toContain('RollBack');
    expect(entered).not.toContain('ShiftTraffic');
    const shown = await status(await deploymentOf('web', digest));
    expect(shown).toContain('aborted');
    expect(shown).toMatch(/✗ run hook BeforeAllowTraffic: web-smoke-test .*— hook BeforeAllowTraffic/);
  });

  it('web: local push --profile healthy passes the hook, shown done by status, and is promoted', async () => {
    const digest = push(handle, 'web', 'v3', 'healthy');
    const execution = await finished(handle, 'web', digest);
    expect(execution.status, execution.cause).toBe('SUCCEEDED');
    expect((await ledger(handle, 'web')).records.at(-1)).toMatchObject({ type: 'Promoted', release: 3 });
    const history = await handle.clients.sfn.send(
      new GetExecutionHistoryCommand({ executionArn: execution.executionArn }),
    );
    // The hook ran, and its state was left for the first shift: it passed.
    const names = history.events!.flatMap((e) => e.stateEnteredEventDetails?.name ?? []);
    expect(names.slice(names.indexOf('BeforeAllowTraffic'), names.indexOf('BeforeAllowTraffic') + 2)).toEqual(
      ['BeforeAllowTraffic', 'ShiftTraffic'],
    );
    const deploymentId = await deploymentOf('web', digest);
    const { body } = await callApi<{ steps: { kind: string; hook?: string; state: string }[] }>(
      handle,
      'GET',
      `/deployments/${deploymentId}`,
    );
    expect(body.steps.find((s) => s.kind === 'hook')).toMatchObject({
      hook: 'BeforeAllowTraffic',
      state: 'done',
    });
    expect(await status(deploymentId)).toMatch(/✓ run hook BeforeAllowTraffic: web-smoke-test/);
  });
});
