// `cutover local push <image> && cutover status <service> --watch` on a real local cloud, where
// a push starts a deployment through EventBridge (asynchronously) and a faulty image can be
// rolled back within two seconds of real time. The watch must follow the deployment the push
// started, wherever it is: not started yet, running, or already ended; and exit with its outcome.

import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../cli/main.js';
import { capture, type Run } from '../support/cli.js';
import { freePort } from '../../harness/emulators.js';
import { finished, push, startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

let handle: CloudHandle;

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  handle = await startCloud({ port: await freePort(), apiPort: 0, speed: 300 });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await handle?.stop();
});

async function cutover(args: string[]): Promise<Run> {
  const io = capture(args.includes('--json'));
  const connection = ['--endpoint', handle.cloud.apiEndpoint, '--token', handle.cloud.token];
  const code = await main([...args, ...connection], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

/** The last block of a watch, with what varies from run to run (ids, digests, times) replaced. */
function lastBlock(stdout: string, service: string): string[] {
  const blocks = stdout.split(new RegExp(`\\n\\n(?=${service}-\\S+: )`));
  return blocks
    .at(-1)!
    .replace(new RegExp(`${service}-[0-9a-f]{12}-[0-9a-z]+`, 'g'), `${service}-<id>`)
    .replace(/sha256:[0-9a-f]{12}/g, 'sha256:<digest>')
    .replace(/took \d+(h|m|s)( \d+(m|s))?/, 'took <time>')
    .split('\n');
}

describe('status <service> --watch right after a push', () => {
  it('follows a healthy push to its promotion (exit 0): the whole last block', async () => {
    push(handle, 'allatonce', 'v2', 'healthy');
    const run = await cutover(['status', 'allatonce', '--watch']);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(lastBlock(run.stdout, 'allatonce')).toEqual([
      'allatonce-<id>: allatonce release 2, all-at-once, promoted',
      'progress  step 9/9, took <time>',
      'image   allatonce@sha256:<digest> (stable: release 1, allatonce@sha256:<digest>)',
      '',
      '  ✓ check alarms (refuse to start if any is in ALARM): allatonce-5xx-rate',
      '  ✓ register a task definition revision with the image pinned by digest',
      '  ✓ create the new task set behind the idle target group',
      '  ✓ wait until the new tasks are running and their targets healthy',
      '  ✓ shift 100% of production traffic to the new task set (t+0s)',
      '  ✓ final bake 2m, watching 1 alarm(s)',
      '  ✓ promote: make the new task set primary',
      '  ✓ keep the old task set for 1m (rollback is a weight flip)',
      '  ✓ scale in and delete the old task set',
      '',
      'stable ░░░░░░░░░░░░░░░░░░░░ candidate 100%',
      'alarms  allatonce-5xx-rate OK',
      '✓ allatonce-<id> promoted: release 2 of allatonce is live',
    ]);
    // While it ran, the watch showed the task sets' counts.
    expect(run.stdout).toMatch(/^tasks {3}stable {5}desired \d+ {2}running \d+ {2}healthy (\d+|-)/m);
  });

  it('follows a faulty push to its rollback (exit 1), the failed step marked with its reason', async () => {
    push(handle, 'allatonce', 'v3', 'faulty');
    const run = await cutover(['status', 'allatonce', '--watch']);

    expect(run.code, run.stdout + run.stderr).toBe(1);
    const block = lastBlock(run.stdout, 'allatonce');
    expect(block[0]).toBe('allatonce-<id>: allatonce release 3, all-at-once, rolled back');
    expect(block.filter((line) => line.startsWith('  ✗ '))).toEqual([
      expect.stringMatching(/^ {2}✗ final bake 2m, watching 1 alarm\(s\) — .*allatonce-5xx-rate/),
    ]);
    expect(block.at(-1)).toMatch(/^✗ allatonce-<id> rolled back: .*allatonce-5xx-rate/);
  });

  it('shows a deployment that ended before the watch began, and exits with its outcome', async () => {
    // The faulty push before this one left the alarm in ALARM: a push now would be refused at
    // its first step (an abort), not rolled back, as an operator would see it.
    await until(
      async () => {
        const { MetricAlarms } = await handle.clients.cloudwatch.send(
          new DescribeAlarmsCommand({ AlarmNames: ['allatonce-5xx-rate'] }),
        );
        return MetricAlarms?.[0]?.StateValue === 'OK';
      },
      'the 5xx alarm of allatonce back to OK',
      90_000,
    );
    const digest = push(handle, 'allatonce', 'v4', 'faulty');
    await finished(handle, 'allatonce', digest);
    // The default bound (10 s): on a loaded machine the record's last write and the command's
    // first read can be seconds apart.
    const run = await cutover(['status', 'allatonce', '--watch']);

    expect(run.code, run.stdout + run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^allatonce-\S+: allatonce release 4, all-at-once, rolled back$/m);
    expect(run.stdout.split('\n').at(-1)).toMatch(/^✗ allatonce-\S+ rolled back: /);
  });

  it('with nothing pushed, waits its bound for a deployment, then shows the service (exit 0)', async () => {
    vi.stubEnv('CUTOVER_WATCH_START_MS', '300');
    const run = await cutover(['status', 'linear', '--watch']);
    vi.stubEnv('CUTOVER_WATCH_START_MS', undefined);

    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stderr).toBe('waiting up to 0.3s for a deployment of linear to start');
    expect(run.stdout.split('\n').slice(0, 3)).toEqual([
      expect.stringMatching(/^linear: release 1 is live, linear@sha256:[0-9a-f]{12} \(linear\)$/),
      expect.stringMatching(/^tasks {3}live {7}desired 2 {2}running 2 {2}healthy 2$/),
      'No deployment in progress.',
    ]);
  });
});
