// What `cutover local start` says of its clock: the banner says whether it may slow when the
// machine cannot keep up, and endpoints.json holds the speed it runs at beside the speed asked
// for. `--fixed-speed` keeps it at `--speed`. A real process, as a user starts it.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import {
  killLeftovers,
  removeDataFolders,
  startLocal,
  type LocalProcess,
} from '../../harness/local-process.js';

afterEach(killLeftovers);
afterAll(removeDataFolders);

function clockOf(local: LocalProcess): Record<string, unknown> {
  const endpoints = JSON.parse(readFileSync(join(local.dataDir, 'endpoints.json'), 'utf8')) as {
    clock: Record<string, unknown>;
  };
  return endpoints.clock;
}

async function stop(local: LocalProcess): Promise<void> {
  local.signal('SIGINT');
  expect((await local.exited).code).toBe(0);
}

describe('cutover local start and its clock', () => {
  it('says the clock slows when the machine cannot keep up, and writes the speed asked for', async () => {
    const local = await startLocal(['--speed', '120']);
    expect(local.stdout()).toContain(
      'running: 120× real time (slower while the machine cannot keep up; the log says so)',
    );
    const clock = clockOf(local);
    expect(clock.requestedSpeed).toBe(120);
    expect(clock.speed).toBeLessThanOrEqual(120);
    await stop(local);
  }, 120_000);

  it('--fixed-speed keeps the speed asked for, and says so', async () => {
    const local = await startLocal(['--speed', '120', '--fixed-speed']);
    expect(local.stdout()).toContain('running: 120× real time (fixed)');
    expect(clockOf(local)).toMatchObject({ speed: 120, requestedSpeed: 120 });
    await stop(local);
  }, 120_000);
});
