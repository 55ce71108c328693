// GET /services/{name}/ledger: a service's chain exactly as stored, with the newest anchors from
// the anchor bucket, for a checker that trusts nothing but the public key (`cutover releases
// <service> --export`, then `cutover verify --offline`). Nothing here is parsed or verified:
// what is broken stays broken for the checker to find (docs/ledger.md, "Export").

import { getService } from '../domain/catalog.js';
import type { ApiDeps } from './deps.js';
import { notFound } from './errors.js';
import type { ApiResponse } from './request.js';

export async function storedLedger(
  deps: Pick<ApiDeps, 'catalog' | 'ledger' | 'anchors'>,
  name: string,
): Promise<ApiResponse> {
  if (getService(deps.catalog, name) === undefined) {
    throw notFound(
      `no service "${name}" in the catalog; it has: ${Object.keys(deps.catalog.services).join(', ')}`,
    );
  }
  // The anchors first, then the records: an append in between is not taken for a removal.
  const anchors = await deps.anchors.newest(name);
  const records = await deps.ledger.list(name);
  return { status: 200, body: { service: name, records, anchors } };
}
