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
import { ApiFailure, segment, type ApiClient } from '../api-client.js';
import type { Catalog, ServiceEntry } from '../../shared/domain/catalog-schema.js';
import { servicesForPush } from '../../shared/domain/push.js';
import { registryOf } from '../../shared/domain/registry.js';

export type ServiceOutcome = { service: string } & (
  | { outcome: 'started'; deploymentId: string; strategy: string }
  | { outcome: 'queued' | 'nothing' | 'refused' | 'unknown'; reason: string }
);

interface ServiceBefore {
  service: string;
  settings: ServiceEntry;
  live: { release: number; digest: string | null } | null;
  running: { deploymentId: string; image: string } | null;
}

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

/** The push: what ECR stored and sent on EventBridge. */
export interface Pushed {
  repository: string;
  tag: string;
  digest: string;
  manifestMediaType: string;
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

/** The handler's own rules (push.ts, on-push.ts): an outcome when they settle it, else null. */
function settledAtOnce(before: ServiceBefore, pushed: Pushed): ServiceOutcome | null {
  const { service, settings, live, running } = before;
  const catalog = { services: { [service]: settings } } as unknown as Catalog;
  const { ignored } = servicesForPush(catalog, {
    eventId: 'cli',
    ...registryOf(settings),
    repository: pushed.repository,
    digest: pushed.digest,
    tag: pushed.tag,
    manifestMediaType: pushed.manifestMediaType,
    pushedAt: Date.now(),
  });
  const nothing = (reason: string): ServiceOutcome => ({ service, outcome: 'nothing', reason });
  if (ignored.length > 0) return nothing(ignored.map((i) => i.reason).join('; '));
  if (live?.digest === pushed.digest)
    return nothing(
      `${pushed.digest} is already live (release ${live.release}); another tag of the same build deploys nothing`,
    );
  if (running !== null && running.image.endsWith(`@${pushed.digest}`))
    return nothing(
      `the same build is being deployed already (${running.deploymentId}); another tag of it deploys nothing`,
    );
  return null;
}

interface FoundExecution {
  service: string;
  name: string;
  status: string;
  output: { error?: { Error?: string; Cause?: string } } | null;
  error: string | null;
  cause: string | null;
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
  const { service } = found;
  const deployment = await deploymentOf(api, found.name);
  if (deployment !== null) return { service, outcome: 'started', ...deployment };
  if (found.status === 'RUNNING') return null;
  const caught = found.output?.error;
  if (found.status === 'SUCCEEDED' && caught?.Error === 'DeploymentQueued')
    return { service, outcome: 'queued', reason: caught.Cause ?? 'the service is busy' };
  if (found.status === 'SUCCEEDED' && caught?.Error === 'StalePush')
    return {
      service,
      outcome: 'nothing',
      reason: caught.Cause ?? 'an older push never replaces a newer one',
    };
  const why =
    caught?.Cause ?? found.cause ?? found.error ?? `its execution ${found.name} ended ${found.status}`;
  return { service, outcome: 'refused', reason: why };
}

async function deploymentOf(
  api: ApiClient,
  id: string,
): Promise<{ deploymentId: string; strategy: string } | null> {
  try {
    // Before its record exists, the API answers with the execution alone (no strategy).
    const view = await api.get<{ deploymentId: string; strategy?: string }>(`/deployments/${segment(id)}`);
    return view.strategy === undefined ? null : { deploymentId: view.deploymentId, strategy: view.strategy };
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
