// Drift: what runs compared with what the ledger says. The primary task set must run
// the task definition and image of the latest promoted release, production traffic
// must rest entirely on it, no other task set may linger, and no newer revision of
// the family may have been registered outside Cutover. While a deployment runs,
// everything is in motion by design, so only the last check applies.

import { verifiedRecords } from './ledger-verified.js';
import type { ServiceEntry } from '../domain/catalog-schema.js';
import type { EngineDeps } from './deps.js';

export type DriftKind =
  | 'never-promoted'
  | 'no-primary'
  | 'task-definition'
  | 'image'
  | 'weights'
  | 'extra-task-sets'
  | 'outside-task-definition';

export interface DriftFinding {
  kind: DriftKind;
  message: string;
}

export interface DriftReport {
  service: string;
  checkedAt: string;
  drift: boolean;
  /** A deployment in progress: only checks that hold mid-deployment were made. */
  deploymentInProgress: string | null;
  live: { release: number; image: string; taskDefinitionArn: string } | null;
  findings: DriftFinding[];
}

type Deps = Pick<
  EngineDeps,
  'clock' | 'ledger' | 'ledgerKeys' | 'serviceStates' | 'locks' | 'taskSets' | 'taskDefinitions' | 'router'
> &
  Partial<Pick<EngineDeps, 'anchors'>>;

export async function detectDrift(deps: Deps, service: string, entry: ServiceEntry): Promise<DriftReport> {
  const findings: DriftFinding[] = [];
  const live = await latestPromoted(deps, service);
  const holder = await deps.locks.holder(service);
  const busy = holder !== null && holder.leaseUntil >= deps.clock.now() ? holder.deploymentId : null;
  const ecs = { cluster: entry.ecs.cluster, service: entry.ecs.service };
  const sets = await deps.taskSets.list(ecs);
  const primary = sets.find((s) => s.status === 'PRIMARY');

  if (live === null)
    findings.push({
      kind: 'never-promoted',
      message: `no release of ${service} was ever promoted by Cutover`,
    });
  if (primary === undefined) {
    findings.push({ kind: 'no-primary', message: `${ecs.cluster}/${ecs.service} has no PRIMARY task set` });
  } else {
    const running = await deps.taskDefinitions.describe(primary.taskDefinitionArn);
    if (busy === null && live !== null) {
      findings.push(...liveFindings(live, primary.taskDefinitionArn, running.images[entry.ecs.container]));
      findings.push(...extraTaskSets(sets.filter((s) => s.id !== primary.id).map((s) => s.id)));
      findings.push(...(await weightFindings(deps, entry, primary.targetGroupArn)));
    }
    const newest = await deps.taskDefinitions.newest(running.family);
    if (
      newest !== null &&
      newest.revision > running.revision &&
      newest.tags['cutover:deployment'] === undefined
    ) {
      findings.push({
        kind: 'outside-task-definition',
        message: `revision ${newest.revision} of family ${running.family} (${newest.arn}) was registered outside Cutover; the primary runs revision ${running.revision}`,
      });
    }
  }
  return {
    service,
    checkedAt: new Date(deps.clock.now()).toISOString(),
    drift: findings.length > 0,
    deploymentInProgress: busy,
    live,
    findings,
  };
}

/** The live release as the verified ledger says (LedgerBroken when it does not verify). */
async function latestPromoted(deps: Deps, service: string): Promise<DriftReport['live']> {
  const records = (await verifiedRecords(deps, service)).flatMap((r) => (r.type === 'Promoted' ? [r] : []));
  const last = records.at(-1);
  return last
    ? { release: last.release, image: last.detail.image, taskDefinitionArn: last.detail.taskDefinitionArn }
    : null;
}

function liveFindings(
  live: NonNullable<DriftReport['live']>,
  taskDefinitionArn: string,
  image: string | undefined,
): DriftFinding[] {
  const findings: DriftFinding[] = [];
  if (taskDefinitionArn !== live.taskDefinitionArn) {
    findings.push({
      kind: 'task-definition',
      message: `the primary task set runs ${taskDefinitionArn}; the ledger's live release ${live.release} is ${live.taskDefinitionArn}`,
    });
  }
  const digest = (ref: string | undefined) => ref?.slice(ref.indexOf('@') + 1);
  if (digest(image) !== digest(live.image)) {
    findings.push({
      kind: 'image',
      message: `the primary runs image ${image ?? '(none)'}; the ledger's live release ${live.release} is ${live.image}`,
    });
  }
  return findings;
}

function extraTaskSets(ids: string[]): DriftFinding[] {
  return ids.map((id) => ({
    kind: 'extra-task-sets' as const,
    message: `task set ${id} runs besides the primary, with no deployment in progress`,
  }));
}

async function weightFindings(
  deps: Pick<Deps, 'router'>,
  entry: ServiceEntry,
  primaryGroup: string | undefined,
): Promise<DriftFinding[]> {
  const weights = await deps.router.weights(entry.traffic.productionListenerRule);
  const elsewhere = weights.filter((w) => w.weight > 0 && w.targetGroupArn !== primaryGroup);
  const onPrimary = weights.find((w) => w.targetGroupArn === primaryGroup)?.weight ?? 0;
  if (elsewhere.length === 0 && onPrimary > 0) return [];
  const seen = weights.map((w) => `${w.targetGroupArn.split('/').at(-2)}=${w.weight}`).join(', ');
  return [
    {
      kind: 'weights',
      message: `at rest, production should all go to the primary's target group; the rule forwards ${seen}`,
    },
  ];
}
