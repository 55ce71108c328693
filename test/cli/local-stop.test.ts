// Stopping `cutover local start`: Ctrl-C (SIGINT, or SIGTERM) ends the process within five
// seconds with its state saved, whatever a deployment is doing; a second Ctrl-C ends it at once;
// a start that fails on a port in use ends within two seconds. Each case is a real process: only
// its exit shows that nothing (a timer, a server, a socket) is left holding it open.

import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../harness/emulators.js';
import {
  killLeftovers,
  phaseOf,
  removeDataFolders,
  push,
  spawnLocal,
  startLocal,
  waitFor,
  type Exit,
  type LocalProcess,
} from '../../harness/local-process.js';

/** Ten simulated seconds a second: a bake step lasts six real seconds, an approval six minutes. */
const SPEED = ['--speed', '10'];

/** Sends `signal` (as many times as asked, back to back) and waits for the process to end. */
async function interrupt(
  local: LocalProcess,
  signal: NodeJS.Signals,
  times = 1,
): Promise<Exit & { sentAt: number; ms: number }> {
  const sentAt = fileClockNow(local);
  const startedAt = Date.now();
  for (let i = 0; i < times; i += 1) local.signal(signal);
  const timeout = new Promise<never>((_, reject) =>
    setTimeout(() => reject(new Error(`still running 15 s after ${signal}`)), 15_000).unref(),
  );
  const exit = await Promise.race([local.exited, timeout]);
  return { ...exit, sentAt, ms: exit.at - startedAt };
}

/**
 * Now by the file system's clock, which may lag the process's by a tick (or, on a shared
 * folder, be another machine's): a file written in the data folder, and its modification time.
 */
function fileClockNow(local: LocalProcess): number {
  const marker = join(local.dataDir, 'signal-sent');
  writeFileSync(marker, '');
  return statSync(marker).mtimeMs;
}

/** state.json as the stop left it: written after the signal, with the cut-off execution in it. */
function savedState(local: LocalProcess, sentAt: number) {
  const file = join(local.dataDir, 'state.json');
  const state = JSON.parse(readFileSync(file, 'utf8')) as {
    executions: { stateMachineArn: string; status: string }[];
  };
  return { writtenAfterSignal: statSync(file).mtimeMs >= sentAt, executions: state.executions };
}

afterEach(killLeftovers);
afterAll(removeDataFolders);

async function untilPhase(local: LocalProcess, service: string, phase: string): Promise<void> {
  await waitFor(
    async () => (await phaseOf(local, service)) === phase,
    90_000,
    `${service} in phase ${phase}`,
  );
}

describe('Ctrl-C on cutover local start', () => {
  it.each([
    ['SIGINT', 'web', 'bake', 'canary'],
    ['SIGINT', 'api', 'approval', 'blue-green'],
    ['SIGTERM', 'web', 'wait-healthy', 'canary'],
  ] as const)(
    "%s during %s's %s: exits 0 within 5 s, state saved, nothing left to force",
    async (signal, service, phase, machine) => {
      const local = await startLocal(SPEED);
      await push(local, `${service}:v2`);
      await untilPhase(local, service, phase);

      const stopped = await interrupt(local, signal);

      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(5000);
      expect(local.stdout()).toContain('stopped; state saved');
      // The last-resort exit (cli/local-runner.ts) was not needed: nothing held the event loop.
      expect(local.stderr()).not.toContain('exiting anyway');
      const saved = savedState(local, stopped.sentAt);
      expect(saved.writtenAfterSignal).toBe(true);
      // Saved while the deployment ran: the next start records its execution as aborted.
      expect(saved.executions).toContainEqual(
        expect.objectContaining({ stateMachineArn: expect.stringContaining(machine), status: 'RUNNING' }),
      );
    },
    150_000,
  );

  it('a second Ctrl-C exits at once, with the state saved by the first', async () => {
    const local = await startLocal(SPEED);
    await push(local, 'api:v2');
    await push(local, 'web:v2');
    // Any phase will do: what is tested is how fast the second signal ends the process.
    await waitFor(
      async () => (await phaseOf(local, 'api')) !== null || (await phaseOf(local, 'web')) !== null,
      90_000,
      'a deployment in progress',
    );

    const stopped = await interrupt(local, 'SIGINT', 2);

    // 130 if the second arrived while stopping, 0 if the first had already finished.
    expect([0, 130]).toContain(stopped.code);
    expect(stopped.ms).toBeLessThan(1500);
    expect(savedState(local, stopped.sentAt).writtenAfterSignal).toBe(true);
  }, 150_000);
});

describe('a start that fails on a port in use', () => {
  async function taken(port: number): Promise<Server> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return server;
  }

  it.each([
    ['the AWS endpoint', 'port'],
    ['the HTTP API', 'apiPort'],
  ] as const)(
    'exits 1 within 2 s of the error when %s port is taken',
    async (_, which) => {
      const ports = { port: await freePort(), apiPort: await freePort() };
      const blocker = await taken(ports[which]);
      try {
        const local = spawnLocal(SPEED, ports);
        const exit = await local.exited;
        const erredAt = local.seenOnStderr('EADDRINUSE');
        expect(exit.code).toBe(1);
        expect(erredAt).toBeDefined();
        expect(exit.at - erredAt!).toBeLessThan(2000);
      } finally {
        await new Promise((resolve) => blocker.close(resolve));
      }
    },
    120_000,
  );
});
