// One service's failure does not stop the world: with a service's production listener rule
// deleted behind the local cloud's back (through the ELBv2 API), the other service's traffic,
// metrics and alarm go on, the schedules run (the drift check names the broken service and
// checks the other), state.json is still saved, and the failure is logged once with a count
// rather than on every tick, without a stack trace.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { DeleteRuleCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioSubset } from '../support/catalog-subset.js';
import { freePort } from '../../harness/emulators.js';
import {
  requestsServed,
  startCloud,
  stopCleanly,
  until,
  type CloudHandle,
} from '../../harness/local-cloud.js';

const scratch = mkdtempSync(join(tmpdir(), 'cutover-tick-isolation-'));
const lines: string[] = [];
let handle: CloudHandle;

beforeAll(async () => {
  const catalogPath = scenarioSubset(scratch, 'two', ['linear', 'canary']);
  handle = await startCloud({
    port: await freePort(),
    dataDir: join(scratch, 'data'),
    catalogPath,
    log: (line) => lines.push(line),
    errorLogWindowMs: 1000,
  });
}, 120_000);

afterAll(async () => {
  await stopCleanly(handle);
  rmSync(scratch, { recursive: true, force: true });
});

const linearRequests = () => requestsServed(handle, 'linear');

const savedAt = (): number =>
  (JSON.parse(readFileSync(join(handle.dataDir, 'state.json'), 'utf8')) as { simTime: number }).simTime;

describe('a service whose listener rule was deleted behind the local cloud', () => {
  it('fails alone, and is logged once with a count', async () => {
    await until(async () => (await linearRequests()) > 0, 'traffic for linear');
    await handle.clients.elb.send(
      new DeleteRuleCommand({ RuleArn: handle.catalog.services.canary!.traffic.productionListenerRule }),
    );
    const deletedAt = handle.cloud.clock.now();
    const before = await linearRequests();
    const savedBefore = savedAt();

    // Three log windows, and more than fifteen simulated minutes: a drift check has run.
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    expect(handle.cloud.clock.now() - deletedAt).toBeGreaterThan(15 * 60_000);

    const canary = lines.filter((line) => line.startsWith('tick failed for canary'));
    expect(canary[0]).toMatch(/^tick failed for canary: RuleNotFound: Rule '.*' not found$/);
    // One line, then one a window with the count: not one per tick (~140 ticks here).
    expect(canary.length).toBeGreaterThanOrEqual(2);
    expect(canary.length).toBeLessThanOrEqual(5);
    const counted = canary.slice(1).map((line) => /\(repeated (\d+) times in the last 1 s\)$/.exec(line));
    expect(counted.every((match) => match !== null && Number(match[1]) > 10)).toBe(true);
    expect(lines.filter((line) => line.startsWith('tick failed for linear'))).toEqual([]);

    // The other service's traffic, metrics and alarm go on; so do the schedules and the saves.
    await until(async () => (await linearRequests()) > before, 'more traffic for linear');
    const alarms = await handle.clients.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: ['linear-5xx-rate'] }),
    );
    expect(alarms.MetricAlarms?.[0]?.StateValue).toBe('OK');
    expect(
      lines.some((line) =>
        /^check-drift: canary failed: .*ResourceNotFound: Listener rule .* does not exist/.test(line),
      ),
    ).toBe(true);
    expect(lines.some((line) => line.startsWith('check-drift: linear'))).toBe(false);
    expect(savedAt()).toBeGreaterThan(savedBefore);
  }, 60_000);
});
