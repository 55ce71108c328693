// `cutover local push` says what the push did, per service that deploys the repository: it
// used to say "services … are starting" even when nothing started. Run as a user runs it, from
// the data folder alone, against a local cloud whose allatonce service deploys only v* tags.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { main } from '../../cli/main.js';
import { writeEndpoints } from '../../local/endpoints.js';
import { capture } from '../support/cli.js';
import { freePort } from '../../harness/emulators.js';
import {
  finished,
  SCENARIOS,
  startCloud,
  stopCleanly,
  until,
  warmHandlers,
  type CloudHandle,
} from '../../harness/local-cloud.js';

/** The scenarios catalog, with allatonce deploying only tags that start with v. */
function catalog(): string {
  const parsed = parse(readFileSync(SCENARIOS, 'utf8')) as {
    services: Record<string, { images: { tagFilter?: string } }>;
  };
  parsed.services.allatonce!.images.tagFilter = '^v';
  const path = join(mkdtempSync(join(tmpdir(), 'cutover-push-catalog-')), 'catalog.yml');
  writeFileSync(path, stringify(parsed));
  return path;
}

let handle: CloudHandle;

beforeAll(async () => {
  handle = await startCloud({ port: await freePort(), catalogPath: catalog(), speed: 60 });
  writeEndpoints(handle.dataDir, { aws: handle.cloud.endpoint, api: handle.cloud.apiEndpoint });
  await warmHandlers(handle);
}, 120_000);
afterAll(() => stopCleanly(handle), 30_000);

async function push(...args: string[]) {
  const io = capture(args.includes('--json'));
  const code = await main(['local', 'push', ...args, '--data', handle.dataDir, '--wait', '60'], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

describe('cutover local push says what it started, or why nothing did', () => {
  it('a tag no service deploys: nothing started, and why; exit 0', async () => {
    const run = await push('allatonce:nightly-1');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(DIGEST);
    expect(run.stderr).toBe(
      [
        'pushed allatonce:nightly-1 (healthy)',
        '  allatonce: nothing started: tag "nightly-1" does not match the tag filter ^v',
      ].join('\n'),
    );
  });

  it('a new image: the deployment it started, its strategy and how to follow it; then a second tag of the live build starts nothing', async () => {
    const run = await push('allatonce:v2');
    expect(run.code, run.stderr).toBe(0);
    const digest = run.stdout;
    expect(digest).toMatch(DIGEST);
    const id = /started (\S+) /.exec(run.stderr)?.[1] ?? '';
    expect(id).toMatch(new RegExp(`^allatonce-${digest.slice(7, 19)}-e[0-9a-f]{16}$`));
    expect(run.stderr).toBe(
      [
        'pushed allatonce:v2 (healthy)',
        `  allatonce: started ${id} (all-at-once); follow it: cutover status ${id} --watch --data ${handle.dataDir}`,
      ].join('\n'),
    );

    expect((await finished(handle, 'allatonce', digest)).status).toBe('SUCCEEDED');
    await until(async () => {
      const io = capture(true);
      await main(['releases', 'allatonce', '--data', handle.dataDir, '--json'], io);
      return io.stdout.join('\n').includes('"outcome": "promoted"');
    }, 'allatonce v2 to be promoted');

    const again = await push('allatonce:v2-prod', '--from', 'v2');
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(digest);
    expect(again.stderr).toMatch(
      new RegExp(
        `^pushed allatonce:v2-prod \\(the image allatonce:v2 names\\)\\n` +
          `  allatonce: nothing started: ${digest} is already live \\(release \\d+\\); another tag of the same build deploys nothing$`,
      ),
    );
  }, 120_000);

  it('while a deployment waits: a second tag of its build starts nothing, a new build is queued', async () => {
    const first = await push('bluegreen:v2');
    expect(first.code, first.stderr).toBe(0);
    const id = /started (\S+) /.exec(first.stderr)?.[1] ?? '';
    expect(first.stderr).toBe(
      [
        'pushed bluegreen:v2 (healthy)',
        `  bluegreen: started ${id} (blue-green); follow it: cutover status ${id} --watch --data ${handle.dataDir}`,
      ].join('\n'),
    );

    const sameBuild = await push('bluegreen:candidate', '--from', 'v2');
    expect(sameBuild.code).toBe(0);
    expect(sameBuild.stderr).toBe(
      [
        'pushed bluegreen:candidate (the image bluegreen:v2 names)',
        `  bluegreen: nothing started: the same build is being deployed already (${id}); another tag of it deploys nothing`,
      ].join('\n'),
    );

    const newer = await push('bluegreen:v3', '--json');
    expect(newer.code, newer.stdout).toBe(0);
    const answer = JSON.parse(newer.stdout) as { digest: string; services: unknown[] };
    expect(answer.services).toEqual([
      {
        service: 'bluegreen',
        outcome: 'queued',
        reason: `bluegreen is busy with deployment ${id}; this push waits and starts when it finishes (a newer push replaces it)`,
      },
    ]);
  }, 120_000);
});

describe('cutover local push refuses bad input before it pushes', () => {
  it.each([
    [['allatonce:v9', '--wait', 'soon'], '--wait takes real seconds from 0 to 600, not soon'],
    [['allatonce:v9', '--from', 'v2', '--profile', 'faulty'], '--from pushes an image already there'],
    [['allatonce:v9', '--from', 'nope'], 'allatonce has no image tagged nope; push it first'],
    [['allatonce:v2', '--from', 'v2'], "and tag 'v2' already exists; push it under another tag"],
  ])('exits 2 for %j', async (args, words) => {
    const io = capture();
    expect(await main(['local', 'push', ...args, '--data', handle.dataDir], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
  });
});
