// Figure 3, rollback reaction: the real milliseconds from a CloudWatch alarm going to ALARM
// to production traffic being all on the stable task set again, on the local cloud.
//
// Each run is a fresh deployment of a linear service (Linear10PercentEvery1Minutes): a new
// image is pushed, and once production is at 10% on it and the deployment is baking, the
// service's 5xx alarm is set to ALARM with SetAlarmState through the local endpoint. The
// clock starts just before that call is sent. It stops at the first of two sightings of the
// stable target group at weight 100 and the new one at 0: the local ELBv2 changing the rule
// (in-process, at the moment the roll-back handler's ModifyRule is applied), and a
// DescribeRules read through the endpoint, polled every few milliseconds. The alarm's event
// goes the way it goes on AWS: EventBridge rule → on-alarm → SendTaskFailure on the bake's
// token → the state machine's Catch → RollBack → ModifyRule.

import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { writeFleetCatalog } from '../harness/generated-catalog.js';
import { finished, push, until } from '../harness/local-cloud.js';
import type { Deployment } from '../shared/domain/deployment.js';
import { median, percentile, type FigureResult, type MeasureOptions } from './figures.js';
import { measureInFreshProcess } from './fresh-process.js';
import {
  loadAverage,
  machine,
  ms1,
  sleep,
  startBenchCloud,
  stopBenchCloud,
  type CloudHandle,
} from './local-cloud.js';

/** `npm start`'s default: a linear step's 60 s bake is one real second. */
const SPEED = 60;
const SERVICE = 's000';
const TARGET_P95_MS = 250;
/** How often the DescribeRules reader asks, in real ms. */
const POLL_MS = 5;

export const measure = (options: MeasureOptions) => measureInFreshProcess(import.meta.url, options);

interface Run {
  /** From SetAlarmState sent to the local ELBv2 applying the weights back. */
  inProcessMs: number;
  /** From SetAlarmState sent to a DescribeRules answer showing them. */
  describeRulesMs: number;
  /** SetAlarmState's own round trip. */
  setAlarmStateMs: number;
  /** The rollback's reason: the bake failed by the alarm's event, as intended. */
  byAlarmEvent: boolean;
  status: string;
  reason: string;
}

export async function measureHere({ quick }: MeasureOptions): Promise<FigureResult> {
  const runs = quick ? 5 : 20;
  const load = loadAverage();
  const catalogPath = writeFleetCatalog(1, ['linear']);
  const handle = await startBenchCloud({ catalogPath, speed: SPEED });
  const results: Run[] = [];
  let warmUp: Run;
  try {
    // One run first, not counted: the first rollback of the process runs code paths nothing has run yet.
    warmUp = await oneRun(handle, 0);
    for (let i = 1; i <= runs; i += 1) {
      const run = await oneRun(handle, i);
      console.log(
        `rollback ${i}/${runs}: ${ms1(run.inProcessMs)} ms in-process, ${ms1(run.describeRulesMs)} ms by DescribeRules` +
          (run.byAlarmEvent ? '' : ` (${run.status}: ${run.reason})`),
      );
      results.push(run);
    }
  } finally {
    await stopBenchCloud(handle);
    rmSync(dirname(catalogPath), { recursive: true, force: true });
  }

  const inProcess = results.map((r) => r.inProcessMs);
  const describe = results.map((r) => r.describeRulesMs);
  const row = (what: string, values: number[]) => ({
    'clock stops at': what,
    runs: values.length,
    'p50 (ms)': ms1(percentile(values, 50)),
    'p95 (ms)': ms1(percentile(values, 95)),
    'min (ms)': ms1(Math.min(...values)),
    'max (ms)': ms1(Math.max(...values)),
  });
  const p95 = percentile(inProcess, 95);
  const p95Read = percentile(describe, 95);
  const other = results.filter((r) => !r.byAlarmEvent || r.status !== 'rolled-back');
  return {
    name: 'Rollback reaction',
    rows: [
      row('local ELBv2 applies the weights (in-process)', inProcess),
      row('DescribeRules shows them', describe),
    ],
    targets: [
      {
        what: 'alarm → weights on stable, p95 (in-process)',
        target: `≤ ${TARGET_P95_MS} ms`,
        actual: `${ms1(p95)} ms`,
        met: p95 <= TARGET_P95_MS,
      },
      {
        what: 'alarm → weights on stable, p95 (DescribeRules)',
        target: `≤ ${TARGET_P95_MS} ms`,
        actual: `${ms1(p95Read)} ms`,
        met: p95Read <= TARGET_P95_MS,
      },
    ],
    notes: [
      `${runs} runs, each a fresh deployment of a linear service (Linear10PercentEvery1Minutes) on the local cloud at ${SPEED}x, ` +
        'baking at 10% when its 5xx alarm is set to ALARM with SetAlarmState through the local endpoint; ' +
        `one more run before them is not counted (${ms1(warmUp.inProcessMs)} ms in-process).`,
      'The clock starts just before SetAlarmState is sent, so it includes that call ' +
        `(median round trip ${ms1(median(results.map((r) => r.setAlarmStateMs)))} ms). ` +
        'It stops when the local ELBv2 applies the roll-back handler’s ModifyRule (stable target group 100, new one 0), ' +
        `or, in the second row, when a DescribeRules read through the endpoint, asked every ${POLL_MS} ms, first shows that.`,
      'Path: alarm state change event → EventBridge rule → on-alarm (finds the bake watching the alarm, records the reason, ' +
        'SendTaskFailure) → Catch → RollBack (reads the deployment, ends the bake, records the phase, ModifyRule, reads it back; ' +
        "only then deletes the bake's schedule). " +
        'Every handler call goes over HTTP to the local endpoint and DynamoDB (dynalite on disk), in one Node process.',
      other.length === 0
        ? `Every run was rolled back by the alarm’s event during the bake (the reason says so), none by a later check.`
        : `${runs - other.length} of ${runs} runs were rolled back by the alarm’s event during the bake; the others ended ` +
          `so (reaction in-process): ${other.map((r) => `${r.status}, “${r.reason}” (${ms1(r.inProcessMs)} ms)`).join('; ')}.`,
      `Percentiles by nearest rank. Machine: ${machine(load)}.`,
    ],
  };
}

