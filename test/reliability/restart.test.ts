// Restart: the local cloud is killed (SIGKILL, no chance to clean up) in the middle of a
// linear deployment, then started again on the same data folder. The deployment it cut
// short is found by its lock and brought back to the stable release, with a ledger record
// saying so; every record committed before the kill is still there; and the service
// deploys again afterwards.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTaskSetsCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { LEDGER_TABLE } from '../../local/cloud.js';
import { DynamoReleaseLedger } from '../../shared/aws/dynamodb-release-ledger.js';
import { parseCatalog } from '../../shared/domain/catalog-yaml.js';
import { verify, type LedgerRecord } from '../../shared/domain/ledger.js';
import { freePort } from '../../harness/emulators.js';
import { SCENARIOS, until } from '../../harness/local-cloud.js';
import { readFileSync } from 'node:fs';

const CLI = new URL('../../cli/cutover.mjs', import.meta.url).pathname;
const entry = parseCatalog(readFileSync(SCENARIOS, 'utf8')).services.linear!;
const dataDir = mkdtempSync(join(tmpdir(), 'cutover-restart-'));
const children: ChildProcess[] = [];
let port = 0;
let apiPort = 0;

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
});

/** Starts `cutover local start` in its own process; resolves once it says it is running. */
async function startCloud(log: string[]): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      CLI,
      'local',
      'start',
      '--data',
      dataDir,
      '--speed',
      '300',
      '--port',
      String(port),
      '--api-port',
      String(apiPort),
      '--catalog',
      SCENARIOS,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  child.stdout.on('data', (chunk: Buffer) => log.push(...chunk.toString().split('\n')));
  child.stderr.on('data', (chunk: Buffer) => log.push(...chunk.toString().split('\n')));
  await until(
    () => log.some((line) => line.includes('local cloud is running')),
    'the local cloud to start',
    60_000,
  );
  return child;
}

function push(tag: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [
      CLI,
      'local',
      'push',
      `linear:${tag}`,
      '--data',
      dataDir,
      '--wait',
      '0',
    ]);
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('exit', (code) =>
      code === 0 ? resolve(out.trim()) : reject(new Error(`push exited ${code}: ${out}`)),
    );
  });
}

const config = () => ({
  endpoint: `http://127.0.0.1:${port}`,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

async function productionWeights(): Promise<Record<string, number>> {
  const elb = new ElasticLoadBalancingV2Client(config());
  const { Rules } = await elb.send(
    new DescribeRulesCommand({ RuleArns: [entry.traffic.productionListenerRule] }),
  );
  const groups = Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  elb.destroy();
  return Object.fromEntries(groups.map((g) => [g.TargetGroupArn!, g.Weight ?? 0]));
}

async function ledger(): Promise<LedgerRecord[]> {
  const client = new DynamoDBClient(config());
  const records = await new DynamoReleaseLedger(DynamoDBDocumentClient.from(client), LEDGER_TABLE).list(
    'linear',
  );
  client.destroy();
  return records as LedgerRecord[];
}

async function taskSets() {
  const ecs = new ECSClient(config());
  const { taskSets: sets = [] } = await ecs.send(
    new DescribeTaskSetsCommand({ cluster: entry.ecs.cluster, service: entry.ecs.service }),
  );
  ecs.destroy();
  return sets;
}

const exited = (child: ChildProcess) => new Promise((resolve) => child.once('exit', resolve));

describe('restart in the middle of a deployment', () => {
  it('brings the orphaned deployment back to the stable release, loses nothing, and deploys again', async () => {
    [port, apiPort] = [await freePort(), await freePort()];
    const firstLog: string[] = [];
    const first = await startCloud(firstLog);
    await push('v2');
    const shifted = (r: LedgerRecord) =>
      r.type === 'TrafficShifted' && r.detail.weights.candidate >= 20 && r.detail.weights.candidate < 100;
    await until(async () => (await ledger()).some(shifted), 'traffic to reach 20%', 60_000);
    const committed = await ledger();
    first.kill('SIGKILL');
    await exited(first);

    const secondLog: string[] = [];
    const second = await startCloud(secondLog);
    await until(
      () => secondLog.some((line) => /recover-orphans: linear rolled-back/.test(line)),
      'the recovery',
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}; the local cloud said:\n${secondLog.join('\n')}`);
    });

    const after = await ledger();
    // Every record committed before the kill is still there, unchanged, and the chain verifies.
    expect(after.slice(0, committed.length)).toEqual(committed);
    expect(verify(after)).toMatchObject({ ok: true });
    const last = after.at(-1)!;
    expect(last).toMatchObject({ type: 'RolledBack', detail: { reason: { kind: 'recovered' } } });
    expect((last.detail as { reason: { message: string } }).reason.message).toMatch(
      // The local cloud saves its Step Functions state every few seconds: an execution started since
      // the last save is gone after a kill, one saved before is ABORTED. Either way it ended.
      /its execution (ended ABORTED \(States.Runtime\)|no longer exists) while it held the lock .* back on release 1$/,
    );
    const stableGroup = entry.traffic.targetGroups[0];
    expect(await productionWeights()).toEqual({ [stableGroup]: 100, [entry.traffic.targetGroups[1]]: 0 });
    const sets = await taskSets();
    expect(
      sets.map((s) => ({ status: s.status, targetGroup: s.loadBalancers?.[0]?.targetGroupArn })),
    ).toEqual([{ status: 'PRIMARY', targetGroup: stableGroup }]);

    // The lock is free: the next push deploys and is promoted.
    await push('v3');
    await until(
      async () => (await ledger()).at(-1)?.type === 'Promoted',
      'the next release to be promoted',
      90_000,
    );
    second.kill('SIGTERM');
    await exited(second);
  }, 240_000);
});
