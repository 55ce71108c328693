// Checks of a service at rest, after a deployment ended: what a platform engineer
// would look at first.

import { expect } from 'vitest';
import { verify, type LedgerRecord } from '../../shared/domain/ledger.js';
import type { World } from '../../harness/engine.js';

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
