// The account and region the local cloud plays: those of the catalog's ARNs, so a
// catalog written for a real account runs locally with its own ARNs.

import type { Catalog } from '../shared/domain/catalog-schema.js';

export interface Scope {
  region: string;
  account: string;
}

export function scopeOf(catalog: Catalog): Scope {
  const scopes = new Set<string>();
  for (const entry of Object.values(catalog.services)) {
    const { productionListenerRule, testListenerRule, targetGroups } = entry.traffic;
    for (const arn of [productionListenerRule, testListenerRule, ...targetGroups]) {
      if (arn !== undefined) scopes.add(arn.split(':').slice(3, 5).join(':'));
    }
  }
  if (scopes.size !== 1) {
    throw new Error(
      `the catalog's ARNs span ${[...scopes].join(', ')}; the local cloud plays one account and region`,
    );
  }
  const [region, account] = [...scopes][0]!.split(':') as [string, string];
  return { region, account };
}
