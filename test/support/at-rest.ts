// Checks of a service at rest, after a deployment ended: what a platform engineer
// would look at first; and a slow canary run to its rollback, checked the same way.

import { expect } from 'vitest';
import { verify, type LedgerRecord } from '../../shared/domain/ledger.js';
import { drive, start, webImage, type World } from '../../harness/engine.js';
import type { LocalExecution } from '../../local/stepfunctions/run.js';

export async function expectAtRest(world: World, name: string, image: string): Promise<void> {
  const entry = world.catalog.services[name]!;
  const sets = world.ecs.setsOf({ cluster: entry.ecs.cluster, service: entry.ecs.service });
  // Exactly one task set, primary, running the expected image.
  expect(sets.map((s) => ({ status: s.status, image: s.image }))).toEqual([{ status: 'PRIMARY', image }]);
  const primary = sets[0]!;
  // All production traffic on the primary's target group.
  const weights = world.router.rules.get(entry.traffic.productionListenerRule) ?? [];
  expect(weights.filter((w) => w.weight > 0)).toEqual([
    { targetGroupArn: primary.targetGroupArn, weight: 100 },
  ]);
  // The lock is free, no bake is watched, and the chain verifies against its anchor.
  expect(await world.locks.holder(name)).toBeNull();
  expect(world.watchers.watching).toEqual([]);
  const anchor = (await world.serviceStates.get(name)).ledgerHead ?? undefined;
  const result = verify(world.ledger.records(name), { service: name, ...(anchor ? { head: anchor } : {}) });
  expect(result).toMatchObject({ ok: true });
}

export function ledgerTypes(world: World, name: string): string[] {
  return world.ledger.records(name).map((r) => r.type);
}

export function lastRecord(world: World, name: string): LedgerRecord {
  return world.ledger.records(name).at(-1)!;
}

/**
 * Runs web's canary of `image` with its new task set's requests 40% slower than the stable p99,
 * to its end: rolled back by analysis, naming latency-p99. Returns the execution.
 */
export async function expectSlowCanaryRolledBack(
  world: World,
  candidateGroup: string,
  image = webImage(2),
): Promise<LocalExecution> {
  world.metrics.serve(candidateGroup, { slower: 40 });
  const execution = start(world, 'canary', { service: 'web', image });
  await drive(world, execution);
  expect(execution.error).toBe('RolledBack');
  expect(lastRecord(world, 'web')).toMatchObject({
    type: 'RolledBack',
    detail: { reason: { kind: 'analysis', failedMetrics: ['latency-p99'] } },
  });
  return execution;
}
