// The operator's side of the HTTP API tests (test/api/operator-actions-*.test.ts): a local
// cloud on the scenarios catalog (test/fixtures/local/scenarios.yml) at `npm start`'s speed,
// and the calls an operator makes over real HTTP with the bearer token, with state read back
// through the API itself, the ledger and Step Functions.

import { GetExecutionHistoryCommand, ListExecutionsCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, expect } from 'vitest';
import { LocalEcr } from '../../local/aws/ecr.js';
import { freePort } from '../../harness/emulators.js';
import {
  callApi,
  ledger,
  startCloud,
  stopCleanly,
  warmHandlers,
  type CloudHandle,
} from '../../harness/local-cloud.js';

/**
 * Simulated seconds per real second: `npm start`'s default. A Task's TimeoutSeconds (60 s)
 * is then a real second, which a handler on a busy machine needs; and a bake lasts long
 * enough to act on over HTTP (a linear step's 60 s bake is one real second).
 */
const SPEED = 60;
export const REGISTRY = '000000000000.dkr.ecr.us-east-1.amazonaws.com';

export interface DeploymentView {
  deploymentId: string;
  service?: string;
  release?: number;
  image?: string;
  strategy?: string;
  status: 'starting' | 'running' | 'promoted' | 'rolled-back' | 'aborted' | 'refused';
  phase?: string;
  trigger?: string;
  actor?: string;
  weights?: { stable: number; candidate: number };
  bake: { endsAt: string; secondsLeft: number } | null;
  approval: { expiresAt: string } | null;
  alarms?: { name: string; state: string }[];
  steps?: { kind: string; weight?: number; state: 'done' | 'current' | 'pending' }[];
  reason: { kind: string; message: string; alarmName?: string } | null;
  execution: { status: string; error: string | null; cause: string | null } | null;
  startedAt?: string;
  updatedAt?: string;
}

export interface ErrorBody {
  error: { code: string; message: string };
}

export interface LedgerEntry {
  seq: number;
  type: string;
  release: number;
  actor: string;
  at: string;
  deploymentId: string;
  detail: Record<string, unknown> & { weights?: { stable: number; candidate: number } };
}

/** Starts the cloud for one test file, and checks that its handlers, given nothing, did nothing. */
export async function startOperatorCloud(): Promise<CloudHandle> {
  const handle = await startCloud({ port: await freePort(), speed: SPEED });
  const results = await warmHandlers(handle);
  // A handler given nothing must not have done anything with it.
  expect(results.map((r) => r.status)).toEqual(results.map(() => 'rejected'));
  return handle;
}

/** A bake with at least `seconds` of it left: time enough to act on it over HTTP. */
export const bakingFor = (seconds: number) => (d: DeploymentView) =>
  d.status === 'running' && d.phase === 'bake' && d.bake !== null && d.bake.secondsLeft >= seconds;

export const statesEntered = (events: HistoryEvent[]) =>
  events.flatMap((e) => (e.stateEnteredEventDetails?.name ? [e.stateEnteredEventDetails.name] : []));

export const at = (record: LedgerEntry) => Date.parse(record.at);

/** The operator's calls, on the cloud `cloud()` returns once the file's beforeAll has started it. */
/**
 * A cloud for the file's tests: started before them, stopped after. `cloud()` is it (once
 * started); the rest are operatorApi's calls against it.
 */
export function useOperatorCloud() {
  let handle: CloudHandle;
  beforeAll(async () => {
    handle = await startOperatorCloud();
  }, 60_000);
  afterAll(() => stopCleanly(handle));
  const cloud = () => handle;
  return { cloud, ...operatorApi(cloud) };
}

export function operatorApi(cloud: () => CloudHandle) {
  /**
   * Image n's digest, pushed untagged to every repository the first time (the local ECR stops tasks
   * whose image it does not hold; an untagged push starts no deployment).
   */
  const digests = new Map<number, string>();
  const digest = (n: number): string => {
    let found = digests.get(n);
    if (found === undefined) {
      // One manifest for every repository, so image n has one digest wherever it is pushed.
      const imageManifest = LocalEcr.manifest('operator-actions', `image-${n}`, 'healthy');
      for (const repositoryName of ['linear', 'canary', 'allatonce', 'bluegreen', 'rolling']) {
        found = cloud().cloud.ecr.putImage({
          repositoryName,
          imageManifest,
        }).image.imageId.imageDigest;
      }
      digests.set(n, found!);
    }
    return found!;
  };

  function api<T = unknown>(method: string, path: string, body?: unknown, actor = 'operator:ana') {
    return callApi<T>(cloud(), method, path, body, actor);
  }

  async function deploy(service: string, n: number, extra: Record<string, unknown> = {}): Promise<string> {
    const response = await api<{ deploymentId: string }>('POST', '/deployments', {
      service,
      image: `${REGISTRY}/${service}@${digest(n)}`,
      ...extra,
    });
    expect(response.status).toBe(202);
    return response.body.deploymentId;
  }

  const view = async (id: string) => {
    const response = await api<DeploymentView>('GET', `/deployments/${id}`);
    expect(response.status).toBe(200);
    return response.body;
  };

  /** Polls GET /deployments/{id} in real time until `test` holds; returns that answer. */
  async function waitFor(
    id: string,
    test: (d: DeploymentView) => boolean,
    what: string,
    timeoutMs = 20_000,
  ): Promise<DeploymentView> {
    const deadline = Date.now() + timeoutMs;
    let last: DeploymentView | undefined;
    while (Date.now() < deadline) {
      last = await view(id);
      if (test(last)) return last;
      if (last.execution !== null && last.execution.status !== 'RUNNING' && last.status !== 'starting') {
        throw new Error(`${id} ended before ${what}: ${JSON.stringify(last)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error(`timed out waiting for ${id}: ${what}; last answer: ${JSON.stringify(last)}`);
  }

  /** Until the execution has ended: the answer as GET /deployments/{id} gives it then. */
  async function ended(id: string): Promise<DeploymentView> {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const d = await view(id);
      if (d.execution !== null && d.execution.status !== 'RUNNING') return d;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`${id} did not end`);
  }

  async function records(service: string): Promise<LedgerEntry[]> {
    const { records: list, verified } = await ledger(cloud(), service);
    expect(verified).toMatchObject({ ok: true });
    return list as unknown as LedgerEntry[];
  }

  async function executionsOf(service: string) {
    const all = [];
    for (const stateMachineArn of cloud().cloud.stepFunctions.machines.keys()) {
      const listed = await cloud().clients.sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      all.push(...(listed.executions ?? []).filter((e) => e.name?.startsWith(`${service}-`)));
    }
    return all;
  }

  async function executionArn(deploymentId: string): Promise<string> {
    const execution = (await executionsOf(deploymentId.split('-')[0]!)).find((e) => e.name === deploymentId);
    expect(execution, `an execution named ${deploymentId}`).toBeDefined();
    return execution!.executionArn!;
  }

  async function history(deploymentId: string, arn?: string): Promise<HistoryEvent[]> {
    const answer = await cloud().clients.sfn.send(
      new GetExecutionHistoryCommand({
        executionArn: arn ?? (await executionArn(deploymentId)),
        maxResults: 1000,
      }),
    );
    return answer.events ?? [];
  }

  return { digest, api, deploy, view, waitFor, ended, records, executionsOf, executionArn, history };
}
