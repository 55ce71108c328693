// What an operator does through the HTTP API, end to end on the local cloud
// (test/fixtures/local/scenarios.yml), one service per story:
//   canary     promote (ends a bake early); abort; an alarm during a bake; releases; rollback --to
//   bluegreen  approval; rollback with nothing in progress (no approval asked)
// and then every service's ledger verified. Every request goes over real HTTP with the bearer
// token; state is read back through the API itself, the ledger, Step Functions and ELBv2
// (helpers: test/support/operator-api.ts).
//
// The tests run in order and build on each other. The services before any deployment and the
// linear story are in operator-actions-linear.test.ts, on a cloud of their own.

import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { describe, expect, it } from 'vitest';
import { weights } from '../../harness/local-cloud.js';
import {
  REGISTRY,
  at,
  bakingFor,
  useOperatorCloud,
  statesEntered,
  type ErrorBody,
  type LedgerEntry,
} from '../support/operator-api.js';

const { cloud, digest, api, deploy, waitFor, ended, records, executionsOf, executionArn, history } =
  useOperatorCloud();

describe('canary: promote, abort, an alarm during a bake, releases', () => {
  it('promote ends the bake at once: the next TrafficShifted comes sooner than the bake', async () => {
    const id = await deploy('canary', 2);
    await waitFor(id, bakingFor(150), 'the 10% bake');
    // Not waiting for approval: approve is refused, naming where it is.
    const approve = await api<ErrorBody>('POST', `/deployments/${id}/approve`, {});
    expect(approve.status).toBe(409);
    expect(approve.body.error).toEqual({
      code: 'Conflict',
      message: `deployment ${id} is not waiting for approval (it is at: bake)`,
    });

    const response = await api('POST', `/deployments/${id}/promote`, {});
    expect(response).toEqual({
      status: 200,
      body: {
        accepted: true,
        deploymentId: id,
        action: 'promote',
        effect: "the bake's token was answered (ended early): the next step begins",
      },
    });
    expect((await ended(id)).status).toBe('promoted');
    const release = (await records('canary')).filter((r) => r.release === 2);
    const shifts = release.filter((r) => r.type === 'TrafficShifted');
    expect(shifts.map((r) => r.detail.weights!.candidate)).toEqual([10, 100]);
    expect(release.map((r) => r.type)).toEqual([
      'ReleaseStarted',
      'TrafficShifted',
      'OperatorAction',
      'TrafficShifted',
      'Promoted',
    ]);
    // The canary's bake is 300 s; promoted, the 100% step came long before it would have ended.
    expect(at(shifts[1]!) - at(shifts[0]!)).toBeLessThan(300_000);
    expect(at(shifts[1]!) - at(release[2]!)).toBeLessThan(30_000);
  });

  it('abort rolls back at once; the reason is the operator named by X-Cutover-Actor', async () => {
    const id = await deploy('canary', 3);
    await waitFor(id, bakingFor(150), 'the 10% bake');
    const response = await api('POST', `/deployments/${id}/abort`, { reason: 'error budget' }, 'operator:cy');
    expect(response).toEqual({
      status: 200,
      body: {
        accepted: true,
        deploymentId: id,
        action: 'abort',
        effect: "the bake's token was failed: the deployment rolls back",
      },
    });

    const end = await ended(id);
    expect(end).toMatchObject({
      status: 'rolled-back',
      reason: { kind: 'operator', message: 'aborted by operator:cy: error budget' },
      execution: { status: 'FAILED', error: 'RolledBack' },
    });
    const release = (await records('canary')).filter((r) => r.release === 3);
    expect(release.find((r) => r.type === 'OperatorAction')).toMatchObject({
      actor: 'operator:cy',
      detail: { action: 'abort', reason: 'error budget' },
    });
    expect(release.at(-1)).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { kind: 'operator', message: 'aborted by operator:cy: error budget' } },
    });
    // Production is back on release 2's task set, all of it.
    const live = await api<{ live: { release: number } }>('GET', '/services/canary');
    expect(live.body.live.release).toBe(2);
    expect(Object.values(await weights(cloud(), 'canary')).sort()).toEqual([0, 100]);

    // Ended: every action is now a conflict that says so.
    for (const action of ['approve', 'promote', 'abort']) {
      const late = await api<ErrorBody>('POST', `/deployments/${id}/${action}`, {});
      expect(late.status).toBe(409);
      expect(late.body.error).toMatchObject({
        code: 'Conflict',
        message: expect.stringContaining('has ended (rolled-back)'),
      });
    }
  });

  it('an alarm going to ALARM during a bake starts the rollback within one second of real time', async () => {
    const id = await deploy('canary', 4);
    await waitFor(id, bakingFor(150), 'the 10% bake');
    const arn = await executionArn(id);

    const changed = performance.now();
    await cloud().clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'canary-5xx-rate',
        StateValue: 'ALARM',
        StateReason: 'test: the candidate answers 5xx',
      }),
    );
    let rollbackEntered: number | undefined;
    while (performance.now() - changed < 5_000) {
      if (statesEntered(await history(id, arn)).includes('RollBack')) {
        rollbackEntered = performance.now();
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(rollbackEntered, 'the execution entered RollBack').toBeDefined();
    expect(rollbackEntered! - changed).toBeLessThan(1000);

    const end = await ended(id);
    expect(end).toMatchObject({
      status: 'rolled-back',
      reason: { kind: 'alarm', alarmName: 'canary-5xx-rate' },
      execution: { error: 'RolledBack' },
    });
    // In simulated time too, the bake ended long before its 300 s.
    const release = (await records('canary')).filter((r) => r.release === 4);
    const [shift, rolledBack] = [release.find((r) => r.type === 'TrafficShifted')!, release.at(-1)!];
    expect(rolledBack).toMatchObject({
      type: 'RolledBack',
      detail: { reason: { alarmName: 'canary-5xx-rate' } },
    });
    expect(at(rolledBack) - at(shift)).toBeLessThan(300_000);

    await cloud().clients.cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: 'canary-5xx-rate', StateValue: 'OK', StateReason: 'test: done' }),
    );
  });

  it('GET /services/{name}/releases: one entry per deployment, newest first, with outcome and reason', async () => {
    const response = await api<{
      service: string;
      releases: {
        release: number;
        image: string | null;
        trigger: string | null;
        actor: string | null;
        startedAt: string;
        outcome: string;
        reason: { kind: string; alarmName?: string } | null;
        records: LedgerEntry[];
      }[];
    }>('GET', '/services/canary/releases');

    expect(response.status).toBe(200);
    expect(response.body.service).toBe('canary');
    const releases = response.body.releases;
    expect(releases.map((r) => [r.release, r.outcome, r.reason?.kind ?? null])).toEqual([
      [4, 'rolled-back', 'alarm'],
      [3, 'rolled-back', 'operator'],
      [2, 'promoted', null],
      [1, 'promoted', null],
    ]);
    expect(releases[0]!.reason).toMatchObject({ alarmName: 'canary-5xx-rate' });
    expect(releases.slice(0, 3).map((r) => r.image)).toEqual(
      [4, 3, 2].map((n) => `${REGISTRY}/canary@${digest(n)}`),
    );
    expect(releases.slice(0, 3).every((r) => r.trigger === 'api' && r.actor === 'operator:ana')).toBe(true);
    // Every record once, each in its own release's group.
    const all = (await records('canary')).map((r) => r.seq);
    expect(releases.flatMap((r) => r.records.map((x) => x.seq)).sort((a, b) => a - b)).toEqual(all);
    for (const r of releases) expect(r.records.every((x) => x.release === r.release)).toBe(true);
    const started = releases.map((r) => Date.parse(r.startedAt));
    expect([...started].sort((a, b) => b - a)).toEqual(started);
  });

  it('rollback --to a release that was never promoted → 409 naming how it ended, and nothing is written', async () => {
    const before = await records('canary');
    const response = await api<ErrorBody>('POST', '/services/canary/rollback', { to: 3 });
    expect(response.status).toBe(409);
    expect(response.body.error).toEqual({
      code: 'NotPromoted',
      message:
        'release 3 of canary was rolled back (aborted by operator:cy: error budget); ' +
        'roll back to a release that was promoted: 2, 1',
    });
    expect(await records('canary')).toEqual(before);
    expect((await executionsOf('canary')).filter((e) => e.status === 'RUNNING')).toEqual([]);
  });
});

