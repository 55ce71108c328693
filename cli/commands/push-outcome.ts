// What a push to the local ECR did, per service, learned as an operator would learn it on AWS:
// the HTTP API says which services deploy the repository and what each runs, before the push;
// after it, the on-image-push handler decides on its own (EventBridge calls it), so Step
// Functions' own API shows the execution it started, and the HTTP API its deployment. A push the
// handler ignores (a tag the filter refuses, the image already live or being deployed) starts
// no execution: that is told from the same rules (shared/domain/push.ts), read before the push.

import type { SFNClient } from '@aws-sdk/client-sfn';
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
} from '@aws-sdk/client-sfn';
import { segment, type ApiClient } from '../api-client.js';
import { ApiFailure } from '../errors.js';
import type { ServiceEntry } from '../../shared/domain/catalog-schema.js';
import {
  outcomeOf,
  settledAtOnce,
  type FoundExecution,
  type Pushed,
  type SeenDeployment,
  type ServiceBefore,
  type ServiceOutcome,
} from './push-verdict.js';

export type { Pushed, ServiceOutcome };

export interface Before {
  services: ServiceBefore[];
  /** Every execution that existed before the push, by ARN. */
  executions: Set<string>;
}

interface ServiceView {
  settings: ServiceEntry;
  live: { release: number; digest: string | null } | null;
  deployment: { deploymentId: string } | null;
  recentDeployments: { deploymentId: string; image: string }[];
}

/** What each service that deploys `repository` runs, and the executions there are, before a push. */
export async function readBefore(api: ApiClient, sfn: SFNClient, repository: string): Promise<Before> {
  const listed = await api.get<{ services: { name: string }[] }>('/services');
  const services: ServiceBefore[] = [];
  for (const { name } of listed.services) {
    const view = await api.get<ServiceView>(`/services/${segment(name)}`);
    if (!view.settings.images.repositories.includes(repository)) continue;
    const id = view.deployment?.deploymentId;
    const running = view.recentDeployments.find((d) => d.deploymentId === id) ?? null;
    services.push({ service: name, settings: view.settings, live: view.live, running });
  }
  return { services, executions: new Set((await executions(sfn)).map((e) => e.executionArn)) };
}

/**
 * Each service's outcome: what the rules settle at once, then, for the rest, what appears within
 * `waitMs` (real time); a service still undecided then is `unknown`.
 */
export async function outcomes(
  api: ApiClient,
  sfn: SFNClient,
  before: Before,
  pushed: Pushed,
  waitMs: number,
): Promise<ServiceOutcome[]> {
  const settled = new Map(before.services.map((s) => [s.service, settledAtOnce(s, pushed)] as const));
  const deadline = Date.now() + waitMs;
  for (;;) {
    const open = [...settled].filter(([, o]) => o === null).map(([service]) => service);
    if (open.length === 0) break;
    for (const found of await newExecutions(sfn, before, pushed, open)) {
      const outcome = await executionOutcome(api, found);
      if (outcome !== null) settled.set(found.service, outcome);
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return before.services.map(
    (s) =>
      settled.get(s.service) ?? {
        service: s.service,
        outcome: 'unknown',
        reason:
          waitMs === 0
            ? `not waited for (--wait 0); see cutover status ${s.service}`
            : `no deployment seen within ${Math.round(waitMs / 1000)} s; see cutover status ${s.service}`,
      },
  );
}

/** Executions started since the push, for the open services, by a push of this digest. */
async function newExecutions(
  sfn: SFNClient,
  before: Before,
  pushed: Pushed,
  open: readonly string[],
): Promise<FoundExecution[]> {
  const hex = pushed.digest.replace('sha256:', '').slice(0, 12);
  const fresh = (await executions(sfn)).filter(
    (e) => !before.executions.has(e.executionArn) && e.name.includes(hex),
  );
  const found: FoundExecution[] = [];
  for (const { executionArn, name } of fresh) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    const input = parse(described.input) as { service?: string; image?: string; trigger?: string } | null;
    if (input?.trigger !== 'push' || !input.service || !open.includes(input.service)) continue;
    if (!input.image?.endsWith(`@${pushed.digest}`)) continue;
    found.push({
      service: input.service,
      name,
      status: described.status ?? 'RUNNING',
      output: parse(described.output) as FoundExecution['output'],
      error: described.error ?? null,
      cause: described.cause ?? null,
    });
  }
  return found;
}

/** What the execution shows: a deployment, a queued push, a dropped or refused one; null: not yet. */
async function executionOutcome(api: ApiClient, found: FoundExecution): Promise<ServiceOutcome | null> {
  return outcomeOf(found, await deploymentOf(api, found.name));
}

async function deploymentOf(api: ApiClient, id: string): Promise<SeenDeployment | null> {
  try {
    // Before its record exists, the API answers with the execution alone (no strategy).
    const view = await api.get<Partial<SeenDeployment>>(`/deployments/${segment(id)}`);
    if (view.strategy === undefined) return null;
    return {
      deploymentId: id,
      strategy: view.strategy,
      status: view.status ?? 'running',
      reason: view.reason ?? null,
    };
  } catch (error) {
    if (error instanceof ApiFailure && error.extra.status === 404) return null;
    throw error;
  }
}

/** The newest executions of every state machine (a page each: the push's are the newest). */
async function executions(sfn: SFNClient): Promise<{ executionArn: string; name: string }[]> {
  const machines = (await sfn.send(new ListStateMachinesCommand({}))).stateMachines ?? [];
  const all: { executionArn: string; name: string }[] = [];
  for (const { stateMachineArn } of machines) {
    const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 100 }));
    for (const e of page.executions ?? []) all.push({ executionArn: e.executionArn!, name: e.name! });
  }
  return all;
}

function parse(text: string | undefined): unknown {
  try {
    return text === undefined ? null : (JSON.parse(text) as unknown);
  } catch {
    return null;
  }
}
