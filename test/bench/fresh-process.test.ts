// A figure in a fresh process (bench/fresh-process.ts), as bench/run.ts runs each one: its
// result comes back, its error's message comes back, and aborting it at its time bound kills
// its whole process group, so nothing it started goes on loading the machine, and removes
// its temporary folder, so nothing it left fills the disk.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runInFreshProcess } from '../../bench/fresh-process.js';

const fixture = new URL('./fixtures/figure-process.ts', import.meta.url).href;
const folders: string[] = [];
const strays: number[] = [];
afterEach(() => {
  folders.splice(0).forEach((f) => rmSync(f, { recursive: true, force: true }));
  // Should a kill have missed, nothing is left behind.
  for (const pid of strays.splice(0)) if (alive(pid)) process.kill(pid, 'SIGKILL');
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('a figure in a fresh process', () => {
  it('returns what the function returned', async () => {
    await expect(runInFreshProcess<number>(fixture, 'answer', { n: 21 })).resolves.toBe(42);
  });

  it("rejects with the function's own error message", async () => {
    await expect(runInFreshProcess(fixture, 'fail', {})).rejects.toThrow(
      'timed out waiting for every service (0 of 100 do)',
    );
  });

  it('when aborted, kills its process group, with what it started', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cutover-test-'));
    folders.push(folder);
    const pidFile = join(folder, 'pid');
    const controller = new AbortController();
    const running = runInFreshProcess(
      fixture,
      'hang',
      { pidFile },
      { signal: controller.signal, ownGroup: true },
    );
    const settled = running.then(
      () => 'resolved',
      (error: Error) => error.message,
    );
    await until(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8') !== '', 20_000);
    const { pid: sleeper, left } = JSON.parse(readFileSync(pidFile, 'utf8')) as { pid: number; left: string };
    strays.push(sleeper);
    expect(alive(sleeper)).toBe(true);
    expect(existsSync(left)).toBe(true);
    controller.abort(new Error('timed out after 1 s'));
    expect(await settled).toMatch(/exited with -1/);
    await until(() => !alive(sleeper), 5_000);
    // Its temporary folder went with it.
    expect(existsSync(left)).toBe(false);
  });
});
