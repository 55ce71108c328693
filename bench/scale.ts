// Figure 4, scale: 100 services deploying at once on the local cloud at 300x, then 500 at 60x
// (20 at 300x with --quick), five patterns in turn (linear, canary, all-at-once, blue-green
// without approval, rolling), each started the way a push starts it: a healthy image is pushed to every service's repository in
// the same moment, and each push goes ECR event → EventBridge rule → on-image-push →
// StartExecution. Measured in a fresh process: the wall time until every execution has ended;
// the peak RSS of the process (the local cloud with every handler, the simulation and this
// driver), sampled every 100 ms by a worker thread so that a long synchronous stretch of the
// main thread cannot hide a peak; and how each deployment ended. Healthy images should all be
// promoted; anything else is counted with its reason, and so is a deployment still running at
// the deadline. Afterwards each service is checked at rest: lock free, one task set, production
// traffic all on it.

import { DescribeTaskSetsCommand } from '@aws-sdk/client-ecs';
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { ALL_PATTERNS, writeFleetCatalog } from '../harness/generated-catalog.js';
import { push, weights } from '../harness/local-cloud.js';
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
 * The runs: 100 services at 300x, where the clock slows while the machine cannot keep up
 * (local/clock-governor.ts), and 500 services at `npm start`'s 60x; 20 services at 300x with
 * --quick. Lambda Task timeouts (60 s) are real time on the local cloud whatever the speed.
 */
const RUNS = [
  { count: 100, speed: 300, rssTarget: 600 },
  { count: 500, speed: 60 },
] as const;
const QUICK_RUNS = [{ count: 20, speed: 300, rssTarget: 600 }] as const;
const MiB = 1024 ** 2;

interface ScalePlan {
  count: number;
  speed: number;
  deadlineMs: number;
}

interface Ended {
  pattern: string;
  outcome: string;
  reason?: string;
  /** Real ms after the first push when the execution was seen ended. */
  endedAfterMs?: number;
  clean: boolean;
}

interface ScaleRun extends ScalePlan {
  wallMs: number;
  /** The clock's speed: the lowest it ran at, and simulated over real time for the whole run. */
  clock: { slowest: number; overall: number };
  deployments: Ended[];
  atRestProblems: string[];
  rss: { before: number; idle: number; peak: number; samples: number; longestGapMs: number };
  cpu: { userMs: number; systemMs: number };
  lagMs: { p50: number; p99: number; max: number };
  spent: Upkeep;
}

export async function measure({ quick }: MeasureOptions): Promise<FigureResult> {
  const rows = [];
  const targets: Target[] = [];
  const notes: string[] = [];
  for (const plan of quick ? QUICK_RUNS : RUNS) {
    const load = loadAverage();
    const run = await runInFreshProcess<ScaleRun>(import.meta.url, 'scaleRun', {
      count: plan.count,
      speed: plan.speed,
      deadlineMs: (quick ? 5 : plan.count > 100 ? 25 : 10) * 60_000,
    });
    const figure = describeRun(run, 'rssTarget' in plan ? plan.rssTarget : undefined, load);
    rows.push(...figure.rows);
    targets.push(...figure.targets);
    notes.push(...figure.notes);
  }
  return { name: 'Scale', rows, targets, notes };
}

