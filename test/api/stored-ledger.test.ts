// GET /services/{name}/ledger over the engine's in-memory fakes: the chain exactly as stored
// and the newest anchor, for an export. What is broken is returned as it is, for the offline
// checker to find, and the export of a good chain verifies with the ledger key's public key.

import { describe, expect, it } from 'vitest';
import { handleApi } from '../../shared/api/router.js';
import { ledgerExport, verifyExport } from '../../shared/domain/ledger-export.js';
import { signatureCheckAnyOf } from '../../shared/domain/ledger-signature.js';
import type { LedgerRecord } from '../../shared/domain/ledger.js';
import { apiDeps } from '../support/api-fuzz-world.js';
import {
  createWorld,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';

interface Stored {
  service: string;
  records: unknown[];
  anchors: unknown[];
}

async function storedLedger(world: World, service: string) {
  const response = await handleApi(apiDeps(world), {
    method: 'GET',
    path: `/services/${service}/ledger`,
    headers: {},
    actor: 'operator:ana',
  });
  return { status: response.status, body: response.body as Stored };
}

async function promotedWorld(): Promise<World> {
  const world = createWorld();
  seedService(world, 'web');
  const execution = start(
    world,
    'canary',
    { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}`, preset: 'Canary10Percent5Minutes' },
    'web-2',
  );
  await drive(world, execution);
  expect(execution.status).toBe('SUCCEEDED');
  return world;
}

describe('GET /services/{name}/ledger', () => {
  it('answers the records as stored and the anchor the release left; their export verifies offline', async () => {
    const world = await promotedWorld();
    const { status, body } = await storedLedger(world, 'web');
    expect(status).toBe(200);
    expect(body.records).toEqual(await world.ledger.list('web'));
    expect(body.records.length).toBeGreaterThan(2);
    expect(body.anchors).toEqual(await world.anchors.newest('web'));
    expect(body.anchors).toHaveLength(1);
    const check = signatureCheckAnyOf([world.signer.publicKey], 'the test key');
    const result = verifyExport(ledgerExport(body, new Date()), check);
    expect(result).toMatchObject({ ok: true, count: body.records.length });
  });

  it('returns an edited record as it is, for the offline check to find', async () => {
    const world = await promotedWorld();
    const edited = world.ledger.records('web')[1] as LedgerRecord & { actor: string };
    edited.actor = 'operator:mallory';
    const { status, body } = await storedLedger(world, 'web');
    expect(status).toBe(200);
    expect(body.records[1]).toMatchObject({ seq: 2, actor: 'operator:mallory' });
    const result = verifyExport(
      ledgerExport(body, new Date()),
      signatureCheckAnyOf([world.signer.publicKey], 'the test key'),
    );
    expect(result).toMatchObject({ ok: false, seq: 2, problem: 'hash-mismatch' });
  });

  it('a service with no anchor yet answers an empty list of anchors', async () => {
    const world = createWorld();
    seedService(world, 'web');
    const { status, body } = await storedLedger(world, 'web');
    expect(status).toBe(200);
    expect(body).toEqual({ service: 'web', records: [], anchors: [] });
  });
});
