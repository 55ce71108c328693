// What an operator does through the HTTP API, end to end on the local cloud
// (test/fixtures/local/scenarios.yml): start deployments, watch them, approve, promote,
// abort, roll back, read releases and verify the ledger. Every request goes over real HTTP
// with the bearer token; state is read back through the API itself, the ledger, Step
// Functions and ELBv2.
//
// The tests run in order and build on each other, one service per story:
//   linear     two concurrent starts; status while starting and running; promote --full
//   canary     promote (ends a bake early); abort; an alarm during a bake; releases; rollback --to
//   bluegreen  approval; rollback with nothing in progress (no approval asked)

import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetExecutionHistoryCommand, ListExecutionsCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/emulators.js';
import { LocalEcr } from '../../local/aws/ecr.js';
import {
  callApi,
  ledger,
  startCloud,
  stopCleanly,
  warmHandlers,
  weights,
  type CloudHandle,
} from '../support/local-cloud.js';

/**
 * Simulated seconds per real second: `npm start`'s default. A Task's TimeoutSeconds (60 s)
 * is then a real second, which a handler on a busy machine needs; and a bake lasts long
 * enough to act on over HTTP (a linear step's 60 s bake is one real second).
 */
const SPEED = 60;
const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';
/**
 * Image n's digest, pushed untagged to every repository the first time (the local ECR stops tasks
 * whose image it does not hold; an untagged push starts no deployment).
 */
const digests = new Map<number, string>();
const digest = (n: number): string => {
  let found = digests.get(n);
  if (found === undefined) {
    // One manifest for every repository, so image n has one digest wherever it is pushed.
    const imageManifest = LocalEcr.manifest('operator-actions', `image-${n}`, 'healthy');
    for (const repositoryName of ['linear', 'canary', 'allatonce', 'bluegreen', 'rolling']) {
      found = handle.cloud.ecr.putImage({
        repositoryName,
        imageManifest,
      }).image.imageId.imageDigest;
    }
    digests.set(n, found!);
  }
  return found!;
};

interface DeploymentView {
  deploymentId: string;
  service?: string;
  release?: number;
  image?: string;
  strategy?: string;
  status: 'starting' | 'running' | 'promoted' | 'rolled-back' | 'aborted' | 'refused';
  phase?: string;
  trigger?: string;
  actor?: string;
  weights?: { stable: number; candidate: number };
  bake: { endsAt: string; secondsLeft: number } | null;
  approval: { expiresAt: string } | null;
  alarms?: { name: string; state: string }[];
  steps?: { kind: string; weight?: number; state: 'done' | 'current' | 'pending' }[];
  reason: { kind: string; message: string; alarmName?: string } | null;
  execution: { status: string; error: string | null; cause: string | null } | null;
  startedAt?: string;
  updatedAt?: string;
}

interface ErrorBody {
  error: { code: string; message: string };
}

interface LedgerEntry {
  seq: number;
  type: string;
  release: number;
  actor: string;
  at: string;
  deploymentId: string;
  detail: Record<string, unknown> & { weights?: { stable: number; candidate: number } };
}

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), speed: SPEED });
  await warmUp();
}, 60_000);

afterAll(() => stopCleanly(handle));

async function warmUp(): Promise<void> {
  const results = await warmHandlers(handle);
  // A handler given nothing must not have done anything with it.
  expect(results.map((r) => r.status)).toEqual(results.map(() => 'rejected'));
}

function api<T = unknown>(method: string, path: string, body?: unknown, actor = 'operator:ana') {
  return callApi<T>(handle, method, path, body, actor);
}

async function deploy(service: string, n: number, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await api<{ deploymentId: string }>('POST', '/deployments', {
    service,
    image: `${REGISTRY}/${service}@${digest(n)}`,
    ...extra,
  });
  expect(response.status).toBe(202);
  return response.body.deploymentId;
}

const view = async (id: string) => {
  const response = await api<DeploymentView>('GET', `/deployments/${id}`);
  expect(response.status).toBe(200);
  return response.body;
};

/** Polls GET /deployments/{id} in real time until `test` holds; returns that answer. */
async function waitFor(
  id: string,
  test: (d: DeploymentView) => boolean,
  what: string,
  timeoutMs = 20_000,
): Promise<DeploymentView> {
  const deadline = Date.now() + timeoutMs;
  let last: DeploymentView | undefined;
  while (Date.now() < deadline) {
    last = await view(id);
    if (test(last)) return last;
    if (last.execution !== null && last.execution.status !== 'RUNNING' && last.status !== 'starting') {
      throw new Error(`${id} ended before ${what}: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`timed out waiting for ${id}: ${what}; last answer: ${JSON.stringify(last)}`);
}

/** Until the execution has ended: the answer as GET /deployments/{id} gives it then. */
async function ended(id: string): Promise<DeploymentView> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const d = await view(id);
    if (d.execution !== null && d.execution.status !== 'RUNNING') return d;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${id} did not end`);
}

/** A bake with at least `seconds` of it left: time enough to act on it over HTTP. */
const bakingFor = (seconds: number) => (d: DeploymentView) =>
  d.status === 'running' && d.phase === 'bake' && d.bake !== null && d.bake.secondsLeft >= seconds;

async function records(service: string): Promise<LedgerEntry[]> {
  const { records: list, verified } = await ledger(handle, service);
  expect(verified).toMatchObject({ ok: true });
  return list as unknown as LedgerEntry[];
}

async function executionsOf(service: string) {
  const all = [];
  for (const stateMachineArn of handle.cloud.stepFunctions.machines.keys()) {
    const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    all.push(...(listed.executions ?? []).filter((e) => e.name?.startsWith(`${service}-`)));
  }
  return all;
}

async function executionArn(deploymentId: string): Promise<string> {
  const execution = (await executionsOf(deploymentId.split('-')[0]!)).find((e) => e.name === deploymentId);
  expect(execution, `an execution named ${deploymentId}`).toBeDefined();
  return execution!.executionArn!;
}

async function history(deploymentId: string, arn?: string): Promise<HistoryEvent[]> {
  const answer = await handle.clients.sfn.send(
    new GetExecutionHistoryCommand({
      executionArn: arn ?? (await executionArn(deploymentId)),
      maxResults: 1000,
    }),
  );
  return answer.events ?? [];
}

const statesEntered = (events: HistoryEvent[]) =>
  events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));

const at = (record: LedgerEntry) => Date.parse(record.at);

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
    expect(response.body.services.map((s) => s.name)).toEqual(Object.keys(handle.catalog.services));
    for (const service of response.body.services) {
      expect(service.strategy).toBe(handle.catalog.services[service.name]!.strategy);
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
    const records = await handle.clients.deployments.listByService('linear', 10);
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
    expect(Object.values(await weights(handle, 'linear')).sort()).toEqual([0, 100]);
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
    expect(Object.values(await weights(handle, 'canary')).sort()).toEqual([0, 100]);

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
    await handle.clients.cloudwatch.send(
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

    await handle.clients.cloudwatch.send(
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
    const before = await weights(handle, 'bluegreen');
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
    expect(await weights(handle, 'bluegreen')).toEqual(before);

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
    for (const service of Object.keys(handle.catalog.services)) {
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
