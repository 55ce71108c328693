// Figure 4, scale: 100 services deploying at once on the local cloud (20 with --quick), five
// patterns in turn (linear, canary, all-at-once, blue-green without approval, rolling), each
// started the way a push starts it: a healthy image is pushed to every service's repository in
// the same moment, and each push goes ECR event → EventBridge rule → on-image-push →
// StartExecution. Measured, at two clock speeds, each in a fresh process: the wall time until
// every execution has ended; the peak RSS of the process (the local cloud with every handler,
// the simulation and this driver), sampled every 100 ms by a worker thread so that a long
// synchronous stretch of the main thread cannot hide a peak; and how each deployment ended.
// Healthy images should all be promoted; anything else is counted with its reason, and so is
// a deployment still running at the deadline. Afterwards each service is checked at rest:
// lock free, one task set, production traffic all on it.

import { DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ALL_PATTERNS, writeFleetCatalog } from '../test/support/generated-catalog.js';
import { push, weights } from '../test/support/local-cloud.js';
import { median, type FigureResult, type MeasureOptions, type Target } from './figures.js';
import { runInFreshProcess } from './fresh-process.js';
import {
  loadAverage,
  machine,
  sleep,
  startBenchCloud,
  stopBenchCloud,
  watchUpkeep,
  type CloudHandle,
  type Upkeep,
} from './local-cloud.js';

/**
 * Simulated seconds per real second. The figure is measured at `npm start`'s 60x: a 14-minute
 * linear rollout in 14 s. 300x is run too, for comparison, without targets: there the simulated
 * world (traffic, metrics, alarms of 100 services, five minutes of them each real second) takes
 * the one thread the handlers need, handler calls run into their Task timeouts (60 s, real time
 * on the local cloud whatever the speed) and deployments roll back. See the notes.
 */
const SPEED = 60;
const COMPARED_SPEED = 300;
const TARGET_RSS_BYTES = 1024 ** 3;
const MiB = 1024 ** 2;

interface ScalePlan {
  count: number;
  speed: number;
  deadlineMs: number;
}

interface ScaleRun extends ScalePlan {
  wallMs: number;
  ended: number;
  outcomes: Record<string, number>;
  perPattern: { pattern: string; medianEndMs: number | null; lastEndMs: number | null }[];
  /** "outcome: reason" and how many deployments ended so. */
  notPromoted: [string, number][];
  atRest: { clean: number; problems: string[] };
  rss: { before: number; idle: number; peak: number; samples: number; longestGapMs: number };
  cpu: { userMs: number; systemMs: number };
  lagMs: { p50: number; p99: number; max: number };
  spent: Upkeep;
}