describe('bluegreen: approval, and rollback with nothing in progress', () => {
  it('waits for approval with production untouched; approve resumes it and it is promoted', async () => {
    const before = await weights(cloud(), 'bluegreen');
    const id = await deploy('bluegreen', 2);
    const waiting = await waitFor(
      id,
      (d) => d.status === 'running' && d.phase === 'approval',
      'the approval',
    );
    expect(waiting).toMatchObject({
      status: 'running',
      phase: 'approval',
      weights: { stable: 100, candidate: 0 },
    });
    expect(waiting.steps!.find((s) => s.state === 'current')).toMatchObject({ kind: 'approval' });
    expect(await weights(cloud(), 'bluegreen')).toEqual(before);

    const response = await api(
      'POST',
      `/deployments/${id}/approve`,
      { reason: 'contract tests green' },
      'operator:di',
    );
    expect(response).toEqual({
      status: 200,
      body: {
        accepted: true,
        deploymentId: id,
        action: 'approve',
        effect: "the approval's token was answered: production traffic starts moving to the new release",
      },
    });
    const end = await ended(id);
    expect(end).toMatchObject({ status: 'promoted', approval: null, execution: { status: 'SUCCEEDED' } });
    const release = (await records('bluegreen')).filter((r) => r.release === 2);
    expect(release.find((r) => r.type === 'OperatorAction')).toMatchObject({
      actor: 'operator:di',
      detail: { action: 'approve', reason: 'contract tests green' },
    });
    expect(release.at(-1)!.type).toBe('Promoted');
  });

  it('rollback with no deployment in progress: a new release of the previous image, trigger rollback, no approval', async () => {
    const releaseOne = (await records('bluegreen')).find(
      (r) => r.type === 'ReleaseStarted' && r.release === 1,
    )!;
    const response = await api<{ deploymentId: string; image: string; strategy: string; status: string }>(
      'POST',
      '/services/bluegreen/rollback',
      { reason: 'release 2 is slow' },
      'operator:ed',
    );
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({
      accepted: true,
      action: 'rollback',
      effect: "took bluegreen's lock and started a new release that redeploys release 1",
      image: releaseOne.detail.image,
      strategy: 'all-at-once',
      status: 'starting',
    });
    const id = response.body.deploymentId;

    // Nobody approves: it must not ask.
    const end = await ended(id);
    expect(end).toMatchObject({
      status: 'promoted',
      release: 3,
      trigger: 'rollback',
      actor: 'operator:ed',
      execution: { status: 'SUCCEEDED' },
    });
    expect(statesEntered(await history(id))).not.toContain('WaitForApproval');
    const all = await records('bluegreen');
    const started = all.findIndex((r) => r.type === 'ReleaseStarted' && r.release === 3);
    // The operator's request is recorded before the release it opens.
    expect(all[started - 1]).toMatchObject({
      type: 'OperatorAction',
      actor: 'operator:ed',
      detail: { action: 'rollback', target: 1, reason: 'release 2 is slow' },
    });
    expect(all[started]!.detail).toEqual({
      image: releaseOne.detail.image,
      strategy: 'all-at-once',
      trigger: 'rollback',
      rollbackOf: 1,
    });
    // Recorded by the rollback's own first step: it belongs to that deployment and its release.
    expect(all[started - 1]).toMatchObject({ deploymentId: all[started]!.deploymentId, release: 3 });
    const live = await api<{ live: { release: number; image: string } }>('GET', '/services/bluegreen');
    expect(live.body.live).toMatchObject({ release: 3, image: releaseOne.detail.image });
  });
});

describe('the ledger after all of it', () => {
  it('GET /services/{name}/verify: every service’s chain is intact', async () => {
    for (const service of Object.keys(cloud().catalog.services)) {
      const response = await api<{ service: string; ok: boolean; count: number; head: { seq: number } }>(
        'GET',
        `/services/${service}/verify`,
      );
      const length = (await records(service)).length;
      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ service, ok: true, count: length, head: { seq: length } });
    }
  });
});
