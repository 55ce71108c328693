// The approval wait's deadline. A person has the catalog's timeout in real seconds, so on a
// clock that runs `speed` times faster the wait closes `speed` times later in that clock's
// time: expiresAt, the "Approval Needed" event and the lock's lease all say so.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { requestApproval } from '../../shared/engine/approval.js';
import { beginDeployment } from '../../shared/engine/begin.js';
import type { Clock } from '../../shared/ports/clock.js';
import { createWorld, depsOf, DIGEST, REGISTRY, seedService } from '../../harness/engine.js';

const HOUR = 3600;

/** api waits for approval (one hour in the catalog) on a clock of `speed`, or one with none. */
async function waitingApproval(speed: number | undefined) {
  const world = createWorld();
  seedService(world, 'api');
  world.catalog.services.api!.approval.timeoutSeconds = HOUR;
  const manual = new ManualClock();
  const clock: Clock = speed === undefined ? manual : { now: () => manual.now(), speed };
  const spec = validateDeploymentRequest(
    { service: 'api', image: `${REGISTRY}/api@${DIGEST(2)}` },
    world.catalog,
    'api-2',
  );
  await beginDeployment({ ...depsOf(world), clock }, spec);
  world.events.published.length = 0;
  await requestApproval({ ...depsOf(world), clock }, spec, 'token-1');
  return { world, now: manual.now(), approval: world.deployments.items.get('api-2')!.approval! };
}

describe('requestApproval', () => {
  it('on AWS (no speed), the wait closes after the timeout', async () => {
    const { now, approval, world } = await waitingApproval(undefined);
    expect(approval).toMatchObject({ token: 'token-1', requestedAt: now, expiresAt: now + HOUR * 1000 });
    expect(world.events.published[0]?.detail).toMatchObject({
      expiresAt: new Date(now + HOUR * 1000).toISOString(),
    });
  });

  it('on a clock 60 times faster, it closes 60 hours later on that clock: one real hour', async () => {
    const { now, approval, world } = await waitingApproval(60);
    const expiresAt = now + 60 * HOUR * 1000;
    expect(approval).toMatchObject({ requestedAt: now, expiresAt });
    expect(world.events.published).toHaveLength(1);
    expect(world.events.published[0]).toMatchObject({
      detailType: 'Approval Needed',
      detail: { expiresAt: new Date(expiresAt).toISOString(), because: 'approval required' },
    });
    // The lease outlasts the wait: no other deployment may take the service while it is open.
    expect(world.locks.locks.get('api')).toMatchObject({ deploymentId: 'api-2' });
    expect(world.locks.locks.get('api')!.leaseUntil).toBeGreaterThan(expiresAt);
  });
});