export async function measure({ quick }: MeasureOptions): Promise<FigureResult> {
  const count = quick ? 20 : 100;
  const load = loadAverage();
  const deadlineMs = (quick ? 5 : 10) * 60_000;
  const runs: ScaleRun[] = [];
  for (const speed of [SPEED, COMPARED_SPEED]) {
    console.log(`scale: ${count} services at ${speed}x…`);
    runs.push(await runInFreshProcess<ScaleRun>(import.meta.url, 'scaleRun', { count, speed, deadlineMs }));
  }
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const mib = (bytes: number) => Math.round(bytes / MiB);
  const n = (run: ScaleRun, outcome: string) => run.outcomes[outcome] ?? 0;

  const rows = runs.map((run) => ({
    speed: run.speed === SPEED ? `${run.speed}x` : `${run.speed}x (compared, no target)`,
    services: run.count,
    'wall time (s)': seconds(run.wallMs),
    'peak RSS (MiB)': mib(run.rss.peak),
    promoted: n(run, 'promoted'),
    'rolled back': n(run, 'rolled-back'),
    aborted: n(run, 'aborted'),
    refused: n(run, 'refused'),
    'still running': n(run, 'still running'),
    'clean at rest': run.atRest.clean,
    'CPU (s)': seconds(run.cpu.userMs + run.cpu.systemMs),
    'simulating (s)': seconds(run.spent.worldMs),
    'saving state (s)': seconds(run.spent.saveMs),
    'event-loop delay p99 (ms)': run.lagMs.p99,
  }));
  const targets: Target[] = runs
    .filter((run) => run.speed === SPEED)
    .flatMap((run) => [
      {
        what: `peak RSS, ${run.count} services at ${run.speed}x`,
        target: '≤ 1024 MiB',
        actual: `${mib(run.rss.peak)} MiB`,
        met: run.rss.peak <= TARGET_RSS_BYTES,
      },
      {
        what: `promoted, none failed or stuck, all clean at rest (${run.speed}x)`,
        target: `${run.count} of ${run.count}`,
        actual:
          `${n(run, 'promoted')} promoted, ${run.ended} ended, ${run.atRest.clean} clean` +
          (n(run, 'still running') > 0 ? `, ${n(run, 'still running')} still running` : ''),
        met: n(run, 'promoted') === run.count && run.ended === run.count && run.atRest.clean === run.count,
      },
    ]);
  const notes = [
    `${count} services (${count / ALL_PATTERNS.length} of each pattern; generated catalog: linear is ` +
      'Linear10PercentEvery1Minutes, canary Canary10Percent5Minutes, rolling 50% batches, blue-green without approval; ' +
      '120 s final bake, 60 s termination wait, no hooks, no canary analysis), 4 tasks each, 20 simulated requests a ' +
      'second each (`cutover local start`’s defaults), one Node process per speed. A healthy image is pushed to every ' +
      `repository in the same moment; the wall time runs from the first push until every execution has ended ` +
      `(deadline ${deadlineMs / 60_000} minutes).`,
    ...runs.map(
      (run) =>
        `${run.speed}x: RSS ${mib(run.rss.before)} MiB before the local cloud started, ${mib(run.rss.idle)} MiB with it ` +
        `idle, peak ${mib(run.rss.peak)} MiB (${run.rss.samples} samples, longest gap ${run.rss.longestGapMs} ms). ` +
        `CPU ${seconds(run.cpu.userMs)} s user + ${seconds(run.cpu.systemMs)} s system in ${seconds(run.wallMs)} s ` +
        `(${Math.round(((run.cpu.userMs + run.cpu.systemMs) / run.wallMs) * 100)}% of one core); of the main thread, ` +
        `${seconds(run.spent.worldMs)} s moving the simulated world (tasks, traffic, metrics, alarms) and ` +
        `${seconds(run.spent.saveMs)} s in ${run.spent.saves} saves of state.json (the longest ${seconds(run.spent.longestSaveMs)} s); ` +
        `the rest is the handlers, the AWS endpoint, DynamoDB and Step Functions. Event-loop delay p50 ${run.lagMs.p50} ms, ` +
        `p99 ${run.lagMs.p99} ms, max ${run.lagMs.max} ms. Last end by pattern: ` +
        run.perPattern
          .map((p) => `${p.pattern} ${p.lastEndMs === null ? '—' : `${seconds(p.lastEndMs)} s`}`)
          .join(', ') +
        '. ' +
        (run.notPromoted.length === 0
          ? 'Every deployment was promoted.'
          : `Not promoted: ${run.notPromoted.map(([reason, k]) => `${k} × ${reason}`).join('; ')}.`) +
        (run.atRest.problems.length === 0
          ? ''
          : ` At rest, problems: ${run.atRest.problems.slice(0, 5).join('; ')}` +
            (run.atRest.problems.length > 5 ? ` (and ${run.atRest.problems.length - 5} more)` : '') +
            '.'),
    ),
    `Machine: ${machine(load)}.`,
  ];
  return { name: 'Scale', rows, targets, notes };
}

interface Tracked {
  service: string;
  pattern: string;
  execution: string;
  /** Real ms after the first push when the execution was seen ended. */
  endedAfterMs?: number;
  executionStatus?: string;
  outcome?: string;
  reason?: string;
}

