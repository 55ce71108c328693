// The deployment commands end to end: `main()` in-process, over HTTP, against a real local
// cloud on the scenarios catalog (test/support/cli.ts): deploy and watch, rollback, releases,
// verify, and every error path. Approve, promote and abort are in operator-actions-*.test.ts.
// Tests on one service run in order, each waiting for the deployment before it to end.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { clientFrom, operatorActor } from '../../cli/api-client.js';
import { follow } from '../../cli/follow.js';
import { capture, startCliCloud, type CliCloud } from '../support/cli.js';
import { freePort } from '../../harness/emulators.js';
import { forgeRecord } from '../../harness/local-cloud.js';

let cloud: CliCloud;

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  cloud = await startCliCloud();
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.stop();
});

const NO_STACK = /\n\s+at /;

describe('deploy and watch', () => {
  it('deploy --wait follows a canary deployment to promotion: steps, weights, alarms, bake, one block per change', async () => {
    const image = cloud.pushed('canary', 'v2');
    const run = await cloud.cutover([
      'deploy',
      'canary',
      '--image',
      image,
      '--reason',
      'new checkout',
      '--wait',
    ]);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^Started canary-[0-9a-f]{12}-\S+: canary → canary@sha256:[0-9a-f]{12}$/);
    expect(lines[1]).toMatch(/^Plan: canary \(Canary10Percent5Minutes\), \d+ steps, at least \d+m/);
    expect(run.stdout).toContain('  ✓ check alarms (refuse to start if any is in ALARM): canary-5xx-rate');
    expect(run.stdout).toContain('  ▶ bake 5m, watching 1 alarm(s)');
    expect(run.stdout).toContain('  · promote: make the new task set primary');
    expect(run.stdout).toContain('stable ██████████████████░░ candidate 10%');
    expect(run.stdout).toContain('stable ░░░░░░░░░░░░░░░░░░░░ candidate 100%');
    expect(run.stdout).toContain('alarms  canary-5xx-rate OK');
    expect(run.stdout).toMatch(/^bake {4}\d+(m|s).* left$/m);
    expect(lines.at(-1)).toMatch(/^✓ canary-\S+ promoted: release 2 of canary is live$/);
    expect(run.stdout).not.toContain('\x1b'); // piped: no cursor movement

    // A block per change, not per poll: the 10% bake alone lasts dozens of polls.
    const blocks = run.stdout
      .split(/\n(?=canary-\S+: canary release 2)/)
      .slice(1)
      .map((block) => block.replace(/^bake .* left$/m, 'bake … left').trim());
    expect(blocks.length).toBeGreaterThan(2);
    blocks.slice(1).forEach((block, i) => expect(block).not.toBe(blocks[i]));
    await cloud.untilExecutionEnded(lines[0]!.split(' ')[1]!.replace(/:$/, ''));
  });

  it('on a terminal, --watch redraws in place: cursor up over the last block, clear to the end', async () => {
    const id = await cloud.deploy('allatonce', cloud.pushed('allatonce', 'v2'));
    const tty = capture();
    // A terminal's Output: clearLines writes the cursor movement before the next frame.
    let clear = '';
    const terminal = {
      ...tty,
      clearLines: (lines: number) => (clear = `\x1b[${lines}F\x1b[J`),
      out: (line: string) => (tty.stdout.push(`${clear}${line}`), (clear = '')),
    };
    const client = clientFrom({ endpoint: cloud.handle.cloud.apiEndpoint, token: cloud.handle.cloud.token });
    const last = await follow(client, id, terminal, { mode: 'tty', intervalMs: 50 });

    expect(last.status, JSON.stringify((last as { execution?: unknown }).execution)).toBe('promoted');
    const frames = tty.stdout.slice(0, -1); // the last line is the outcome
    expect(frames.length).toBeGreaterThan(1);
    expect(frames[0]).not.toContain('\x1b');
    for (const [i, frame] of frames.entries()) {
      if (i === 0) continue;
      // Moves up exactly as many lines as the frame before had, then clears below.
      const before = frames[i - 1]!;
      const linesBefore = before.slice(before.indexOf(`${id}: `)).split('\n').length;
      expect(frame.startsWith(`\x1b[${linesBefore}F\x1b[J${id}: allatonce release 2`)).toBe(true);
    }
    await cloud.untilExecutionEnded(id);
  });

  it('status --watch of a faulty release shows the rollback and exits 1', async () => {
    const id = await cloud.deploy('allatonce', cloud.pushed('allatonce', 'v3', 'faulty'));
    const run = await cloud.cutover(['status', id, '--watch']);

    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${id}: allatonce release 3, all-at-once`);
    expect(run.stdout).toContain('  ✓ shift 100% of production traffic to the new task set (t+0s)');
    expect(run.stdout).toContain('stable ░░░░░░░░░░░░░░░░░░░░ candidate 100%');
    expect(run.stdout).toContain('alarms  allatonce-5xx-rate ALARM');
    expect(run.stdout).toContain('stable ████████████████████ candidate 0%');
    expect(run.stdout).toMatch(new RegExp(`✗ ${id} rolled back: .*allatonce-5xx-rate`));
    await cloud.untilExecutionEnded(id);
  });

  it('status <service> shows the live release when nothing is deploying', async () => {
    const run = await cloud.cutover(['status', 'canary']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^canary: release 2 is live, canary@sha256:[0-9a-f]{12} \(canary\)$/m);
    expect(run.stdout).toContain('No deployment in progress.');
  });
});

describe('rollback, releases, verify', () => {
  it('rollback --to starts a new release of an older image; releases shows it with trigger rollback', async () => {
    const before = JSON.parse((await cloud.cutover(['releases', 'canary', '--json'])).stdout) as {
      releases: { release: number; image: string }[];
    };
    const first = before.releases.find((r) => r.release === 1)!;

    const run = await cloud.cutover([
      'rollback',
      'canary',
      '--to',
      '1',
      '--reason',
      'checkout bug',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const started = JSON.parse(run.stdout) as { deploymentId: string; image: string };
    expect(started.image).toBe(first.image);
    // With --json, --watch prints one JSON line per change.
    const watch = await cloud.cutover(['status', started.deploymentId, '--watch', '--json']);
    expect(watch.code).toBe(0);
    const views = watch.stdout.split('\n').map((line) => JSON.parse(line) as { status: string });
    expect(views.length).toBeGreaterThan(1);
    expect(views.at(-1)!.status).toBe('promoted');
    await cloud.untilExecutionEnded(started.deploymentId); // the ledger has every record

    const table = (await cloud.cutover(['releases', 'canary'])).stdout.split('\n');
    expect(table[0]).toMatch(/^RELEASE\s+OUTCOME\s+TAG\s+IMAGE\s+TRIGGER\s+ACTOR\s+STARTED\s+REASON$/);
    const digest = first.image.split('@')[1]!.slice(0, 'sha256:'.length + 12);
    expect(table[1]).toMatch(
      new RegExp(
        `^3\\s+promoted\\s+-\\s+${digest}\\s+rollback\\s+${operatorActor()}\\s+\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z$`,
      ),
    );
    expect(table[2]).toMatch(/^2\s+promoted\s+-\s+sha256:[0-9a-f]{12}\s+api\s+operator:/);
    expect(table[3]).toMatch(new RegExp(`^1\\s+promoted\\s+-\\s+${digest}\\s`));
  });

  it('verify exits 0 when the chain holds, 1 naming the first broken record when it does not', async () => {
    const good = await cloud.cutover(['verify', 'canary']);
    expect(good.code).toBe(0);
    expect(good.stdout).toMatch(/^✓ the ledger of canary verifies: \d+ records, head seq \d+ [0-9a-f]{12}$/);

    // Forge a record onto allatonce's chain: right place, wrong hash.
    const next = await forgeRecord(cloud.handle, 'allatonce');

    const broken = await cloud.cutover(['verify', 'allatonce']);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toBe(
      `✗ the ledger of allatonce is broken at seq ${next.seq}, hash-mismatch: record ${next.seq} (seq ${next.seq}): hash does not match its contents; the record was edited or its hash forged`,
    );
  });
});

describe('errors', () => {
  const digest = `sha256:${'a'.repeat(64)}`;

  it.each([
    [['deploy', 'canary'], 'deploy needs --image'],
    [['deploy', '--image', `x/canary@${digest}`], 'deploy takes exactly one service name'],
    [['status'], 'status takes exactly one service name or deployment id'],
    [['promote', 'canary-1', '--fast'], "Unknown option '--fast'"],
    [['rollback', 'canary', '--to', 'two'], '--to takes a release number such as 3, not two'],
    [
      ['deploy', 'canary', '--image', `x/canary@${digest}`, '--override-alarms', ' '],
      '--override-alarms needs a reason',
    ],
    [
      ['deploy', 'canary', '--image', 'x', '--batch-percent', 'half'],
      '--batch-percent must be a whole number',
    ],
  ])('bad usage %j exits 2', async (args, words) => {
    const run = await cloud.cutover(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`cutover: ${words}`);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it.each([
    [
      ['deploy', 'nope', '--image', `x/nope@${digest}`],
      'cutover: no service "nope" in the catalog; it has: linear',
    ],
    [['releases', 'nope'], 'cutover: no service "nope" in the catalog'],
    [['verify', 'nope'], 'cutover: no service "nope" in the catalog'],
    [['status', 'nope'], 'cutover: no deployment nope, and no service "nope" in the catalog'],
    [['abort', 'nope-123'], 'cutover: no deployment nope-123'],
    [['rollback', 'canary', '--to', '99'], 'cutover: canary has no release 99'],
  ])('an unknown service, deployment or release %j exits 2', async (args, words) => {
    const run = await cloud.cutover(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(words);
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it('a mutable tag exits 2 with the hint to get the digest', async () => {
    const run = await cloud.cutover([
      'deploy',
      'canary',
      '--image',
      `${cloud.handle.cloud.ecr.registry}/canary:v2`,
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is a mutable tag; Cutover deploys only digest-pinned images');
    expect(run.stderr).toContain("the digest printed by 'cutover local push canary:v2'");
  });

  it('with --json, an error is the API error as JSON', async () => {
    const run = await cloud.cutover(['deploy', 'canary', '--image', 'canary:v2', '--json']);
    expect(run.code).toBe(2);
    const body = JSON.parse(run.stdout) as { error: { code: string; problems: { path: string }[] } };
    expect(body.error.code).toBe('Unprocessable');
    expect(body.error.problems.map((p) => p.path)).toEqual(['image']);
  });

  it('a wrong token exits 2 and says where the token comes from', async () => {
    const args = ['releases', 'canary', '--endpoint', cloud.handle.cloud.apiEndpoint, '--token', 'wrong'];
    const run = await cloud.cutover(args, { connect: false });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "cutover: send Authorization: Bearer <token>, the token in the data folder's token file",
    );
    expect(run.stderr).toContain('The token came from --token.');
  });

  it('reads the token from the data folder, and says how to start the cloud when it has none', async () => {
    const base = ['releases', 'canary', '--endpoint', cloud.handle.cloud.apiEndpoint];
    expect((await cloud.cutover([...base, '--data', cloud.handle.dataDir], { connect: false })).code).toBe(0);

    const empty = mkdtempSync(join(tmpdir(), 'cutover-no-token-'));
    const run = await cloud.cutover([...base, '--data', empty], { connect: false });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cutover: no token file at ${join(empty, 'token')}`);
    expect(run.stderr).toContain('Start it with npm start');
  });

  it('an endpoint nobody answers exits 1 and says how to start the local cloud', async () => {
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const run = await cloud.cutover(['status', 'canary', '--endpoint', endpoint, '--token', 't'], {
      connect: false,
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`cutover: no Cutover API answers at ${endpoint}`);
    expect(run.stderr).toContain('start the local cloud with npm start');
    expect(run.stderr).not.toMatch(NO_STACK);
  });

  it.each([
    'deploy',
    'status',
    'analysis',
    'approve',
    'promote',
    'abort',
    'rollback',
    'releases',
    'verify',
    'drift',
  ])('%s --help shows usage, the connection options and examples', async (command) => {
    const run = await cloud.cutover([command, '--help'], { connect: false });
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(
        `^Usage: cutover ${command} [\\s\\S]*--endpoint URL[\\s\\S]*--token T[\\s\\S]*--data DIR[\\s\\S]*--json[\\s\\S]*Examples:\\n  cutover ${command} `,
      ),
    );
  });
});
