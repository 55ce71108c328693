// Starts the local cloud for a scenario test, on a port fixed for the test file
// (handlers read the endpoint once per process), and drives it like a user would:
// pushes, waits for executions, and reads state back through AWS's own APIs.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeAlarmHistoryCommand,
  CloudWatchClient,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeTaskSetsCommand, ECSClient } from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LocalEcr } from '../local/aws/ecr.js';
import { loadBalancerDimension, targetGroupDimension } from '../local/aws/elbv2.js';
import { FUNCTION_NAMES } from '../local/functions.js';
import { DEPLOYMENTS_TABLE, LEDGER_TABLE, LocalCloud, type LocalCloudOptions } from '../local/cloud.js';
import { DynamoReleaseLedger } from '../shared/aws/dynamodb-release-ledger.js';
import { DynamoDeploymentLocks } from '../shared/aws/dynamodb-deployment-locks.js';
import { DynamoDeployments } from '../shared/aws/dynamodb-deployments.js';
import { DynamoServiceStates } from '../shared/aws/dynamodb-service-states.js';
import { parseCatalog } from '../shared/domain/catalog-yaml.js';
import type { Catalog } from '../shared/domain/catalog-schema.js';
import { chainNext, verify, type LedgerRecord } from '../shared/domain/ledger.js';
import { signatureCheck } from '../shared/domain/ledger-signature.js';
import { KmsLedgerKeys } from '../shared/aws/kms-ledger-keys.js';
import { JsonRequests, KMS } from '../shared/aws/json-requests.js';

export const SCENARIOS = new URL('../test/fixtures/local/scenarios.yml', import.meta.url).pathname;

export interface CloudHandle {
  cloud: LocalCloud;
  catalog: Catalog;
  dataDir: string;
  clients: ReturnType<typeof clientsFor>;
  stop(): Promise<void>;
}

export async function startCloud(options: {
  port: number;
  dataDir?: string;
  catalogPath?: string;
  speed?: number;
  /** The HTTP API's port; 0 (the default) picks a free one, as 4600 may be taken. */
  apiPort?: number;
  requestsPerSecond?: number;
  /** Where the local cloud's log lines go (default: nowhere, or the console with CUTOVER_TEST_LOG). */
  log?: (line: string) => void;
  /** How long a repeated error is counted before it is logged again (the cloud's default if unset). */
  errorLogWindowMs?: number;
  /** Keep the clock at `speed` however late the ticks run (default: it slows, as `npm start`'s does). */
  fixedSpeed?: boolean;
  /** How the clock slows and recovers (the cloud's default if unset). */
  governor?: LocalCloudOptions['governor'];
  onSpeedChange?: LocalCloudOptions['onSpeedChange'];
}): Promise<CloudHandle> {
  const catalogPath = options.catalogPath ?? SCENARIOS;
  const catalog = parseCatalog(readFileSync(catalogPath, 'utf8'));
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'cutover-local-'));
  const cloud = await LocalCloud.start({
    catalog,
    catalogPath,
    dataDir,
    speed: options.speed ?? 300,
    port: options.port,
    apiPort: options.apiPort ?? 0,
    tickMs: 25,
    desiredCount: 2,
    ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
    ...(process.env.CUTOVER_TEST_LOG ? { log: (line: string) => console.log(line) } : {}),
    ...(options.log === undefined ? {} : { log: options.log }),
    ...(options.errorLogWindowMs === undefined ? {} : { errorLogWindowMs: options.errorLogWindowMs }),
    ...(options.fixedSpeed === undefined ? {} : { fixedSpeed: options.fixedSpeed }),
    ...(options.governor === undefined ? {} : { governor: options.governor }),
    ...(options.onSpeedChange === undefined ? {} : { onSpeedChange: options.onSpeedChange }),
  });
  const clients = clientsFor(cloud.endpoint);
  return {
    cloud,
    catalog,
    dataDir,
    clients,
    stop: async () => {
      await cloud.stop();
      for (const client of Object.values(clients)) (client as { destroy?: () => void }).destroy?.();
    },
  };
}

