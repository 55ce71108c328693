// What an operator does through the HTTP API, end to end on the local cloud
// (test/fixtures/local/scenarios.yml): the services before any deployment, then the linear
// story: two concurrent starts of one service, status while starting and running, an abort
// before traffic moves (allatonce), promote --full, and actions on a finished deployment.
// Every request goes over real HTTP with the bearer token; state is read back through the API
// itself, the ledger, Step Functions and ELBv2 (helpers: test/support/operator-api.ts).
//
// The tests run in order and build on each other. The canary and blue-green stories are in
// operator-actions-canary-bluegreen.test.ts, on a cloud of their own.

import { describe, expect, it } from 'vitest';
import { weights } from '../../harness/local-cloud.js';
import {
  REGISTRY,
  at,
  bakingFor,
  useOperatorCloud,
  statesEntered,
  type DeploymentView,
  type ErrorBody,
} from '../support/operator-api.js';

const { cloud, digest, api, deploy, view, waitFor, ended, records, executionsOf, history } =
  useOperatorCloud();

describe('services before any deployment', () => {
  it('GET /services lists every service of the catalog, live on release 1, with no deployment', async () => {
    const response = await api<{
      services: {
        name: string;
        strategy: string;
        live: { release: number; image: string; digest: string } | null;
        deployment: unknown;
      }[];
    }>('GET', '/services');

    expect(response.status).toBe(200);
    expect(response.body.services.map((s) => s.name)).toEqual(Object.keys(cloud().catalog.services));
    for (const service of response.body.services) {
      expect(service.strategy).toBe(cloud().catalog.services[service.name]!.strategy);
      expect(service.live?.release).toBe(1);
      expect(service.live?.image).toMatch(new RegExp(`/${service.name}@sha256:[0-9a-f]{64}$`));
      expect(service.live?.image.endsWith(`@${service.live.digest}`)).toBe(true);
      expect(service.deployment).toBeNull();
    }
  });

  it('GET /services/{name} gives the catalog settings, the live release, the alarms with their states', async () => {
    const response = await api<Record<string, unknown>>('GET', '/services/bluegreen');

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      name: 'bluegreen',
      strategy: 'blue-green',
      live: { release: 1 },
      deployment: null,
      settings: { approval: { required: true }, bakeSeconds: 120 },
      alarms: [{ name: 'bluegreen-5xx-rate', state: 'OK' }],
      recentDeployments: [],
    });
  });
});

