// Contract tests of the deployment-lock adapter (DynamoDeploymentLocks) against real DynamoDB
// emulators: dynalite (the local cloud's DynamoDB) and moto_server (skipped, and reported as
// skipped, where it is not installed). Set-up and fixtures: test/support/deployments-table.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB_EMULATORS } from '../../harness/emulators.js';
import { MINUTE, NOW, TABLE, deploymentsTableOn, newService, push } from '../support/deployments-table.js';
import { DynamoDeploymentLocks } from '../../shared/aws/dynamodb-deployment-locks.js';

for (const emulator of DYNAMODB_EMULATORS) {
  describe.skipIf(!emulator.available)(`deployments table adapters on ${emulator.name}`, () => {
    const table = deploymentsTableOn(emulator);
    const { rawItem } = table;
    let locks: DynamoDeploymentLocks;

    beforeAll(() => {
      locks = new DynamoDeploymentLocks(table.documents, TABLE);
    });

    describe('DeploymentLocks', () => {
      it('takes a free lock, stored as SERVICE#<service> / LOCK, and holder names it', async () => {
        const service = newService();
        expect(await locks.holder(service)).toBeNull();
        expect(await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW)).toEqual({ acquired: true });
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + MINUTE });
        expect(await rawItem(`SERVICE#${service}`, 'LOCK')).toMatchObject({
          deploymentId: 'dep-a',
          leaseUntil: NOW + MINUTE,
        });
      });

      it('does not take a lock another deployment holds, and returns the holder', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        expect(await locks.acquire(service, 'dep-b', NOW + 2 * MINUTE, NOW + 1000)).toEqual({
          acquired: false,
          holder: { deploymentId: 'dep-a', leaseUntil: NOW + MINUTE },
        });
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + MINUTE });
      });

      it('treats a lease that ends exactly now as still held', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        const result = await locks.acquire(service, 'dep-b', NOW + 2 * MINUTE, NOW + MINUTE);
        expect(result.acquired).toBe(false);
      });

      it('takes over an expired lease', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        const later = NOW + MINUTE + 1;
        expect(await locks.acquire(service, 'dep-b', later + MINUTE, later)).toEqual({ acquired: true });
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-b', leaseUntil: later + MINUTE });
      });

      it('gives the lock again to its owner on a retried step, with the new lease', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        expect(await locks.acquire(service, 'dep-a', NOW + 5 * MINUTE, NOW + 1000)).toEqual({
          acquired: true,
        });
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + 5 * MINUTE });
      });

      it('of several deployments acquiring at once, exactly one gets the lock', async () => {
        const service = newService();
        const ids = ['dep-a', 'dep-b', 'dep-c', 'dep-d'];
        const results = await Promise.all(ids.map((id) => locks.acquire(service, id, NOW + MINUTE, NOW)));
        const winners = ids.filter((_, i) => results[i]?.acquired);
        expect(winners).toHaveLength(1);
        const holder = { deploymentId: winners[0], leaseUntil: NOW + MINUTE };
        for (const result of results) if (!result.acquired) expect(result.holder).toEqual(holder);
        expect(await locks.holder(service)).toEqual(holder);
      });

      it('renews only while the lock is ours, and never recreates a released lock', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        expect(await locks.renew(service, 'dep-a', NOW + 3 * MINUTE)).toBe(true);
        expect(await locks.renew(service, 'dep-b', NOW + 9 * MINUTE)).toBe(false);
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + 3 * MINUTE });
        await locks.release(service, 'dep-a');
        expect(await locks.renew(service, 'dep-a', NOW + 9 * MINUTE)).toBe(false);
        expect(await locks.holder(service)).toBeNull();
      });

      it('transfers only from its holder (or to it again, a retry), and never recreates a released lock', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        expect(await locks.transfer(service, 'dep-c', 'dep-b', NOW + 5 * MINUTE)).toBe(false);
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + MINUTE });
        expect(await locks.transfer(service, 'dep-a', 'dep-b', NOW + 5 * MINUTE)).toBe(true);
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-b', leaseUntil: NOW + 5 * MINUTE });
        expect(await locks.transfer(service, 'dep-a', 'dep-b', NOW + 6 * MINUTE)).toBe(true);
        expect(await locks.renew(service, 'dep-a', NOW + 9 * MINUTE)).toBe(false);
        await locks.release(service, 'dep-b');
        expect(await locks.transfer(service, 'dep-b', 'dep-a', NOW + 5 * MINUTE)).toBe(false);
        expect(await locks.holder(service)).toBeNull();
      });

      it('is not released by a non-owner; is freed by its owner; releasing a free lock is a no-op', async () => {
        const service = newService();
        await locks.acquire(service, 'dep-a', NOW + MINUTE, NOW);
        await locks.release(service, 'dep-b');
        expect(await locks.holder(service)).toEqual({ deploymentId: 'dep-a', leaseUntil: NOW + MINUTE });
        await locks.release(service, 'dep-a');
        expect(await locks.holder(service)).toBeNull();
        await expect(locks.release(service, 'dep-a')).resolves.toBeUndefined();
        expect(await locks.acquire(service, 'dep-b', NOW + MINUTE, NOW)).toEqual({ acquired: true });
      });

      it('keeps the newest queued push even when pushes arrive out of order', async () => {
        const service = newService();
        expect(await locks.queue(push(service, NOW + 200))).toBe(true);
        expect(await locks.queue(push(service, NOW + 100))).toBe(false);
        expect(await locks.queue(push(service, NOW + 300))).toBe(true);
        expect(await locks.queue(push(service, NOW + 250))).toBe(false);
        expect(await locks.queued(service)).toEqual(push(service, NOW + 300));
        await locks.dequeue(service, NOW + 300);
        expect(await locks.queued(service)).toBeNull();
      });

      it('keeps a redelivered push again, but not a different image pushed at the same instant', async () => {
        const service = newService();
        const first = push(service, NOW, 1);
        expect(await locks.queue(first)).toBe(true);
        expect(await locks.queue(first)).toBe(true);
        expect(await locks.queue(push(service, NOW, 2))).toBe(false);
        expect(await locks.queued(service)).toEqual(first);
      });

      it('dequeues only the push that was started, not a newer one queued meanwhile', async () => {
        const service = newService();
        await locks.queue(push(service, NOW));
        const started = await locks.queued(service);
        expect(await locks.queue(push(service, NOW + 100))).toBe(true);
        await locks.dequeue(service, started!.pushedAt);
        expect(await locks.queued(service)).toEqual(push(service, NOW + 100));
        await locks.dequeue(service, NOW + 100);
        expect(await locks.queued(service)).toBeNull();
      });
    });
  });
}