/** SDK clients and table adapters on a local cloud's endpoint (the benchmarks use them too). */
export function clientsFor(endpoint: string) {
  const config = {
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    // Enough retries to read through the reliability suite's injected faults.
    maxAttempts: 10,
  };
  const documents = DynamoDBDocumentClient.from(new DynamoDBClient(config));
  return {
    ecs: new ECSClient(config),
    elb: new ElasticLoadBalancingV2Client(config),
    sfn: new SFNClient(config),
    cloudwatch: new CloudWatchClient(config),
    ledger: new DynamoReleaseLedger(documents, LEDGER_TABLE),
    deployments: new DynamoDeployments(documents, DEPLOYMENTS_TABLE),
    serviceStates: new DynamoServiceStates(documents, DEPLOYMENTS_TABLE),
    locks: new DynamoDeploymentLocks(documents, DEPLOYMENTS_TABLE),
  };
}

/** `cutover local push`, in-process: returns the digest. */
export function push(handle: CloudHandle, repository: string, tag: string, profile: string): string {
  const result = handle.cloud.ecr.putImage({
    repositoryName: repository,
    imageTag: tag,
    imageManifest: LocalEcr.manifest(repository, tag, profile),
  });
  return result.image.imageId.imageDigest;
}

/** Waits, in real time, until the execution a push of `digest` started has ended; returns it. */
export async function finished(handle: CloudHandle, service: string, digest: string, timeoutMs = 60_000) {
  const name = `${service}-${digest.replace('sha256:', '').slice(0, 12)}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const execution = await newest(handle, name);
    if (execution !== undefined && execution.status !== 'RUNNING') return execution;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`execution ${name} did not end within ${timeoutMs} ms`);
}

/** The newest execution whose name starts with `prefix`. */
export async function newest(handle: CloudHandle, prefix: string) {
  const machines = [...handle.cloud.stepFunctions.machines.keys()];
  const all = [];
  for (const stateMachineArn of machines) {
    const listed = await handle.clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
    all.push(...(listed.executions ?? []).filter((e) => e.name?.startsWith(prefix)));
  }
  const latest = all.sort((a, b) => b.startDate!.getTime() - a.startDate!.getTime())[0];
  if (latest === undefined) return undefined;
  return handle.clients.sfn.send(new DescribeExecutionCommand({ executionArn: latest.executionArn }));
}

/** Waits until `check` holds, polling in real time. */
export async function until(
  check: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The production rule's weights, read back through ELBv2. */
export async function weights(handle: CloudHandle, service: string): Promise<Record<string, number>> {
  const rule = handle.catalog.services[service]!.traffic.productionListenerRule;
  const described = await handle.clients.elb.send(new DescribeRulesCommand({ RuleArns: [rule] }));
  const groups = described.Rules?.[0]?.Actions?.[0]?.ForwardConfig?.TargetGroups ?? [];
  return Object.fromEntries(groups.map((g) => [g.TargetGroupArn!.split('/').at(-2)!, g.Weight!]));
}

export async function taskSets(handle: CloudHandle, service: string) {
  const { ecs } = handle.catalog.services[service]!;
  const described = await handle.clients.ecs.send(
    new DescribeTaskSetsCommand({ cluster: ecs.cluster, service: ecs.service }),
  );
  return (described.taskSets ?? []).map((t) => ({
    status: t.status,
    taskDefinition: t.taskDefinition,
    targetGroup: t.loadBalancers?.[0]?.targetGroupArn?.split('/').at(-2),
  }));
}

/** The ledger of a service, verified against its anchor. */
/** A service's records, and their verification: hashes, links, the head anchor and every signature. */
export async function ledger(handle: CloudHandle, service: string) {
  const anchor = (await handle.clients.serviceStates.get(service)).ledgerHead ?? undefined;
  const records = await handle.clients.ledger.list(service);
  const kms = new JsonRequests(KMS, {
    endpoint: handle.cloud.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const keys = await new KmsLedgerKeys(kms, [handle.cloud.ledger.resources.arn('LedgerKey')]).trusted();
  return {
    records: records as { type: string; detail: Record<string, unknown> }[],
    verified: verify(records, {
      service,
      ...(anchor ? { head: anchor } : {}),
      signatures: signatureCheck(keys),
    }),
  };
}

/**
 * Puts a forged record on the service's chain, in the right place with a wrong hash (as someone
 * with write access to the table but not the ledger key could); answers it as it would have been.
 */
export async function forgeRecord(handle: CloudHandle, service: string): Promise<LedgerRecord> {
  const head = (await ledger(handle, service)).records.at(-1) as unknown as LedgerRecord;
  const next = chainNext(head, {
    service,
    at: new Date().toISOString(),
    deploymentId: head.deploymentId,
    release: head.release,
    actor: 'operator:mallory',
    type: 'OperatorAction',
    detail: { action: 'abort' },
  });
  if (!(await handle.clients.ledger.put({ ...next, hash: 'f'.repeat(64) })))
    throw new Error(`could not put the forged record ${next.seq} of ${service}`);
  return next;
}

export async function alarmHistory(handle: CloudHandle, alarmName: string): Promise<string[]> {
  const history = await handle.clients.cloudwatch.send(
    new DescribeAlarmHistoryCommand({ AlarmName: alarmName, HistoryItemType: 'StateUpdate' }),
  );
  return (history.AlarmHistoryItems ?? []).map((h) => h.HistorySummary ?? '').reverse();
}

/** Calls the local HTTP API as a client does: with the bearer token, and the actor's header. */
export async function callApi<T = Record<string, unknown>>(
  handle: CloudHandle,
  method: string,
  path: string,
  body?: unknown,
  actor = 'operator:test',
): Promise<{ status: number; body: T }> {
  const response = await fetch(`${handle.cloud.apiEndpoint}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${handle.cloud.token}`,
      'x-cutover-actor': actor,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, body: (await response.json()) as T };
}

/**
 * Loads every handler once, as a warm Lambda is: a first call compiles its TypeScript, which
 * can outlast a Task's TimeoutSeconds in simulated time and fail a deployment that did nothing
 * wrong. Each is called with no input, which it refuses; returns how each call settled.
 */
export async function warmHandlers(handle: CloudHandle): Promise<PromiseSettledResult<unknown>[]> {
  // Not the API (already serving) nor the scheduled functions (which take no input and would run).
  const skipped = new Set(['api', 'check-drift', 'recover-orphans']);
  const names = FUNCTION_NAMES.filter((name) => !skipped.has(name));
  return Promise.allSettled(
    names.map((name) => handle.cloud.functions.resolve(name)({}, { functionName: name })),
  );
}

/**
 * Stops the local cloud after a test that may have failed half-way: running executions are
 * stopped, and handler calls in flight finish before the tables close under them.
 */
export async function stopCleanly(handle: CloudHandle | undefined, graceMs = 5_000): Promise<void> {
  if (handle === undefined) return;
  for (const execution of handle.cloud.stepFunctions.runningExecutions()) execution.stop();
  const deadline = Date.now() + graceMs;
  while (handle.cloud.functions.busy > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await handle.stop();
}

/** A DynamoDB document client on `endpoint` with the administrator's credentials (the AWS endpoint, or dynalite's own). */
export function documentsAt(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
}

/** Requests a service's first target group served, summed over the last simulated hour. */
export async function requestsServed(handle: CloudHandle, service: string): Promise<number> {
  const group = handle.catalog.services[service]!.traffic.targetGroups[0];
  const now = handle.cloud.clock.now();
  const stats = await handle.clients.cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/ApplicationELB',
      MetricName: 'RequestCount',
      Dimensions: [
        { Name: 'TargetGroup', Value: targetGroupDimension(group) },
        { Name: 'LoadBalancer', Value: loadBalancerDimension(handle.cloud.elb.loadBalancerOf(group)!) },
      ],
      StartTime: new Date(now - 3_600_000),
      EndTime: new Date(now),
      Period: 60,
      Statistics: ['Sum'],
    }),
  );
  return (stats.Datapoints ?? []).reduce((sum, d) => sum + (d.Sum ?? 0), 0);
}

/**
 * The load balancer's RequestCount per minute, under these CloudWatch dimensions (a target group
 * and its load balancer, or the load balancer alone), from `from` to `to`, oldest first.
 */
export async function requestsPerMinute(
  handle: CloudHandle,
  dimensions: Record<string, string>,
  from: Date,
  to: Date,
  scanBy: 'TimestampAscending' | 'TimestampDescending' = 'TimestampAscending',
): Promise<{ Timestamps: Date[]; Values: number[] }> {
  const { MetricDataResults } = await handle.clients.cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: from,
      EndTime: to,
      ScanBy: scanBy,
      MetricDataQueries: [
        {
          Id: 'requests',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/ApplicationELB',
              MetricName: 'RequestCount',
              Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })),
            },
            Period: 60,
            Stat: 'Sum',
          },
        },
      ],
    }),
  );
  const result = MetricDataResults![0]!;
  return { Timestamps: result.Timestamps ?? [], Values: result.Values ?? [] };
}
