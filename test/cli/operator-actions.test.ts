// approve, promote --full and abort end to end, through the API of a real local cloud
// (test/support/cli.ts), each on its own service of the scenarios catalog; and what the
// ledger records of each: the operator, the action and the reason.

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { operatorActor } from '../../cli/api-client.js';
import type { LedgerRecord } from '../../shared/domain/ledger.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';
import { ledger, until } from '../../harness/local-cloud.js';

let cloud: CliCloud;

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  cloud = await startCliCloud();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.stop();
});

describe('operator actions', () => {
  it('approve lets a blue-green deployment waiting for approval go on; approving twice is a 409', async () => {
    const image = cloud.pushed('bluegreen', 'v2');
    const waiting = cloud.cutover(['deploy', 'bluegreen', '--image', image, '--wait', '--json']);
    let id = '';
    await until(async () => {
      const view = JSON.parse((await cloud.cutover(['status', 'bluegreen', '--json'])).stdout) as {
        deploymentId?: string;
        approval?: unknown;
      };
      id = view.deploymentId ?? '';
      return view.approval !== undefined && view.approval !== null;
    }, 'the blue-green deployment to wait for approval');
    const status = await cloud.cutover(['status', 'bluegreen']);
    expect(status.stdout).toContain(`${id}: bluegreen release 2, blue-green, running (approval)`);
    expect(status.stdout).toContain(`cutover approve ${id}`);

    const approved = await cloud.cutover(['approve', id, '--reason', 'test listener looks right']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toContain(`Approved ${id}`);
    // deploy --wait --json prints one document: the deployment as it ended.
    const run = await waiting;
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ deploymentId: id, status: 'promoted', image });

    const { records } = await ledger(cloud.handle, 'bluegreen');
    expect(records.find((r) => r.type === 'OperatorAction')).toMatchObject({
      actor: operatorActor(),
      detail: { action: 'approve', reason: 'test listener looks right' },
    });
    const again = await cloud.cutover(['approve', id]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`cutover: deployment ${id} has ended (promoted)`);
  });

  it('promote --full takes a linear deployment straight to 100%; a second deploy meanwhile is a 409', async () => {
    const id = await cloud.deploy('linear', cloud.pushed('linear', 'v2'));
    await cloud.untilRunning(id, (view) => view.phase === 'bake' && view.weights.candidate >= 10);

    const status = await cloud.cutover(['status', 'linear']);
    expect(status.stdout).toContain(`${id}: linear release 2, linear, running (bake)`);
    const busy = await cloud.cutover(['deploy', 'linear', '--image', cloud.pushed('linear', 'v3')]);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`cutover: linear is being deployed by ${id}; wait for it, or abort it`);

    const promoted = await cloud.cutover(['promote', id, '--full', '--reason', 'hotfix']);
    expect(promoted.code, promoted.stderr).toBe(0);
    expect(promoted.stdout).toContain(`Promoting ${id} fully`);
    expect((await cloud.cutover(['status', id, '--watch'])).code).toBe(0);

    const records = ((await ledger(cloud.handle, 'linear')).records as unknown as LedgerRecord[]).filter(
      (r) => r.deploymentId === id,
    );
    const shifts = records.flatMap((r) => (r.type === 'TrafficShifted' ? [r.detail.weights.candidate] : []));
    // Straight to 100 from an early step: most of the ten 10% steps never happened.
    expect(shifts.at(-1)).toBe(100);
    expect(shifts.at(-2)).toBeLessThan(50);
    expect(records).toContainEqual(
      expect.objectContaining({
        type: 'OperatorAction',
        detail: expect.objectContaining({ action: 'promote-full', reason: 'hotfix' }),
      }),
    );
    // In simulated time, far less than the schedule's 9 minutes of shifts and bakes.
    const at = (type: string) => Date.parse(records.find((r) => r.type === type)!.at);
    expect(at('Promoted') - at('ReleaseStarted')).toBeLessThan(5 * 60_000);
    await cloud.untilExecutionEnded(id);
  });

  it('abort rolls a deployment back: deploy --wait exits 1 with the operator as the reason', async () => {
    const waiting = cloud.cutover(['deploy', 'rolling', '--image', cloud.pushed('rolling', 'v2'), '--wait']);
    let id = '';
    await until(async () => {
      const running = (await cloud.cutover(['status', 'rolling', '--json'])).stdout;
      id = (JSON.parse(running) as { deploymentId?: string; status?: string }).deploymentId ?? '';
      return id !== '';
    }, 'the rolling deployment to run');

    const aborted = await cloud.cutover(['abort', id, '--reason', 'wrong build']);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain(`Aborting ${id}`);
    const run = await waiting;
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(`✗ ${id} (rolled back|aborted): aborted by operator:\\S+: wrong build`),
    );
    expect(['rolled-back', 'aborted']).toContain((await cloud.viewOf(id)).status);
    await cloud.untilExecutionEnded(id);
  });
});
