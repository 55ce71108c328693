// Reading the ledger only as verified (shared/engine/ledger-verified.ts), over a real deployment
// through the real ASL: what passes, and each kind of tampering that must stop whatever acts
// on the ledger, including after this process remembered a verified head.

import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainNext, type LedgerRecord } from '../../shared/domain/ledger.js';
import { signingMessage } from '../../shared/domain/ledger-signature.js';
import { verifiedRecords, verifyChain } from '../../shared/engine/ledger-verified.js';
import {
  createWorld,
  DIGEST,
  drive,
  REGISTRY,
  seedService,
  start,
  type World,
} from '../../harness/engine.js';

async function promotedWorld(): Promise<World> {
  const world = createWorld();
  seedService(world, 'web');
  const execution = start(world, 'canary', { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` });
  await drive(world, execution);
  expect(execution.status).toBe('SUCCEEDED');
  return world;
}

const stored = (world: World) => world.ledger.records('web');

describe('verified ledger reads', () => {
  it('a deployment leaves a signed chain, anchored in the bucket when it ended', async () => {
    const world = await promotedWorld();
    const records = await verifiedRecords(world, 'web');
    expect(records.length).toBeGreaterThan(3);
    expect(records.every((r) => r.signature?.keyId === world.signer.keyId)).toBe(true);
    const [anchor] = (await world.anchors.newest('web')) as LedgerRecord[];
    expect(anchor).toMatchObject({ seq: records.at(-1)!.seq, hash: records.at(-1)!.hash });
  });

  it('a record signed by a key nobody trusts: LedgerBroken naming it', async () => {
    const world = await promotedWorld();
    const records = stored(world);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const head = records.at(-1)!;
    const next = chainNext(head, {
      ...head,
      type: 'TrafficShifted',
      detail: { weights: { stable: 0, candidate: 100 } },
    } as never);
    const value = sign('sha256', signingMessage(next), { key: other, dsaEncoding: 'der' }).toString('base64');
    world.ledger.chains.get('web')!.push({
      ...next,
      signature: { keyId: 'arn:aws:kms:us-east-1:999999999999:key/x', value },
    });
    await expect(verifiedRecords(world, 'web')).rejects.toThrow(
      new RegExp(`seq ${next.seq}\\): is signed by .* not a trusted`),
    );
  });

  it('the newest records removed, and the head anchor with them: the bucket anchor shows it', async () => {
    const world = await promotedWorld();
    const records = stored(world);
    const chain = world.ledger.chains.get('web')!;
    chain.splice(records.length - 2, 2);
    const kept = chain.at(-1)!;
    // Whoever cut the records moved the head anchor in the deployments table back too.
    world.serviceStates.states.get('web')!.ledgerHead = { seq: kept.seq, hash: kept.hash };
    const result = await verifyChain(world, 'web');
    expect(result).toMatchObject({ ok: false, problem: 'head-mismatch' });
    expect(!result.ok && result.message).toMatch(/the anchor in the anchor bucket/);
  });

  it('an anchor nobody signed, put in the bucket: LedgerBroken, as a forged anchor', async () => {
    const world = await promotedWorld();
    const head = stored(world).at(-1)!;
    const forged = chainNext(head, {
      ...head,
      type: 'TrafficShifted',
      detail: { weights: { stable: 0, candidate: 100 } },
    } as never);
    await world.anchors.put(forged);
    await expect(verifiedRecords(world, 'web')).rejects.toThrow(
      /anchor in the anchor bucket \(seq \d+\): (is not signed|signature does not match)/,
    );
  });

  it('an earlier record edited after this process verified the chain is still caught', async () => {
    const world = await promotedWorld();
    await verifiedRecords(world, 'web');
    const chain = world.ledger.chains.get('web')!;
    chain[1] = { ...chain[1]!, actor: 'operator:mallory' };
    await expect(verifiedRecords(world, 'web')).rejects.toThrow(/seq 2\): hash does not match/);
  });
});
