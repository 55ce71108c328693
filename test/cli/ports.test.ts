// One setting for any port: a local cloud started (as its own process) on other ports and in
// another data folder writes its URLs to <data>/endpoints.json, and every command reaches it
// from --data or $CUTOVER_DATA alone; explicit endpoints still win. The AWS endpoint is on
// 6566 when that is free: a port fetch refuses ("bad port"), which the CLI reaches anyway.

import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientFrom } from '../../cli/api-client.js';
import { localAwsEndpoint } from '../../cli/local-aws-endpoint.js';
import { main } from '../../cli/main.js';
import type { Output } from '../../cli/output.js';
import { dataDirFrom, readEndpoints, writeEndpoints } from '../../local/endpoints.js';
import { freePort } from '../../harness/emulators.js';
import {
  killLeftovers,
  removeDataFolders,
  spawnLocal,
  waitFor,
  type LocalProcess,
} from '../../harness/local-process.js';

function capture(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { json, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** 6566 if nothing listens there, else a free port. */
async function port6566OrFree(): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(6566, '127.0.0.1', () => server.close(() => resolve(true)));
  });
  return free ? 6566 : freePort();
}

describe('a local cloud on other ports, found from its data folder alone', () => {
  let local: LocalProcess;
  let port: number;
  let apiPort: number;
  let started: number;

  beforeAll(async () => {
    port = await port6566OrFree();
    apiPort = await freePort();
    started = Date.now();
    local = spawnLocal(['--speed', '10'], { port, apiPort });
    await waitFor(() => local.stdout().includes('local cloud is running'), 90_000, 'the banner');
  }, 120_000);
  afterAll(async () => {
    local?.signal('SIGTERM');
    await local?.exited;
    killLeftovers();
    removeDataFolders();
  }, 30_000);

  it('writes its URLs to endpoints.json, private to its owner', () => {
    expect(readEndpoints(local.dataDir)).toEqual({
      aws: `http://127.0.0.1:${port}`,
      api: `http://127.0.0.1:${apiPort}`,
    });
    if (process.platform !== 'win32')
      expect(statSync(join(local.dataDir, 'endpoints.json')).mode & 0o777).toBe(0o600);
  });

  it('suggests commands that name its data folder and endpoint', () => {
    const banner = local.stdout();
    expect(banner).toContain(`npx cutover local push web:v2 --profile healthy --data ${local.dataDir}`);
    expect(banner).toContain(`npx cutover status web --watch --data ${local.dataDir}`);
    expect(banner).toContain(`aws --endpoint-url http://127.0.0.1:${port} elbv2`);
  });

  it('answers releases and status with only --data', async () => {
    const releases = capture(true);
    expect(await main(['releases', 'web', '--data', local.dataDir, '--json'], releases)).toBe(0);
    const answer = JSON.parse(releases.stdout.join('\n')) as { service: string; releases: unknown[] };
    expect(answer.service).toBe('web');
    expect(answer.releases.length).toBeGreaterThan(0);
    const status = capture();
    expect(await main(['status', 'web', '--data', local.dataDir], status)).toBe(0);
    expect(status.stdout.join('\n')).toContain('web');
  });

  it('answers status with only CUTOVER_DATA', async () => {
    const before = process.env.CUTOVER_DATA;
    process.env.CUTOVER_DATA = local.dataDir;
    try {
      const io = capture(true);
      expect(await main(['status', 'web', '--json'], io)).toBe(0);
      expect(io.stderr).toEqual([]);
    } finally {
      if (before === undefined) delete process.env.CUTOVER_DATA;
      else process.env.CUTOVER_DATA = before;
    }
  });

  it('lets an explicit --endpoint win over the data folder', async () => {
    const elsewhere = `http://127.0.0.1:${await freePort()}`;
    const io = capture();
    expect(await main(['releases', 'web', '--data', local.dataDir, '--endpoint', elsewhere], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain(`no Cutover API answers at ${elsewhere}`);
  });

  it('pushes to the AWS endpoint (on 6566 when free) with only --data', async () => {
    const io = capture(true);
    expect(await main(['local', 'push', 'web:v2', '--data', local.dataDir, '--json'], io)).toBe(0);
    expect((JSON.parse(io.stdout.join('\n')) as { digest: string }).digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('tells its simulated time with only --data, from the clock it wrote at start', async () => {
    const io = capture(true);
    expect(await main(['local', 'time', '--data', local.dataDir, '--json'], io)).toBe(0);
    const clock = JSON.parse(io.stdout.join('\n')) as { simulated: string; real: string; speed: number };
    expect(clock.speed).toBe(10);
    // Started moments ago at 10×: ahead of the wall clock, by less than 10× the time since.
    const ahead = Date.parse(clock.simulated) - Date.parse(clock.real);
    expect(ahead).toBeGreaterThan(-1000);
    expect(ahead).toBeLessThan(10 * (Date.now() - started));
  });
});

describe('the data folder and its endpoints.json', () => {
  it('takes --data, else CUTOVER_DATA, else .cutover', () => {
    expect(dataDirFrom('a', { CUTOVER_DATA: 'b' })).toBe('a');
    expect(dataDirFrom(undefined, { CUTOVER_DATA: 'b' })).toBe('b');
    expect(dataDirFrom(undefined, {})).toBe('.cutover');
  });

  it('gives the endpoints it names to every command, unless an explicit setting says otherwise', () => {
    const data = mkdtempSync(join(tmpdir(), 'cutover-endpoints-'));
    writeFileSync(join(data, 'token'), 'x'.repeat(64));
    writeEndpoints(data, { aws: 'http://127.0.0.1:6566', api: 'http://127.0.0.1:6600' });
    const api = (values: { data?: string; endpoint?: string }, env: NodeJS.ProcessEnv) =>
      clientFrom(values, env).endpoint.origin;
    expect(api({ data }, {})).toBe('http://127.0.0.1:6600');
    expect(api({}, { CUTOVER_DATA: data })).toBe('http://127.0.0.1:6600');
    expect(api({ data }, { CUTOVER_ENDPOINT: 'http://127.0.0.1:4700' })).toBe('http://127.0.0.1:4700');
    expect(api({ data, endpoint: 'http://127.0.0.1:4800' }, {})).toBe('http://127.0.0.1:4800');
    expect(localAwsEndpoint({ data }, '', {})).toBe('http://127.0.0.1:6566');
    expect(localAwsEndpoint({}, '', { CUTOVER_DATA: data })).toBe('http://127.0.0.1:6566');
    expect(localAwsEndpoint({ data }, '', { CUTOVER_LOCAL_ENDPOINT: 'http://127.0.0.1:4577' })).toBe(
      'http://127.0.0.1:4577',
    );
    expect(localAwsEndpoint({ data, endpoint: 'http://127.0.0.1:4588' }, '', {})).toBe(
      'http://127.0.0.1:4588',
    );
    const empty = mkdtempSync(join(tmpdir(), 'cutover-endpoints-'));
    expect(localAwsEndpoint({ data: empty }, '', {})).toBe('http://127.0.0.1:4566');
  });

  it('reads no endpoints from a folder without the file, or with a file it did not write', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cutover-endpoints-'));
    expect(readEndpoints(folder)).toBeNull();
    writeFileSync(join(folder, 'endpoints.json'), '{"aws": 4566}');
    expect(readEndpoints(folder)).toBeNull();
  });
});

describe('local start and the ports browsers refuse', () => {
  it.each([
    [['--api-port', '6566'], '--api-port 6566 is a port browsers refuse to open'],
    [['--api-port', '10080'], '--api-port 10080 is a port browsers refuse to open'],
    [['--port', '70000'], '--port must be a port number from 0 to 65535'],
    [['--port', 'x'], '--port must be a port number'],
  ])('exits 2 for %j, before anything is created', async (args, words) => {
    const data = join(mkdtempSync(join(tmpdir(), 'cutover-ports-')), 'data');
    const io = capture();
    expect(await main(['local', 'start', '--data', data, ...args], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
  });
});
