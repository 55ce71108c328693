// Start refuses a data folder it cannot resume, before anything listens: `dynamodb/` without
// `state.json`, `state.json` without `dynamodb/`, or a `state.json` it cannot read; tables
// without the ledger's signing key in `kms/`, or ledger records without the anchor bucket in
// `s3/` (checked once dynalite is up, before the endpoint listens). It says what
// is missing and how to recover, `cutover local start` exits 2, and the process ends. A fresh
// folder, absent or empty, starts and seeds the demo as before; one whose first start was cut
// off before it saved anything (Ctrl-C or a kill while seeding) starts afresh.

import { spawn, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIRST_START_MARKER, openDataFolder } from '../../local/data-folder.js';
import type { LedgerRecord } from '../../shared/domain/ledger.js';
import { freePort } from '../../harness/emulators.js';
import { SCENARIOS, startCloud, until } from '../../harness/local-cloud.js';

const CLI = new URL('../../cli/cutover.mjs', import.meta.url).pathname;
const scratch = mkdtempSync(join(tmpdir(), 'cutover-data-folder-'));
/** Handlers read the endpoint once per process: every start in this file uses this port. */
let port = 0;
/** A data folder a local cloud ran on and stopped cleanly: both halves. */
let complete = '';

beforeAll(async () => {
  port = await freePort();
  complete = join(scratch, 'complete');
  const handle = await startCloud({ port, dataDir: complete });
  await handle.stop();
}, 120_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A copy of the complete folder, changed by `change`. */
function variant(name: string, change: (dir: string) => void): string {
  const dir = join(scratch, name);
  cpSync(complete, dir, { recursive: true });
  change(dir);
  return dir;
}

/** The file in `kms/` that holds the ledger's signing key. */
function ledgerKeyFile(dir: string): string {
  const files = readdirSync(join(dir, 'kms')).filter((f) => f.endsWith('.json') && f !== 'aliases.json');
  const file = files.find((f) =>
    readFileSync(join(dir, 'kms', f), 'utf8').includes('"logicalId":"LedgerKey"'),
  );
  if (file === undefined) throw new Error(`no key file for LedgerKey among ${files.join(', ')}`);
  return file;
}

/** `cutover local start` on `dataDir` in its own process; a hang fails on the timeout. */
function startCli(dataDir: string) {
  return spawnSync(
    process.execPath,
    [CLI, 'local', 'start', '--data', dataDir, '--catalog', SCENARIOS, '--port', '1', '--api-port', '2'],
    { encoding: 'utf8', timeout: 60_000 },
  );
}

describe('a data folder with one half missing', () => {
  it.each([
    [
      'dynamodb/ without state.json',
      (dir: string) => rmSync(join(dir, 'state.json')),
      ['holds DynamoDB tables', 'but no', 'state.json', 'Restore', 'move the data folder away'],
    ],
    [
      'state.json without dynamodb/',
      (dir: string) => rmSync(join(dir, 'dynamodb'), { recursive: true }),
      ['state.json but no DynamoDB tables', 'dynamodb/ is missing or empty', 'move the data folder away'],
    ],
    [
      'state.json with an empty dynamodb/',
      (dir: string) => {
        rmSync(join(dir, 'dynamodb'), { recursive: true });
        mkdirSync(join(dir, 'dynamodb'));
      },
      ['state.json but no DynamoDB tables'],
    ],
    [
      'dynamodb/ without kms/',
      (dir: string) => rmSync(join(dir, 'kms'), { recursive: true }),
      ['holds DynamoDB tables', 'kms/ is missing', 'unverifiable', 'Restore', 'move the data folder away'],
    ],
    [
      'kms/ without the ledger key file',
      (dir: string) => rmSync(join(dir, 'kms', ledgerKeyFile(dir))),
      ['no file in', "ledger's signing key LedgerKey", 'unverifiable', 'move the data folder away'],
    ],
    [
      'ledger records without s3/',
      (dir: string) => rmSync(join(dir, 's3'), { recursive: true }),
      ['holds ledger records', 'no anchor bucket', 'LedgerAnchorBucket', 'Restore', 'move it away'],
    ],
    [
      'a corrupt state.json',
      (dir: string) => writeFileSync(join(dir, 'state.json'), '{"version":1,"simTi'),
      ['state.json cannot be read', 'move the data folder away'],
    ],
  ])('%s: start exits 2, says what to do, and changes nothing', (name, change, words) => {
    const dir = variant(name.replace(/\W+/g, '-'), change);
    const before = readdirSync(dir).sort();
    const run = startCli(dir);
    expect(run.error).toBeUndefined(); // not killed by the timeout: the process ended by itself
    expect(run.status).toBe(2);
    for (const word of words) expect(run.stderr).toContain(word);
    expect(run.stderr).toContain(dir);
    expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(readdirSync(dir).sort()).toEqual(before);
  });

  it('is refused by LocalCloud.start before it listens, and starts once the half is restored', async () => {
    const dir = variant('restored', (d) => cpSync(join(d, 'state.json'), join(d, 'state.json.bak')));
    rmSync(join(dir, 'state.json'));
    await expect(startCloud({ port, dataDir: dir })).rejects.toMatchObject({
      name: 'DataFolderInvalid',
    });
    cpSync(join(dir, 'state.json.bak'), join(dir, 'state.json'));
    // The same port: the refused start left nothing listening on it.
    const handle = await startCloud({ port, dataDir: dir });
    try {
      // Resumed, not seeded again: the ledger holds release 1's two records, as the first start left it.
      const service = Object.keys(handle.catalog.services)[0]!;
      const records = (await handle.clients.ledger.list(service)) as LedgerRecord[];
      expect(records.map((r) => [r.seq, r.type])).toEqual([
        [1, 'ReleaseStarted'],
        [2, 'Promoted'],
      ]);
    } finally {
      await handle.stop();
    }
  });
});

describe('a fresh data folder', () => {
  it('whose first start fails (its API port taken) is left without tables, and the process ends', async () => {
    const taken = createServer();
    const apiPort = await freePort();
    await new Promise<void>((resolve) => taken.listen(apiPort, '127.0.0.1', resolve));
    try {
      const dir = join(scratch, 'port-taken');
      const run = spawnSync(
        process.execPath,
        [
          CLI,
          'local',
          'start',
          '--data',
          dir,
          '--catalog',
          SCENARIOS,
          '--port',
          String(await freePort()),
        ].concat(['--api-port', String(apiPort)]),
        { encoding: 'utf8', timeout: 60_000 },
      );
      expect(run.error).toBeUndefined(); // ended by itself: nothing left listening
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('EADDRINUSE');
      // It had seeded the tables; without a state.json to go with them they are gone.
      expect(existsSync(join(dir, 'dynamodb'))).toBe(false);
      expect(existsSync(join(dir, 'state.json'))).toBe(false);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it.each([
    ['absent', () => join(scratch, 'absent', 'data')],
    [
      'empty',
      () => {
        const dir = join(scratch, 'empty');
        mkdirSync(dir);
        return dir;
      },
    ],
  ])('%s: is opened with no state and room for the tables', (_, make) => {
    const dir = make();
    expect(openDataFolder(dir)).toBeNull();
    expect(existsSync(join(dir, 'dynamodb'))).toBe(true);
  });

  it('absent, is where the local cloud starts, seeds the demo and saves both halves', () => {
    expect(readdirSync(complete)).toEqual(expect.arrayContaining(['state.json', 'dynamodb']));
    expect(readdirSync(join(complete, 'dynamodb'))).toContain('CURRENT');
    expect(openDataFolder(complete)).toMatchObject({ version: 1 });
  });

  it('no longer marked as being created once its first start saved its state', () => {
    expect(existsSync(join(complete, FIRST_START_MARKER))).toBe(false);
  });

  it('cut off while its first start seeded it, starts afresh next time instead of refusing', async () => {
    const dir = join(scratch, 'cut-off');
    const child = spawn(
      process.execPath,
      [CLI, 'local', 'start', '--data', dir, '--catalog', SCENARIOS, '--port', '0', '--api-port', '0'],
      { stdio: 'ignore' },
    );
    const ended = new Promise((resolve) => child.once('exit', resolve));
    // Killed as a crash or a second Ctrl-C would end it: tables written, no state.json yet.
    await until(
      () => existsSync(join(dir, 'dynamodb', 'CURRENT')) && !existsSync(join(dir, 'state.json')),
      'the first start to write its tables',
      60_000,
    );
    child.kill('SIGKILL');
    await ended;
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
    expect(existsSync(join(dir, FIRST_START_MARKER))).toBe(true);

    const lines: string[] = [];
    const handle = await startCloud({ port, dataDir: dir, log: (line) => lines.push(line) });
    try {
      expect(lines).toContain(
        'data folder: the first start here was cut off before it saved its state; starting afresh',
      );
      expect(existsSync(join(dir, 'state.json'))).toBe(true);
      expect(existsSync(join(dir, FIRST_START_MARKER))).toBe(false);
    } finally {
      await handle.stop();
    }
  }, 120_000);

  it('marked, but with its state saved (cut off just after), resumes and loses the mark', () => {
    const dir = variant('marked-but-saved', (d) => writeFileSync(join(d, FIRST_START_MARKER), 'x'));
    expect(openDataFolder(dir)).toMatchObject({ version: 1 });
    expect(existsSync(join(dir, FIRST_START_MARKER))).toBe(false);
    expect(readdirSync(join(dir, 'dynamodb'))).toContain('CURRENT');
  });
});