async function oneRun(handle: CloudHandle, n: number): Promise<Run> {
  const digest = push(handle, SERVICE, `r${n}`, 'healthy');
  const deploymentId = `${SERVICE}-${digest.replace('sha256:', '').slice(0, 12)}`;
  const rule = handle.catalog.services[SERVICE]!.traffic.productionListenerRule;

  // Baking at 10% or more: the weights verified and the bake's token recorded.
  let deployment: Deployment | undefined;
  await until(
    async () => {
      deployment = (await handle.clients.deployments.listByService(SERVICE, 1)).find((d) =>
        d.deploymentId.startsWith(deploymentId),
      );
      if (deployment !== undefined && deployment.status !== 'running') {
        throw new Error(`${deployment.deploymentId} ended (${deployment.status}) before its first bake`);
      }
      return (
        deployment?.phase === 'bake' && deployment.bake !== undefined && deployment.weights.candidate >= 10
      );
    },
    `${deploymentId} to bake at 10%`,
    60_000,
  );
  const stable = deployment!.stable.targetGroupArn;
  const backOnStable = (weights: { targetGroupArn: string; weight: number }[]) =>
    weights.length > 0 && weights.every((w) => w.weight === (w.targetGroupArn === stable ? 100 : 0));

  let appliedAt: number | undefined;
  const stopListening = handle.cloud.elb.onChange((change) => {
    if (appliedAt === undefined && change.arn === rule && backOnStable(change.weights)) {
      appliedAt = performance.now();
    }
  });
  let readAt: number | undefined;
  const reader = (async () => {
    const deadline = performance.now() + 10_000;
    while (readAt === undefined && performance.now() < deadline) {
      const described = await handle.clients.elb.send(new DescribeRulesCommand({ RuleArns: [rule] }));
      const groups = described.Rules?.[0]?.Actions?.find((a) => a.Type === 'forward')?.ForwardConfig;
      const weights = (groups?.TargetGroups ?? []).map((g) => ({
        targetGroupArn: g.TargetGroupArn!,
        weight: g.Weight ?? 0,
      }));
      if (backOnStable(weights)) readAt = performance.now();
      else await sleep(POLL_MS);
    }
  })();

  const started = performance.now();
  await handle.clients.cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: `${SERVICE}-5xx-rate`,
      StateValue: 'ALARM',
      StateReason: 'benchmark: rollback reaction',
    }),
  );
  const setAlarmStateMs = performance.now() - started;
  await reader;
  stopListening();
  if (appliedAt === undefined || readAt === undefined) {
    throw new Error(`run ${n}: production was not back on the stable target group within 10 s`);
  }

  await finished(handle, SERVICE, digest, 60_000);
  const ended = await handle.clients.deployments.get(deployment!.deploymentId);
  // Back to OK for the next deployment, whose first step checks the alarms.
  await handle.clients.cloudwatch.send(
    new SetAlarmStateCommand({
      AlarmName: `${SERVICE}-5xx-rate`,
      StateValue: 'OK',
      StateReason: 'benchmark: reset',
    }),
  );
  await until(
    async () => (await handle.clients.locks.holder(SERVICE)) === null,
    `${SERVICE}'s lock to be released`,
  );
  return {
    inProcessMs: appliedAt - started,
    describeRulesMs: readAt - started,
    setAlarmStateMs,
    byAlarmEvent: ended?.reason?.kind === 'alarm' && ended.reason.message.includes('during the bake'),
    status: ended?.status ?? 'missing',
    reason: ended?.reason?.message ?? 'none recorded',
  };
}
