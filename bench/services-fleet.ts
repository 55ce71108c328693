// GET /services for a fleet of 100 services on the local cloud, before and after a change, in
// one run: AWS calls per answer, the latency of one answer at a time, and p50/p99 at 100
// requests a second (open loop, bench/api-load.ts in its own process).
//
//   npx tsx bench/services-fleet.ts [--seconds 10] [--before <checkout>]
//
// With --before, the same measurement runs first in that checkout (a worktree of the commit to
// compare with, into which this file is copied), then here; each in a fresh Node process with a
// fresh local cloud. Calls are counted from the local cloud's IAM decisions for the api
// function (one per call here: every call the route makes names one table or asks about
// composite alarms, which is authorized on *).

import { spawn } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { writeFleetCatalog } from '../harness/generated-catalog.js';
import { callApi } from '../harness/local-cloud.js';
import type { LoadPlan, LoadResult } from './api-load.js';
import { percentile } from './figures.js';
import { tsNode } from './fresh-process.js';
import { machine, loadAverage, ms1, startBenchCloud, stopBenchCloud } from './local-cloud.js';

const FLEET = 100;
const RATE = 100;
const SPEED = 60;

export interface FleetResult {
  callsPerAnswer: Record<string, number>;
  serial: { requests: number; p50: number; p99: number };
  open: { requests: number; failed: number; p50: number; p99: number; max: number };
}

/** One checkout's figures, in this process: a fresh local cloud with the generated fleet. */
async function measureHere(seconds: number): Promise<FleetResult> {
  const catalogPath = writeFleetCatalog(FLEET);
  const handle = await startBenchCloud({ catalogPath, speed: SPEED });
  try {
    const calls: Record<string, number> = {};
    const stop = handle.cloud.iam.onDecision((d) => {
      if (d.principal.fn === 'api') calls[d.authorization.action] = (calls[d.authorization.action] ?? 0) + 1;
    });
    await callApi(handle, 'GET', '/services'); // the handler's first, cold answer: not counted
    for (const key of Object.keys(calls)) delete calls[key];
    const { status } = await callApi(handle, 'GET', '/services');
    stop();
    if (status !== 200) throw new Error(`GET /services answered ${status}`);
    const plan = (serial: boolean): LoadPlan => ({
      endpoint: handle.cloud.apiEndpoint,
      token: handle.cloud.token,
      method: 'GET',
      path: '/services',
      rate: RATE,
      serial,
      seconds,
      warmUpSeconds: 1,
    });
    const serial = await load(plan(true));
    const open = await load(plan(false));
    const ok = (r: LoadResult) => r.latencies.filter((_, i) => r.statuses[i] === 200);
    return {
      callsPerAnswer: calls,
      serial: { requests: serial.latencies.length, p50: p(ok(serial), 50), p99: p(ok(serial), 99) },
      open: {
        requests: open.latencies.length,
        failed: open.statuses.filter((s) => s !== 200).length,
        p50: p(open.latencies, 50),
        p99: p(open.latencies, 99),
        max: ms1(Math.max(...open.latencies)),
      },
    };
  } finally {
    await stopBenchCloud(handle);
    rmSync(dirname(catalogPath), { recursive: true, force: true });
  }
}

const p = (values: number[], rank: number) => (values.length === 0 ? NaN : ms1(percentile(values, rank)));

async function load(plan: LoadPlan): Promise<LoadResult> {
  const child = tsNode(new URL('./api-load.ts', import.meta.url).pathname, [JSON.stringify(plan)]);
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.pipe(process.stderr);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the load generator exited with ${code}`);
  return JSON.parse(output.trim().split('\n').at(-1)!) as LoadResult;
}

/** Runs this file's `here` mode in `checkout`'s copy of it, in a fresh process, and returns its figures. */
async function measureIn(checkout: string, seconds: number): Promise<FleetResult> {
  const script = join(checkout, 'bench', 'services-fleet.ts');
  if (script !== fileURLToPath(import.meta.url)) copyFileSync(fileURLToPath(import.meta.url), script);
  const child = spawn(process.execPath, ['--import', 'tsx', script, '--here', '--seconds', String(seconds)], {
    cwd: checkout,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'ERROR' },
  });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the measurement in ${checkout} exited with ${code}`);
  return JSON.parse(output.trim().split('\n').at(-1)!) as FleetResult;
}

function row(label: string, r: FleetResult): string {
  const calls = Object.values(r.callsPerAnswer).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(r.callsPerAnswer)
    .map(([action, n]) => `${n} ${action.split(':')[1]}`)
    .join(', ');
  return (
    `| ${label} | ${calls} (${kinds}) | ${r.serial.requests} | ${r.serial.p50} | ${r.serial.p99} | ` +
    `${r.open.requests} | ${r.open.failed} | ${r.open.p50} | ${r.open.p99} | ${r.open.max} |`
  );
}

const { values } = parseArgs({
  options: { seconds: { type: 'string' }, before: { type: 'string' }, here: { type: 'boolean' } },
});
const seconds = Number(values.seconds ?? 10);
if (values.here) {
  console.log(JSON.stringify(await measureHere(seconds)));
} else {
  const load = loadAverage();
  const here = join(dirname(fileURLToPath(import.meta.url)), '..');
  const before = values.before === undefined ? undefined : await measureIn(values.before, seconds);
  const after = await measureIn(here, seconds);
  console.log(
    `| code | AWS calls per answer | serial requests | serial p50 (ms) | serial p99 (ms) | ` +
      `${RATE}/s requests | failed | p50 (ms) | p99 (ms) | max (ms) |`,
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  if (before !== undefined) console.log(row('before', before));
  console.log(row('after', after));
  console.log(
    `\n${FLEET} services, ${seconds} s per load, local cloud at ${SPEED}x. Machine: ${machine(load)}.`,
  );
}
