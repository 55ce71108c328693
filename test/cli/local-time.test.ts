// `cutover local time`: simulated time runs ahead of the wall clock (here 300×), so a query
// window taken from `date` missed the newest metrics. The local cloud writes its clock to
// endpoints.json as `local start` does (endpointsOf), and `local time` tells its simulated now.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { endpointsOf } from '../../cli/local-runner.js';
import { main } from '../../cli/main.js';
import { writeEndpoints } from '../../local/endpoints.js';
import { capture } from '../support/cli.js';
import { freePort } from '../../harness/emulators.js';
import { startCloud, until, type CloudHandle } from '../../harness/local-cloud.js';

const SPEED = 300;
let handle: CloudHandle;

beforeAll(async () => {
  // At a fixed speed: endpoints.json is written once here, where `local start` writes it again
  // at each change of speed.
  handle = await startCloud({ port: await freePort(), speed: SPEED, fixedSpeed: true });
  writeEndpoints(handle.dataDir, endpointsOf(handle.cloud));
}, 120_000);
afterAll(() => handle?.stop(), 30_000);

async function time(...args: string[]) {
  const io = capture(args.includes('--json'));
  const code = await main(['local', 'time', ...args], io);
  return { code, stdout: io.stdout.join('\n'), stderr: io.stderr.join('\n') };
}

describe('cutover local time', () => {
  it("prints the local cloud's simulated now as one ISO 8601 line, ahead of the wall clock", async () => {
    await until(
      () => handle.cloud.clock.now() - Date.now() > 10 * 60_000,
      'simulated time to run 10 min ahead',
    );
    const before = handle.cloud.clock.now();
    const run = await time('--data', handle.dataDir);
    const after = handle.cloud.clock.now();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const told = Date.parse(run.stdout);
    // Whole seconds, from an anchor read on two clocks a moment apart: a few simulated seconds.
    expect(told).toBeGreaterThanOrEqual(before - 5000);
    expect(told).toBeLessThanOrEqual(after + 5000);
    expect(told - Date.now()).toBeGreaterThan(10 * 60_000);
  });

  it('--ago goes back in simulated time; --json tells both clocks and the speed', async () => {
    // Read before now: simulated time moves on between the two calls (seconds at this speed).
    const ago = Date.parse((await time('--ago', '30m', '--data', handle.dataDir)).stdout);
    const now = Date.parse((await time('--data', handle.dataDir)).stdout);
    expect(now - ago).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(now - ago).toBeLessThan(30 * 60_000 + SPEED * 2000);
    const json = JSON.parse((await time('--json', '--data', handle.dataDir)).stdout) as Record<
      string,
      unknown
    >;
    expect(Object.keys(json)).toEqual(['simulated', 'real', 'speed']);
    expect(json.speed).toBe(SPEED);
    expect(Math.abs(Date.parse(json.real as string) - Date.now())).toBeLessThan(5000);
  });

  it('a metrics query over $(local time --ago 5m) .. $(local time) finds the newest datapoints; one ending at the wall clock did not', async () => {
    const cloudwatch = handle.clients.cloudwatch;
    // The scenarios' load balancer, from a listener rule's ARN: app/<name>/<id>.
    const rule = handle.catalog.services.linear!.traffic.productionListenerRule;
    const loadBalancer = rule.split(':listener-rule/')[1]!.split('/').slice(0, 3).join('/');
    const metric = {
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'RequestCount',
      Dimensions: [{ Name: 'LoadBalancer', Value: loadBalancer }],
    };
    const query = async (start: number, end: number) => {
      const answer = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(end),
          MetricDataQueries: [{ Id: 'm', MetricStat: { Metric: metric, Period: 60, Stat: 'Sum' } }],
        }),
      );
      return (answer.MetricDataResults?.[0]?.Timestamps ?? []).map((t) => t.getTime());
    };
    // Once the world has published some: a query window taken from `local time` finds them.
    let simulated: number[] = [];
    await until(async () => {
      const end = Date.parse((await time('--data', handle.dataDir)).stdout);
      const start = Date.parse((await time('--ago', '5m', '--data', handle.dataDir)).stdout);
      simulated = await query(start, end);
      return simulated.length > 0;
    }, 'datapoints in the last 5 simulated minutes');
    const wall = await query(Date.now() - 5 * 60_000, Date.now());
    expect(Math.max(...simulated)).toBeGreaterThan(Date.now());
    // What the issue saw: the newest datapoint is stamped in the wall clock's future.
    expect(wall).not.toContain(Math.max(...simulated));
  });

  it('exits 1, saying how to start one, when no local cloud runs for the data folder', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'cutover-no-cloud-'));
    const none = await time('--data', empty);
    expect(none).toEqual({
      code: 1,
      stdout: '',
      stderr: `cutover: no local cloud has started in ${empty}/ (its endpoints.json has no clock); start one with npm start (or cutover local start --data ${empty})`,
    });
    const stopped = mkdtempSync(join(tmpdir(), 'cutover-stopped-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    writeEndpoints(stopped, { aws: url, api: url, clock: { speed: 60, simulatedMs: 0, realMs: 0 } });
    expect(await time('--data', stopped)).toEqual({
      code: 1,
      stdout: '',
      stderr: `cutover: the local cloud of ${stopped}/ does not answer at ${url}: it has stopped; start one with npm start (or cutover local start --data ${stopped})`,
    });
  });

  it.each([['30'], ['-5m'], ['1w'], ['m']])('exits 2 for --ago %s, saying what it takes', async (ago) => {
    const run = await time(`--ago=${ago}`, '--data', handle.dataDir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      `--ago takes a number and a unit (s, m, h or d), such as 30m or 2h, not "${ago}"`,
    );
  });
});
