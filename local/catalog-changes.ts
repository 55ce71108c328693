// A data folder started with a catalog that changed since the folder was made. A service the
// catalog added is created as a first start creates every service (seed.ts): its ECS service
// and task set of release 1, its listener rules and target groups, alarms, ECR repository,
// release 1 in the ledger and its service state. A test listener rule the catalog added to a
// service that exists is created as a first start creates one. A service the catalog no longer names is
// left as it is (its tasks, rules, alarms and ledger stay, and no traffic reaches it), with a
// warning naming it: deleting what a platform team runs is not the local cloud's to decide.

import { seedServices, type SeedParts } from './seed.js';

export interface CatalogChanges {
  /** Catalog services created now. */
  added: string[];
  /** ECS services in the data folder (`cluster/service`) that no catalog service names. */
  removed: string[];
  /** Catalog services with ledger records but no ECS service: left alone, with a warning. */
  unseeded: string[];
}

/** Seeds what the catalog added since the data folder was made, and warns about what it removed. */
export async function reconcileCatalog(
  parts: SeedParts,
  log: (line: string) => void,
): Promise<CatalogChanges> {
  const { catalog, ecs } = parts;
  const clusterOf = new Map(ecs.state.clusters.map((c) => [c.clusterArn, c.clusterName]));
  const running = new Set(
    ecs.state.services
      .filter((s) => s.status === 'ACTIVE')
      .map((s) => `${clusterOf.get(s.clusterArn) ?? s.clusterArn}/${s.serviceName}`),
  );
  const named = new Set(Object.values(catalog.services).map((e) => `${e.ecs.cluster}/${e.ecs.service}`));

  const added: string[] = [];
  const unseeded: string[] = [];
  for (const [name, entry] of Object.entries(catalog.services)) {
    if (running.has(`${entry.ecs.cluster}/${entry.ecs.service}`)) continue;
    // A ledger without its ECS service is not a new service: a second release 1 would fork it.
    if ((await parts.ledger.head(name)) === null) added.push(name);
    else unseeded.push(name);
  }
  if (added.length > 0) {
    await seedServices(parts, added);
    log(`the catalog adds ${list(added)}: created with release 1, as on a first start`);
  }
  for (const [name, entry] of Object.entries(catalog.services)) {
    // A baseline's target group named since: made now (one that exists is left as it is).
    const baseline = entry.traffic.baselineTargetGroup;
    if (baseline !== undefined && !added.includes(name)) parts.elb.adoptTargetGroup(baseline);
    const rule = entry.traffic.testListenerRule;
    if (rule === undefined || added.includes(name) || unseeded.includes(name) || routeExists(parts, rule))
      continue;
    parts.elb.adoptRoute(rule, entry.traffic.targetGroups, `/${name}/*`);
    log(`the catalog adds a test listener rule to ${name}: created`);
  }
  for (const name of unseeded) {
    const { cluster, service } = catalog.services[name]!.ecs;
    log(
      `warning: ${name} has records in the ledger but the data folder has no ECS service ${cluster}/${service}; ` +
        'it is not created again. Restore the whole data folder from one copy, or move it away to start afresh',
    );
  }
  const removed = [...running].filter((service) => !named.has(service)).sort();
  if (removed.length > 0) {
    log(
      `warning: the catalog no longer names ${list(removed)}: left as they are in the data folder ` +
        '(tasks, listener rules, alarms, ledger), with no traffic; move the data folder away to start afresh without them',
    );
  }
  return { added, removed, unseeded };
}

function routeExists({ elb }: SeedParts, rule: string): boolean {
  try {
    elb.forwardWeights(rule);
    return true;
  } catch {
    return false;
  }
}

const list = (names: readonly string[]): string =>
  names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
