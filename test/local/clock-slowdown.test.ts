// A local cloud on a machine that cannot keep up: every tick of its world holds the thread
// (a busy loop, as a fleet's traffic and metrics would), so ticks run late. Its clock slows and
// the log says so; endpoints.json would tell the CLI the speed it runs at; once the load is gone
// it speeds back up to the speed asked for, and says that too. Simulated time never went back.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsOf } from '../../cli/local-runner.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

const SPEED = 300;
let handle: CloudHandle;
const lines: string[] = [];
let changes = 0;
let load = 0;

beforeAll(async () => {
  handle = await startCloud({
    port: await freePort(),
    speed: SPEED,
    log: (line) => lines.push(line),
    // Judged every 200 ms, and 2 s on time before each step up, so the test takes seconds.
    governor: { windowMs: 200, calmMs: 2_000 },
    onSpeedChange: () => changes++,
  });
  const world = handle.cloud.world;
  const tick = world.tick.bind(world);
  world.tick = () => {
    const until = Date.now() + load;
    while (Date.now() < until);
    tick();
  };
}, 120_000);
afterAll(() => handle?.stop(), 30_000);

describe('a local cloud that cannot keep up', () => {
  it('slows its clock and says so, then speeds back up to the speed asked for once it can', async () => {
    const clock = handle.cloud.clock;
    let last = clock.now();
    const seen: number[] = [];
    const watch = setInterval(() => {
      const now = clock.now();
      seen.push(now - last);
      last = now;
    }, 10);
    try {
      load = 400;
      await until(
        () => clock.currentSpeed <= SPEED / 2,
        'the clock to slow to half the speed asked for',
        60_000,
      );
      expect(lines.find((l) => l.startsWith('clock slowed to'))).toMatch(
        /^clock slowed to \d+× \(asked for 300×\): ticks ran up to \d+ ms late, so the machine cannot keep up/,
      );
      expect(changes).toBeGreaterThanOrEqual(1);
      const written = endpointsOf(handle.cloud).clock;
      expect(written).toMatchObject({ speed: clock.currentSpeed, requestedSpeed: SPEED });

      load = 0;
      await until(() => clock.currentSpeed === SPEED, 'the clock to be back at the speed asked for', 90_000);
      const back = /^clock back at 300×, as asked: ticks on time for \d+ s$/;
      expect(
        lines.filter((l) => back.test(l)),
        lines.join('\n'),
      ).toHaveLength(1);
      if (process.env.CUTOVER_TEST_LOG) console.log(lines.filter((l) => l.startsWith('clock')).join('\n'));
      expect(seen.every((step) => step >= 0)).toBe(true);
    } catch (error) {
      console.log(lines.filter((l) => l.startsWith('clock')).join('\n'));
      throw error;
    } finally {
      clearInterval(watch);
      load = 0;
    }
  }, 180_000);
});