/** One speed, in its own process (bench/fresh-process.ts). */
export async function scaleRun(plan: ScalePlan): Promise<ScaleRun> {
  const sampler = startRssSampler();
  const before = process.memoryUsage.rss();
  const catalogPath = writeFleetCatalog(plan.count, ALL_PATTERNS);
  const handle = await startBenchCloud({ catalogPath, speed: plan.speed });
  const idle = process.memoryUsage.rss();
  const spent = watchUpkeep(handle);
  const lag = monitorEventLoopDelay({ resolution: 20 });

  let tracked: Tracked[] = [];
  let wallMs = 0;
  let cpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let atRest: ScaleRun['atRest'] = { clean: 0, problems: [] };
  let samples: [at: number, bytes: number][] = [];
  try {
    lag.enable();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    tracked = Object.keys(handle.catalog.services).map((service) => {
      const digest = push(handle, service, 'v2', 'healthy');
      return {
        service,
        pattern: handle.catalog.services[service]!.strategy,
        execution: `${service}-${digest.replace('sha256:', '').slice(0, 12)}`,
      };
    });
    let lastProgress = started;
    while (performance.now() - started < plan.deadlineMs) {
      const executions = new Map(handle.cloud.stepFunctions.snapshot().map((e) => [e.name, e]));
      for (const t of tracked) {
        const execution = executions.get(t.execution);
        if (t.endedAfterMs !== undefined || execution === undefined || execution.status === 'RUNNING')
          continue;
        t.endedAfterMs = performance.now() - started;
        t.executionStatus = `${execution.status}${execution.error === undefined ? '' : ` ${execution.error}`}`;
      }
      const ended = tracked.filter((t) => t.endedAfterMs !== undefined).length;
      if (ended === tracked.length) break;
      if (performance.now() - lastProgress > 10_000) {
        lastProgress = performance.now();
        console.log(
          `scale ${plan.speed}x: ${ended}/${tracked.length} ended after ${Math.round((lastProgress - started) / 1000)} s`,
        );
      }
      await sleep(100);
    }
    wallMs = performance.now() - started;
    cpu = process.cpuUsage(cpuBefore);
    lag.disable();
    samples = await sampler.stop();

    for (const t of tracked) {
      const found = (await handle.clients.deployments.listByService(t.service, 5)).find((d) =>
        d.deploymentId.startsWith(t.execution),
      );
      t.outcome =
        t.endedAfterMs === undefined ? 'still running' : found === undefined ? 'refused' : found.status;
      if (t.outcome === 'still running')
        t.reason = found === undefined ? 'not begun' : `in phase ${found.phase}`;
      else if (found?.reason !== undefined) t.reason = found.reason.message;
      else if (t.outcome === 'running')
        t.reason = `the record says running, the execution ended ${t.executionStatus}`;
      else if (t.outcome === 'refused') t.reason = t.executionStatus;
    }
    atRest = await checkAtRest(handle, tracked);
  } finally {
    await sampler.stop();
    await stopBenchCloud(handle);
    rmSync(dirname(catalogPath), { recursive: true, force: true });
  }

  const outcomes: Record<string, number> = {};
  const notPromoted = new Map<string, number>();
  for (const t of tracked) {
    outcomes[t.outcome!] = (outcomes[t.outcome!] ?? 0) + 1;
    if (t.outcome === 'promoted') continue;
    const key = `${t.outcome}: ${t.reason ?? 'no reason recorded'}`;
    notPromoted.set(key, (notPromoted.get(key) ?? 0) + 1);
  }
  const gaps = samples.slice(1).map(([at], i) => at - samples[i]![0]);
  const lagMs = (value: number) => Math.round(value / 1e6);
  return {
    ...plan,
    wallMs,
    ended: tracked.filter((t) => t.endedAfterMs !== undefined).length,
    outcomes,
    perPattern: ALL_PATTERNS.map((pattern) => {
      const ends = tracked
        .filter((t) => t.pattern === pattern && t.endedAfterMs !== undefined)
        .map((t) => t.endedAfterMs!);
      return {
        pattern,
        medianEndMs: ends.length === 0 ? null : median(ends),
        lastEndMs: ends.length === 0 ? null : Math.max(...ends),
      };
    }),
    notPromoted: [...notPromoted],
    atRest,
    rss: {
      before,
      idle,
      peak: samples.reduce((max, [, bytes]) => Math.max(max, bytes), 0),
      samples: samples.length,
      longestGapMs: gaps.length === 0 ? 0 : Math.max(...gaps),
    },
    cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
    lagMs: { p50: lagMs(lag.percentile(50)), p99: lagMs(lag.percentile(99)), max: lagMs(lag.max) },
    spent,
  };
}

/** Samples the process's RSS every 100 ms on a worker thread; `stop` returns [ms, bytes] pairs. */
function startRssSampler(): { stop(): Promise<[number, number][]> } {
  const worker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     const samples = [];
     const sample = () => samples.push([Date.now(), process.memoryUsage.rss()]);
     sample();
     const timer = setInterval(sample, 100);
     parentPort.once('message', () => { clearInterval(timer); sample(); parentPort.postMessage(samples); });`,
    { eval: true },
  );
  let stopped: Promise<[number, number][]> | undefined;
  return {
    stop: () =>
      (stopped ??= new Promise<[number, number][]>((resolve, reject) => {
        worker.once('message', (samples: [number, number][]) => {
          resolve(samples);
          void worker.terminate();
        });
        worker.once('error', reject);
        worker.postMessage('stop');
      })),
  };
}

/** Lock free, exactly one task set (primary), and production traffic all on its target group. */
async function checkAtRest(handle: CloudHandle, tracked: Tracked[]): Promise<ScaleRun['atRest']> {
  const problems: string[] = [];
  let clean = 0;
  for (const { service } of tracked) {
    const entry = handle.catalog.services[service]!;
    const found: string[] = [];
    const holder = await handle.clients.locks.holder(service);
    if (holder !== null) found.push(`lock held by ${holder.deploymentId}`);
    const { taskSets = [] } = await handle.clients.ecs.send(
      new DescribeTaskSetsCommand({ cluster: entry.ecs.cluster, service: entry.ecs.service }),
    );
    if (taskSets.length !== 1 || taskSets[0]!.status !== 'PRIMARY') {
      found.push(`task sets: ${taskSets.map((t) => t.status).join(', ') || 'none'}`);
    } else if (entry.strategy !== 'rolling') {
      const group = taskSets[0]!.loadBalancers?.[0]?.targetGroupArn?.split('/').at(-2);
      const live = await weights(handle, service);
      if (group === undefined || live[group] !== 100) found.push(`weights ${JSON.stringify(live)}`);
    }
    if (found.length === 0) clean += 1;
    else problems.push(`${service}: ${found.join(', ')}`);
  }
  return { clean, problems };
}
