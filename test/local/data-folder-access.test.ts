// The data folder is its owner's alone: made 0700 with every file in it 0600 (state.json, the
// token, dynamodb/, kms/, s3/), an older folder tightened at start with a note in the log; and a
// token file that is too short to be secret, or open to other users, is refused at start: exit 2,
// saying how to fix it, before anything is written or listens.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import { SCENARIOS, startCloud } from '../../harness/local-cloud.js';

const CLI = new URL('../../cli/cutover.mjs', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'cutover-data-access-'));
/** Handlers read the endpoint once per process: every start in this file uses this port. */
let port = 0;
const dataDir = join(scratch, 'absent', 'data');
const logged: string[] = [];

beforeAll(async () => {
  port = await freePort();
  const handle = await startCloud({ port, dataDir });
  await handle.stop();
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Every file and folder under `root`, with its permission bits. */
function modes(root: string): { path: string; folder: boolean; mode: number }[] {
  const found: { path: string; folder: boolean; mode: number }[] = [];
  const visit = (path: string) => {
    const stat = statSync(path);
    found.push({ path, folder: stat.isDirectory(), mode: stat.mode & 0o777 });
    if (stat.isDirectory()) for (const entry of readdirSync(path)) visit(join(path, entry));
  };
  visit(root);
  return found;
}

function startCli(dir: string) {
  return spawnSync(
    process.execPath,
    [CLI, 'local', 'start', '--data', dir, '--catalog', SCENARIOS, '--port', '1', '--api-port', '2'],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is created 0700, and every file the local cloud wrote in it is 0600', () => {
    const all = modes(dataDir);
    const names = all.map((e) => e.path.slice(dataDir.length + 1));
    expect(names).toEqual(expect.arrayContaining(['state.json', 'token', 'dynamodb', 'kms', 's3']));
    expect(names.some((n) => n.startsWith('dynamodb/') && n.endsWith('.log'))).toBe(true);
    for (const entry of all)
      expect([entry.path, entry.mode]).toEqual([entry.path, entry.folder ? 0o700 : 0o600]);
  });

  it('left readable by others is tightened at start, with a note in the log', async () => {
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'state.json'), 0o644);
    chmodSync(join(dataDir, 'dynamodb'), 0o755);
    for (const file of readdirSync(join(dataDir, 'dynamodb')))
      chmodSync(join(dataDir, 'dynamodb', file), 0o644);
    const handle = await startCloud({ port, dataDir, log: (line) => logged.push(line) });
    try {
      expect(logged.join('\n')).toMatch(/data folder: made \d+ file\(s\) and folder\(s\) in .* private/);
      for (const entry of modes(dataDir))
        expect([entry.path, entry.mode]).toEqual([entry.path, entry.folder ? 0o700 : 0o600]);
    } finally {
      await handle.stop();
    }
  });
});

describe.skipIf(process.platform === 'win32')('a token file', () => {
  it.each([
    [
      'too short',
      '0123456789abcdef0123456789abcde',
      0o600,
      ['31 characters', 'at least 32', 'delete', 'token'],
    ],
    [
      'readable by others',
      'f'.repeat(64),
      0o644,
      ['open to other users', 'mode 0644', 'chmod 600', 'delete'],
    ],
    ['writable by the group', 'f'.repeat(64), 0o620, ['open to other users', 'mode 0620', 'chmod 600']],
  ])('%s is refused at start: exit 2, how to fix it, nothing written', (name, token, mode, words) => {
    const dir = join(scratch, name.replace(/\W+/g, '-'));
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'token'), `${token}\n`);
    chmodSync(join(dir, 'token'), mode);
    const run = startCli(dir);
    expect(run.error).toBeUndefined();
    expect(run.status).toBe(2);
    for (const word of words) expect(run.stderr).toContain(word);
    expect(run.stderr).toContain(join(dir, 'token'));
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual(['token']);
    expect(statSync(join(dir, 'token')).mode & 0o777).toBe(mode);
  });

  it('of 32 characters, private to its owner, is accepted', async () => {
    const dir = join(scratch, 'own-token');
    mkdirSync(dir, { mode: 0o700 });
    writeFileSync(join(dir, 'token'), `${'a1'.repeat(16)}\n`, { mode: 0o600 });
    const handle = await startCloud({ port, dataDir: dir });
    try {
      expect(handle.cloud.token).toBe('a1'.repeat(16));
    } finally {
      await handle.stop();
    }
  });
});
