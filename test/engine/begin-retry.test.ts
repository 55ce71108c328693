// AcquireLock's use case, retried after it died between its writes: the retry finishes the
// ledger append and the event it missed, writes ReleaseStarted once however often it runs
// (even when an operator's record came in between), and keeps the service's lock.

import { describe, expect, it } from 'vitest';
import { validateDeploymentRequest } from '../../shared/domain/deployment-request.js';
import { beginDeployment } from '../../shared/engine/begin.js';
import { appendOnce } from '../../shared/engine/ledger-append.js';
import type { ReleaseLedger } from '../../shared/ports/ledger.js';
import { createWorld, depsOf, DIGEST, REGISTRY, seedService } from '../../harness/engine.js';
import { failNthWrite } from '../support/write-faults.js';

function setUp() {
  const world = createWorld();
  seedService(world, 'web');
  const spec = validateDeploymentRequest(
    { service: 'web', image: `${REGISTRY}/web@${DIGEST(2)}` },
    world.catalog,
    'web-2',
  );
  return { world, spec };
}

const starts = (world: ReturnType<typeof setUp>['world']) =>
  world.ledger.records('web').filter((r) => r.type === 'ReleaseStarted');

describe('a retried AcquireLock', () => {
  it('appends the ReleaseStarted its first run missed, and keeps the lock', async () => {
    const { world, spec } = setUp();
    const faults = failNthWrite(depsOf(world), 3);
    await expect(beginDeployment(faults.deps, spec)).rejects.toThrow(/died before ledger.put/);
    expect(world.deployments.items.has('web-2')).toBe(true);
    expect(starts(world)).toEqual([]);
    expect(world.locks.locks.get('web')?.deploymentId).toBe('web-2');

    await beginDeployment(depsOf(world), spec);
    expect(starts(world).map((r) => [r.deploymentId, r.release])).toEqual([['web-2', 1]]);
    expect(world.events.published.map((e) => e.detailType)).toEqual(['Deployment Started']);
  });

  it('does not append ReleaseStarted again when other records came after it', async () => {
    const { world, spec } = setUp();
    await beginDeployment(depsOf(world), spec);
    await appendOnce(world, {
      service: 'web',
      type: 'OperatorAction',
      deploymentId: 'web-2',
      release: 1,
      actor: 'operator:ana',
      detail: { action: 'abort' },
    });
    await beginDeployment(depsOf(world), spec);
    expect(starts(world)).toHaveLength(1);
  });
});

describe('appendOnce when other writers keep winning', () => {
  it('throws TransientError, which every Task retries, naming the record it could not append', async () => {
    const world = createWorld();
    const losing: ReleaseLedger = {
      head: (service) => world.ledger.head(service),
      put: () => Promise.resolve(false),
      list: (service) => world.ledger.list(service),
      listBack: (service, until) => world.ledger.listBack(service, until),
    };
    const appended = appendOnce(
      { ...world, ledger: losing },
      {
        service: 'web',
        type: 'OperatorAction',
        deploymentId: 'web-2',
        release: 1,
        actor: 'operator:ana',
        detail: { action: 'abort' },
      },
    );
    await expect(appended).rejects.toMatchObject({
      name: 'TransientError',
      message: expect.stringMatching(/OperatorAction.*retried/),
    });
  });
});