describe('linear: starting, running, promote --full', () => {
  let running: string;
  let runningImage: string;

  it('two concurrent POST /deployments of one service: exactly one deployment runs', async () => {
    const images = [1, 2].map((n) => `${REGISTRY}/linear@${digest(n)}`);
    const [first, second] = await Promise.all(
      images.map((image) =>
        api<{ deploymentId?: string; image?: string } & Partial<ErrorBody>>('POST', '/deployments', {
          service: 'linear',
          image,
        }),
      ),
    );
    const answers = [first!, second!];
    const accepted = answers.filter((a) => a.status === 202).map((a) => a.body.deploymentId!);
    const outcome = accepted.length === 1 ? 'one 409' : 'one refused';

    if (outcome === 'one 409') {
      // The second request saw the first one's lock.
      const refused = answers.find((a) => a.status !== 202)!;
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'DeploymentInProgress' });
      expect(refused.body.error!.message).toContain(accepted[0]);
      running = accepted[0]!;
    } else {
      // Both were accepted before either execution took the lock: the one that did not get
      // it ends `refused`, failed by its Busy state with DeploymentInProgress.
      expect(accepted).toHaveLength(2);
      const settled = await Promise.all(
        accepted.map((id) => waitFor(id, (d) => d.status !== 'starting', 'it settles')),
      );
      const refused = settled.filter((d) => d.status === 'refused');
      expect(refused).toHaveLength(1);
      expect(refused[0]!.execution).toMatchObject({ status: 'FAILED', error: 'DeploymentInProgress' });
      expect(refused[0]!.execution!.cause).toMatch(/linear is being deployed by linear-/);
      expect(statesEntered(await history(refused[0]!.deploymentId))).toContain('Busy');
      running = settled.find((d) => d.status === 'running')!.deploymentId;
      expect(refused[0]!.execution!.cause).toContain(running);
    }
    expect(['one 409', 'one refused']).toContain(outcome);
    runningImage = answers.find((a) => a.body.deploymentId === running)!.body.image!;
    expect(images).toContain(runningImage);
    const records = await cloud().clients.deployments.listByService('linear', 10);
    expect(records.map((d) => [d.deploymentId, d.status])).toEqual([[running, 'running']]);
    const executions = await executionsOf('linear');
    expect(executions.filter((e) => e.status === 'RUNNING').map((e) => e.name)).toEqual([running]);
  });

  it('GET /deployments/{id} while running: phase, steps done/current/pending, weights, bake, alarms', async () => {
    // A third request while linear is busy is refused up front: the lock is visible now.
    const busy = await api<ErrorBody>('POST', '/deployments', {
      service: 'linear',
      image: `${REGISTRY}/linear@${digest(3)}`,
    });
    expect(busy.status).toBe(409);
    expect(busy.body.error.code).toBe('DeploymentInProgress');
    expect(busy.body.error.message).toContain(running);

    const d = await waitFor(running, bakingFor(5), 'a bake');
    expect(d).toMatchObject({
      deploymentId: running,
      service: 'linear',
      release: 2,
      image: runningImage,
      strategy: 'linear',
      status: 'running',
      phase: 'bake',
      trigger: 'api',
      actor: 'operator:ana',
      approval: null,
      reason: null,
      alarms: [{ name: 'linear-5xx-rate', state: 'OK' }],
      execution: { status: 'RUNNING', error: null, cause: null },
    });
    expect(d.weights!.stable + d.weights!.candidate).toBe(100);
    expect(d.weights!.candidate).toBeGreaterThanOrEqual(10);
    expect(d.bake!.secondsLeft).toBeGreaterThan(0);
    expect(d.bake!.secondsLeft).toBeLessThanOrEqual(60);
    expect(Date.parse(d.bake!.endsAt)).toBeGreaterThan(Date.parse(d.updatedAt!));
    // Steps: everything before the current one done, everything after it pending.
    const states = d.steps!.map((s) => s.state);
    const current = states.indexOf('current');
    expect(states.filter((s) => s === 'current')).toHaveLength(1);
    expect(states.slice(0, current).every((s) => s === 'done')).toBe(true);
    expect(states.slice(current + 1).every((s) => s === 'pending')).toBe(true);
    expect(d.steps![current]!.kind).toBe('bake');
    // The bake follows the shift to the weight production is at now.
    expect(d.steps![current - 1]).toMatchObject({
      kind: 'shift',
      weight: d.weights!.candidate,
      state: 'done',
    });
    expect(d.steps!.filter((s) => s.kind === 'shift').map((s) => s.weight)).toEqual([
      10, 20, 30, 40, 50, 60, 70, 80, 90, 100,
    ]);

    const services = await api<{ services: { name: string; deployment: unknown }[] }>('GET', '/services');
    expect(services.body.services.find((s) => s.name === 'linear')!.deployment).toMatchObject({
      deploymentId: running,
      status: 'running',
    });
  });

  it('GET /deployments/{id} right after the 202 answers starting, then running; aborted before traffic moves', async () => {
    // The deployment above is still running: start one of another service and read it at once.
    const id = await deploy('allatonce', 1);
    const seen: DeploymentView[] = [];
    while (seen.at(-1)?.status !== 'running' && seen.length < 500) seen.push(await view(id));
    const statuses = seen.map((d) => d.status);
    // `starting` while the execution has not taken the lock yet: it writes the record last.
    expect(statuses.join(' ')).toMatch(/^(starting )+running$/);
    expect(seen[0]).toEqual({
      deploymentId: id,
      status: 'starting',
      execution: { status: 'RUNNING', error: null, cause: null },
    });
    expect(seen.at(-1)).toMatchObject({ deploymentId: id, status: 'running', release: 2 });

    // Aborted before any production traffic moved: it ends `aborted`, not rolled back.
    const abort = await api('POST', `/deployments/${id}/abort`, { reason: 'wrong build' });
    expect(abort.status).toBe(200);
    const end = await ended(id);
    expect(end).toMatchObject({
      status: 'aborted',
      weights: { stable: 100, candidate: 0 },
      reason: { kind: 'operator', message: 'aborted by operator:ana: wrong build' },
      execution: { status: 'FAILED', error: 'Aborted' },
    });
    expect((await records('allatonce')).at(-1)).toMatchObject({ type: 'Aborted', release: 2 });
  });

  it('promote with full=true goes straight to 100%: the ledger has promote-full, then TrafficShifted 100', async () => {
    const baking = await waitFor(
      running,
      (d) => bakingFor(30)(d) && d.weights!.candidate < 90,
      'a bake below 90%',
    );
    const response = await api(
      'POST',
      `/deployments/${running}/promote`,
      { full: true, reason: 'hotfix' },
      'operator:bo',
    );
    expect(response).toEqual({
      status: 200,
      body: {
        accepted: true,
        deploymentId: running,
        action: 'promote-full',
        effect:
          "the bake's token was answered (ended early): traffic goes to 100% and the release is promoted",
      },
    });

    const end = await ended(running);
    expect(end.status).toBe('promoted');
    expect(end.execution!.status).toBe('SUCCEEDED');
    const release = (await records('linear')).filter((r) => r.release === 2);
    const action = release.findIndex((r) => r.type === 'OperatorAction');
    expect(release[action]).toMatchObject({
      actor: 'operator:bo',
      detail: { action: 'promote-full', reason: 'hotfix' },
    });
    // Right after the action: one shift, to 100%, and nothing else in between.
    expect(release[action + 1]).toMatchObject({
      type: 'TrafficShifted',
      detail: { weights: { candidate: 100 } },
    });
    const before = release.slice(0, action).filter((r) => r.type === 'TrafficShifted');
    expect(before.at(-1)!.detail.weights!.candidate).toBe(baking.weights!.candidate);
    expect(release.slice(action + 1).filter((r) => r.type === 'TrafficShifted')).toHaveLength(1);
    // No bake in between: 100% came well within one step's bake (60 s), and the final bake
    // (120 s) was skipped too.
    expect(at(release[action + 1]!) - at(release[action]!)).toBeLessThan(60_000);
    const promoted = release.find((r) => r.type === 'Promoted')!;
    expect(at(promoted) - at(release[action + 1]!)).toBeLessThan(120_000);
    expect(Object.values(await weights(cloud(), 'linear')).sort()).toEqual([0, 100]);
  });

  it('approve, promote or abort a finished deployment → 409 Conflict saying it has ended', async () => {
    for (const action of ['approve', 'promote', 'abort']) {
      const response = await api<ErrorBody>('POST', `/deployments/${running}/${action}`, {});
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('Conflict');
      expect(response.body.error.message).toMatch(
        new RegExp(`has ended \\(promoted\\); there is nothing to ${action}`),
      );
    }
  });
});
