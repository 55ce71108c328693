// Starting an existing data folder with a catalog that changed: the folder is made with
// linear and canary (in a process of its own), then started here with linear and allatonce.
// allatonce is created as a first start creates a service (release 1 live and on the record,
// healthy, with traffic and metrics), linear keeps working (a push is deployed and promoted),
// and canary, which the catalog no longer names, is left alone with a warning naming it.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioSubset } from '../support/catalog-subset.js';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  finished,
  ledger,
  push,
  requestsServed,
  startCloud,
  stopCleanly,
  taskSets,
  until,
  type CloudHandle,
} from '../../harness/local-cloud.js';

const FIRST_START = new URL('../support/first-start.ts', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'cutover-catalog-change-'));
const dataDir = join(scratch, 'data');
const lines: string[] = [];
let handle: CloudHandle;

beforeAll(async () => {
  const before = scenarioSubset(scratch, 'before', ['linear', 'canary']);
  const made = spawnSync(process.execPath, ['--import', 'tsx', FIRST_START, before, dataDir], {
    encoding: 'utf8',
    timeout: 90_000,
  });
  if (made.status !== 0) throw new Error(`the first start failed:\n${made.stdout}\n${made.stderr}`);

  const catalogPath = scenarioSubset(scratch, 'after', ['linear', 'allatonce']);
  handle = await startCloud({
    port: await freePort(),
    dataDir,
    catalogPath,
    log: (line) => lines.push(line),
  });
}, 180_000);

afterAll(async () => {
  await stopCleanly(handle);
  rmSync(scratch, { recursive: true, force: true });
});

const requests = (service: string) => requestsServed(handle, service);

type Listed = { services: { name: string; health: string; live: { release: number } | null }[] };

describe('a catalog that adds a service', () => {
  it('creates it as a first start would: release 1 live and recorded, serving, healthy', async () => {
    expect(lines).toContain('the catalog adds allatonce: created with release 1, as on a first start');
    expect(await taskSets(handle, 'allatonce')).toEqual([
      expect.objectContaining({ status: 'PRIMARY', targetGroup: 'allatonce-a' }),
    ]);
    expect((await handle.clients.serviceStates.get('allatonce')).stable?.release).toBe(1);
    const { records, verified } = await ledger(handle, 'allatonce');
    expect(records.map((r) => r.type)).toEqual(['ReleaseStarted', 'Promoted']);
    expect(verified).toMatchObject({ ok: true, count: 2 });

    await until(async () => (await requests('allatonce')) > 0, 'traffic and metrics for allatonce');
    await until(async () => {
      const listed = await callApi<Listed>(handle, 'GET', '/services');
      const added = listed.body.services.find((s) => s.name === 'allatonce');
      return added?.health === 'ok' && added.live?.release === 1;
    }, 'GET /services to list allatonce healthy, on release 1');
  }, 60_000);

  it('leaves the services it had working: a push of linear is deployed and promoted', async () => {
    expect((await handle.clients.serviceStates.get('linear')).stable?.release).toBe(1);
    const digest = push(handle, 'linear', 'v2', 'healthy');
    const execution = await finished(handle, 'linear', digest, 90_000);
    expect(execution.status).toBe('SUCCEEDED');
    expect((await handle.clients.serviceStates.get('linear')).stable?.release).toBe(2);
    expect((await ledger(handle, 'linear')).verified).toMatchObject({ ok: true });
  }, 120_000);
});

describe('a catalog that no longer names a service', () => {
  it('leaves its resources alone and warns, naming it', async () => {
    const warning = lines.find((line) => line.includes('no longer names'));
    expect(warning).toContain('scenarios/canary');
    expect(warning).not.toContain('linear');
    const canary = handle.cloud.ecs.state.services.find((s) => s.serviceName === 'canary');
    expect(canary?.status).toBe('ACTIVE');
    expect(handle.cloud.ecs.state.taskSets.filter((t) => t.serviceArn === canary?.serviceArn)).toHaveLength(
      1,
    );
    expect((await ledger(handle, 'canary')).records.map((r) => r.type)).toEqual([
      'ReleaseStarted',
      'Promoted',
    ]);
    expect(lines.filter((line) => line.startsWith('tick failed'))).toEqual([]);
  });
});
