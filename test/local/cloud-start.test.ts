// A local cloud's start and stop, as the process sees them. A start whose stage fails closes
// what the earlier stages opened (no server left listening, the environment as it was) and
// throws that stage's error. Nothing process-wide is changed: each local cloud builds its
// handlers from an environment of its own and gives each call its clock, so two run side by
// side in one process, each deploying through its own endpoint, and process.env stays as it was.
// Two on one data folder are refused, as they would share its tables.

import { existsSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Closers } from '../../local/closers.js';
import { freePort } from '../../harness/emulators.js';
import { callApi, finished, ledger, push, startCloud, type CloudHandle } from '../../harness/local-cloud.js';
import type { WaitingClock } from '../../shared/ports/clock.js';
import { processClock, runWithClock } from '../../shared/runtime/clock.js';

const scratch = mkdtempSync(join(tmpdir(), 'cutover-cloud-start-'));
let port = 0;

beforeAll(async () => {
  port = await freePort();
});

/**
 * TCP servers this process has open: the local cloud's endpoints, dynalite's, and any test's.
 * A closed server's handle goes a turn of the event loop after its close callback: counted after.
 */
async function listeningServers(): Promise<number> {
  await new Promise((resolve) => setTimeout(resolve, 100));
  return process.getActiveResourcesInfo().filter((r) => r === 'TCPServerWrap').length;
}

/**
 * process.env, but for what Powertools sets on itself when a handler first loads it (its user
 * agent, AWS_SDK_UA_APP_ID), as it does on Lambda: that is the handlers' doing, not the local cloud's.
 */
const environmentNow = () => {
  const { AWS_SDK_UA_APP_ID: _userAgent, ...rest } = process.env;
  return rest;
};

async function take(at: number): Promise<Server> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(at, '127.0.0.1', resolve);
  });
  return server;
}

const release = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('a start that fails in a later stage', () => {
  it.each([
    ['the last stage: the HTTP API, its port taken', 'api'],
    ['a middle stage: the AWS endpoint, its port taken', 'aws'],
  ] as const)(
    '%s, closes every server the earlier stages opened, puts the environment back and throws its error',
    async (_, stage) => {
      const apiPort = await freePort();
      const blocker = await take(stage === 'api' ? apiPort : port);
      const environment = environmentNow();
      const servers = await listeningServers();
      const dataDir = join(scratch, `failed-${stage}`);
      try {
        await expect(startCloud({ port, apiPort, dataDir })).rejects.toMatchObject({
          code: 'EADDRINUSE',
          port: stage === 'api' ? apiPort : port,
        });
        // Only the test's own server still listens: dynalite's (and the AWS endpoint's) are closed.
        expect(await listeningServers()).toBe(servers);
        expect(environmentNow()).toEqual(environment);
        // The first start's tables went with it: the next start here is a first start again.
        expect(existsSync(join(dataDir, 'dynamodb'))).toBe(false);
      } finally {
        await release(blocker);
      }
      // The ports are free again, and this process may run a local cloud on them.
      const handle = await startCloud({ port, apiPort, dataDir });
      await handle.stop();
      expect(await listeningServers()).toBe(servers - 1);
      expect(environmentNow()).toEqual(environment);
    },
  );
});