function describeRun(run: ScaleRun, rssTargetMiB: number | undefined, load: number) {
  const { count } = run;
  const seconds = (ms: number) => Math.round(ms / 100) / 10;
  const mib = (bytes: number) => Math.round(bytes / MiB);
  const label = `${count} at ${run.speed}x`;

  const rowFor = (pattern: string, list: Ended[]) => {
    const n = (outcome: string) => list.filter((d) => d.outcome === outcome).length;
    const ends = list.flatMap((d) => (d.endedAfterMs === undefined ? [] : [d.endedAfterMs]));
    return {
      run: label,
      pattern,
      services: list.length,
      promoted: n('promoted'),
      'rolled back': n('rolled-back'),
      aborted: n('aborted'),
      refused: n('refused'),
      failed: n('failed'),
      'still running': n('still running'),
      'clean at rest': list.filter((d) => d.clean).length,
      'median end (s)': ends.length === 0 ? '—' : seconds(median(ends)),
      'last end (s)': ends.length === 0 ? '—' : seconds(Math.max(...ends)),
    };
  };
  const rows = [
    ...ALL_PATTERNS.map((pattern) =>
      rowFor(
        pattern,
        run.deployments.filter((d) => d.pattern === pattern),
      ),
    ),
    rowFor('all', run.deployments),
  ];

  const promoted = run.deployments.filter((d) => d.outcome === 'promoted').length;
  const ended = run.deployments.filter((d) => d.endedAfterMs !== undefined).length;
  const clean = run.deployments.filter((d) => d.clean).length;
  const targets: Target[] = [
    {
      what: `${label}: promoted, none failed or stuck, every service clean at rest`,
      target: `${count} of ${count}`,
      actual: `${promoted} promoted, ${ended} ended, ${clean} clean`,
      met: promoted === count && ended === count && clean === count,
    },
  ];
  if (rssTargetMiB !== undefined) {
    targets.push({
      what: `${label}: peak RSS`,
      target: `≤ ${rssTargetMiB} MiB`,
      actual: `${mib(run.rss.peak)} MiB`,
      met: run.rss.peak <= rssTargetMiB * MiB,
    });
  }
  const notPromoted = new Map<string, number>();
  for (const d of run.deployments.filter((d) => d.outcome !== 'promoted')) {
    const key = `${d.outcome}: ${d.reason ?? 'no reason recorded'}`;
    notPromoted.set(key, (notPromoted.get(key) ?? 0) + 1);
  }
  const notes = [
    `${label}: ${count} services (${count / ALL_PATTERNS.length} of each pattern; generated catalog: linear is ` +
      'Linear10PercentEvery1Minutes, canary Canary10Percent5Minutes, rolling 50% batches, blue-green without approval; ' +
      '120 s final bake, 60 s termination wait, no hooks, no canary analysis), 4 tasks each, 20 simulated requests a ' +
      `second each, a tick every 100 ms (\`cutover local start\`’s defaults), asked for ${run.speed}x, in one Node process. ` +
      'A healthy image is pushed to every repository in the same moment. End times are real seconds from the first push ' +
      `until the execution was seen ended (checked every 100 ms; deadline ${run.deadlineMs / 60_000} minutes).`,
    `${label}: the clock ran at ${run.clock.overall}x over the run (simulated time over real time), at ` +
      `${run.clock.slowest}x at its slowest: it slows while ticks run late (docs/local-cloud.md).`,
    `${label}: wall time ${seconds(run.wallMs)} s. CPU ${seconds(run.cpu.userMs)} s user + ${seconds(run.cpu.systemMs)} s system ` +
      `(${Math.round(((run.cpu.userMs + run.cpu.systemMs) / run.wallMs) * 100)}% of one core). Of the main thread, ` +
      `${seconds(run.spent.worldMs)} s went to moving the simulated world (tasks, traffic, metrics, alarms; longest tick ` +
      `${Math.round(run.spent.longestWorldMs)} ms) and ${seconds(run.spent.saveMs)} s to ${run.spent.saves} saves of state.json ` +
      `(longest ${seconds(run.spent.longestSaveMs)} s); the rest to the handlers, the AWS endpoint, DynamoDB and Step ` +
      `Functions. Event-loop delay p50 ${run.lagMs.p50} ms, p99 ${run.lagMs.p99} ms, max ${run.lagMs.max} ms.`,
    `${label}: RSS ${mib(run.rss.before)} MiB before the local cloud started, ${mib(run.rss.idle)} MiB with it started ` +
      `and idle, peak ${mib(run.rss.peak)} MiB (${run.rss.samples} samples by a worker thread, longest gap ${run.rss.longestGapMs} ms).`,
    notPromoted.size === 0
      ? `${label}: every deployment was promoted.`
      : `${label}: not promoted: ${[...notPromoted].map(([reason, k]) => `${k} × ${reason}`).join('; ')}.`,
    run.atRestProblems.length === 0
      ? `${label}: at rest afterwards, every lock free, one task set per service, all production traffic on it.`
      : `${label}: at rest afterwards, problems: ${run.atRestProblems.slice(0, 5).join('; ')}` +
        (run.atRestProblems.length > 5 ? ` (and ${run.atRestProblems.length - 5} more)` : '') +
        '.',
    `${label}: machine: ${machine(load)}.`,
  ];
  return { rows, targets, notes };
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

/** The run, in its own process (bench/fresh-process.ts). */
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
  let slowest = plan.speed;
  let overall = plan.speed;
  let cpu: NodeJS.CpuUsage = { user: 0, system: 0 };
  let atRest: { clean: number; problems: string[] } = { clean: 0, problems: [] };
  let samples: [at: number, bytes: number][] = [];
  try {
    lag.enable();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const simStarted = handle.cloud.clock.now();
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
        // Push executions are named `<service>-<12 hex>-e<event>`: t.execution is that prefix.
        const execution = [...executions.values()].find((e) => e.name.startsWith(`${t.execution}-`));
        if (t.endedAfterMs !== undefined || execution === undefined || execution.status === 'RUNNING')
          continue;
        t.endedAfterMs = performance.now() - started;
        t.executionStatus = `${execution.status}${execution.error === undefined ? '' : ` ${execution.error}`}`;
      }
      slowest = Math.min(slowest, handle.cloud.clock.currentSpeed);
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
    overall = (handle.cloud.clock.now() - simStarted) / wallMs;
    cpu = process.cpuUsage(cpuBefore);
    lag.disable();
    samples = await sampler.stop();

    for (const t of tracked) {
      const found = (await handle.clients.deployments.listByService(t.service, 5)).find((d) =>
        d.deploymentId.startsWith(t.execution),
      );
      // An execution that ended while its deployment record still says running failed without
      // closing the deployment (no rollback ran): counted as failed.
      t.outcome =
        t.endedAfterMs === undefined
          ? 'still running'
          : found === undefined
            ? 'refused'
            : found.status === 'running'
              ? 'failed'
              : found.status;
      if (t.outcome === 'still running')
        t.reason = found === undefined ? 'not begun' : `in phase ${found.phase}`;
      else if (t.outcome === 'failed')
        t.reason = `execution ${t.executionStatus}, its deployment record left running`;
      else if (found?.reason !== undefined) t.reason = found.reason.message;
      else if (t.outcome === 'refused') t.reason = t.executionStatus;
    }
    atRest = await checkAtRest(handle, tracked);
  } finally {
    await sampler.stop();
    await stopBenchCloud(handle);
    rmSync(dirname(catalogPath), { recursive: true, force: true });
  }

  const gaps = samples.slice(1).map(([at], i) => at - samples[i]![0]);
  const lagMs = (value: number) => Math.round(value / 1e6);
  return {
    ...plan,
    wallMs,
    clock: { slowest: Math.round(slowest * 10) / 10, overall: Math.round(overall * 10) / 10 },
    deployments: tracked.map((t) => ({
      pattern: t.pattern,
      outcome: t.outcome!,
      ...(t.reason === undefined ? {} : { reason: t.reason }),
      ...(t.endedAfterMs === undefined ? {} : { endedAfterMs: t.endedAfterMs }),
      clean: !atRest.problems.some((p) => p.startsWith(`${t.service}:`)),
    })),
    atRestProblems: atRest.problems,
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
async function checkAtRest(
  handle: CloudHandle,
  tracked: Tracked[],
): Promise<{ clean: number; problems: string[] }> {
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
