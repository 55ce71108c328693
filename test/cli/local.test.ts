import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Output } from '../../cli/output.js';
import { writeEndpoints } from '../../local/endpoints.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, type CloudHandle } from '../../harness/local-cloud.js';

const root = new URL('../..', import.meta.url).pathname;

function capture(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { json, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

describe('cutover local push', () => {
  let handle: CloudHandle;
  beforeAll(async () => {
    handle = await startCloud({ port: await freePort() });
    writeEndpoints(handle.dataDir, { aws: handle.cloud.endpoint, api: handle.cloud.apiEndpoint });
  });
  afterAll(async () => {
    await handle?.stop();
  });

  it('pushes an image with its profile and prints the digest', async () => {
    const io = capture(true);
    expect(
      await main(
        [
          'local',
          'push',
          'rolling:v7',
          '--profile',
          'slow',
          '--data',
          handle.dataDir,
          '--wait',
          '0',
          '--json',
        ],
        io,
      ),
    ).toBe(0);
    const result = JSON.parse(io.stdout.join('\n')) as { digest: string; profile: string };
    expect(result.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(handle.cloud.ecr.profileOf(`x/rolling@${result.digest}`).name).toBe('slow');
  });

  it.each([
    [['local', 'push', 'web'], 'one <repository>:<tag>'],
    [['local', 'push', 'Web:v2'], 'one <repository>:<tag>'],
    [['local', 'push', 'web:v2', 'api:v2'], 'one <repository>:<tag>'],
    [['local', 'push', 'web:v2', '--profile', 'flaky'], 'unknown profile "flaky"'],
    [['local', 'fly'], 'local takes start, push or time'],
  ])('exits 2 for %j', async (args, words) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
  });

  it('exits 2 for a repository the catalog does not name', async () => {
    const io = capture();
    expect(await main(['local', 'push', 'batch:v1', '--data', handle.dataDir], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain("repository with name 'batch' does not exist");
  });

  it('exits 1 and says how to start the local cloud when none answers', async () => {
    const io = capture();
    const data = mkdtempSync(join(tmpdir(), 'cutover-none-'));
    const port = await freePort();
    writeEndpoints(data, { aws: `http://127.0.0.1:${port}`, api: `http://127.0.0.1:${port}` });
    writeFileSync(join(data, 'token'), 'x'.repeat(43));
    expect(await main(['local', 'push', 'web:v2', '--data', data], io)).toBe(1);
    expect(io.stderr.join('\n')).toContain('npm start');
  });
});

describe('cutover local start', () => {
  it('refuses a broken catalog with every problem, exit 2, and creates no data folder', () => {
    const data = join(mkdtempSync(join(tmpdir(), 'cutover-start-')), 'data');
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'cli/cutover.mjs'),
        'local',
        'start',
        '--catalog',
        join(root, 'test/fixtures/catalog/broken.yml'),
        '--data',
        data,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(
      'services.web.schedule.steps[2].weight: must be greater than the previous step',
    );
    expect(existsSync(data)).toBe(false);
  });

  it.each([
    [['local', 'start', '--speed', '0'], '--speed must be a positive number'],
    [['local', 'start', 'now'], 'takes no arguments'],
  ])('exits 2 for %j', async (args, words) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
  });
});