describe('two local clouds running in one process', () => {
  let first: CloudHandle;
  let second: CloudHandle;
  const environment = environmentNow();

  beforeAll(async () => {
    const options = { speed: 300, fixedSpeed: true };
    first = await startCloud({ port, dataDir: join(scratch, 'first'), ...options });
    second = await startCloud({ port: await freePort(), dataDir: join(scratch, 'second'), ...options });
  });

  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  });

  it('build their handlers from environments of their own, and leave process.env as it was', () => {
    expect(first.cloud.endpoint).not.toBe(second.cloud.endpoint);
    expect(first.cloud.environment.AWS_ENDPOINT_URL).toBe(first.cloud.endpoint);
    expect(second.cloud.environment.AWS_ENDPOINT_URL).toBe(second.cloud.endpoint);
    expect(environmentNow()).toEqual(environment);
  });

  it('each deploy through their own endpoint alone, at the same time', async () => {
    const service = 'allatonce';
    const digests = [push(first, service, 'v2', 'healthy'), push(second, service, 'v3', 'healthy')];
    const executions = await Promise.all([
      finished(first, service, digests[0]!),
      finished(second, service, digests[1]!),
    ]);
    expect(executions.map((e) => e.status)).toEqual(['SUCCEEDED', 'SUCCEEDED']);
    // Each release is in its own cloud's ledger alone, signed by that cloud's key: a handler that
    // reached the other endpoint would have written there, or signed with the other's key.
    for (const [own, other, handle] of [
      [digests[0]!, digests[1]!, first],
      [digests[1]!, digests[0]!, second],
    ] as const) {
      const { records, verified } = await ledger(handle, service);
      expect(verified).toMatchObject({ ok: true });
      expect(JSON.stringify(records)).toContain(own);
      expect(JSON.stringify(records)).not.toContain(other);
      // And the HTTP API (a handler too) reads its own cloud's release.
      const answer = await callApi(handle, 'GET', `/services/${service}`);
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.body)).toContain(own);
      expect(JSON.stringify(answer.body)).not.toContain(other);
    }
    expect(environmentNow()).toEqual(environment);
  });

  it("refuse a third on one's data folder, which changes nothing", async () => {
    const servers = await listeningServers();
    await expect(startCloud({ port: 0, dataDir: first.dataDir })).rejects.toMatchObject({
      name: 'DataFolderInvalid',
      message: expect.stringContaining('already runs on the data folder'),
    });
    expect(await listeningServers()).toBe(servers);
    expect(environmentNow()).toEqual(environment);
    const service = Object.keys(first.catalog.services)[0]!;
    expect((await callApi(first, 'GET', `/services/${service}`)).status).toBe(200);
  });

  it("read their own clock in the handlers' calls, and leave the process's clock the system's", async () => {
    // At 300x the simulated clock runs ahead of the wall by 299 s each real second.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const service = Object.keys(first.catalog.services)[0]!;
    const before = first.cloud.clock.now();
    const answer = await callApi<{ now: string }>(first, 'GET', `/services/${service}`);
    const after = first.cloud.clock.now();
    expect(answer.status).toBe(200);
    const apiNow = Date.parse(answer.body.now);
    expect(apiNow).toBeGreaterThanOrEqual(before);
    expect(apiNow).toBeLessThanOrEqual(after);
    expect(apiNow - Date.now()).toBeGreaterThan(200_000);
    // Outside a handler's call, no local cloud's clock: the process's is the system clock.
    expect(Math.abs(processClock.now() - Date.now())).toBeLessThan(1_000);
  });

  it('once stopped, leave the environment as they found it', async () => {
    await first.stop();
    await second.stop();
    expect(environmentNow()).toEqual(environment);
  });
});

describe("the handlers' clock", () => {
  const fixed = (at: number): WaitingClock => ({
    now: () => at,
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms / 1000)),
    speed: 1000,
  });

  it("is each call's own, across awaits and timers, for calls that interleave", async () => {
    const read = async (at: number) =>
      runWithClock(fixed(at), async () => {
        const seen = [processClock.now()];
        await processClock.sleep(20_000);
        seen.push(processClock.now());
        await new Promise((resolve) => setTimeout(resolve, 5));
        seen.push(processClock.now(), processClock.speed ?? 1);
        return seen;
      });
    const [first, second] = await Promise.all([read(1_000), read(2_000)]);
    expect(first).toEqual([1_000, 1_000, 1_000, 1000]);
    expect(second).toEqual([2_000, 2_000, 2_000, 1000]);
  });

  it('is the system clock outside any call', () => {
    runWithClock(fixed(5), () => undefined);
    expect(Math.abs(processClock.now() - Date.now())).toBeLessThan(1_000);
    expect(processClock.speed).toBeUndefined();
  });
});

describe('Closers', () => {
  it('closes newest first, every one even when one fails, and names each failure', async () => {
    const closed: string[] = [];
    const closers = new Closers();
    closers.add('tables', () => void closed.push('tables'));
    closers.add('endpoint', () => Promise.reject(new Error('EBUSY')));
    closers.add('api', () => Promise.resolve(void closed.push('api')));
    await expect(closers.closeAll()).rejects.toMatchObject({
      name: 'CloseFailed',
      message: 'closing endpoint failed: EBUSY',
    });
    expect(closed).toEqual(['api', 'tables']);
    // Each is closed once: a second close has nothing left to close.
    await closers.closeAll();
    expect(closed).toEqual(['api', 'tables']);
  });
});
