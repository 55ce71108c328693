// Contract tests of the deployment-record adapter (DynamoDeployments) against real DynamoDB
// emulators: dynalite (the local cloud's DynamoDB) and moto_server (skipped, and reported as
// skipped, where it is not installed). Set-up and fixtures: test/support/deployments-table.ts.

import { beforeAll, describe, expect, it } from 'vitest';
import { DYNAMODB_EMULATORS } from '../../harness/emulators.js';
import {
  MINUTE,
  NOW,
  TABLE,
  deployment,
  deploymentsTableOn,
  newId,
  newService,
} from '../support/deployments-table.js';
import { DynamoDeployments } from '../../shared/aws/dynamodb-deployments.js';
import { DeploymentItemMissing } from '../../shared/aws/errors.js';

for (const emulator of DYNAMODB_EMULATORS) {
  describe.skipIf(!emulator.available)(`deployments table adapters on ${emulator.name}`, () => {
    const table = deploymentsTableOn(emulator);
    const { rawItem } = table;
    let deployments: DynamoDeployments;

    beforeAll(() => {
      deployments = new DynamoDeployments(table.documents, TABLE);
    });

    describe('Deployments', () => {
      it('creates and gets a deployment, without undefined fields or table attributes', async () => {
        const service = newService();
        const created = deployment(service, {
          candidate: { targetGroupArn: 'arn:tg/green', taskSetId: undefined },
          bake: undefined,
        });
        expect(await deployments.create(created)).toBe(true);
        const { bake: _bake, ...expected } = created;
        expect(await deployments.get(created.deploymentId)).toStrictEqual({
          ...expected,
          candidate: { targetGroupArn: 'arn:tg/green' },
        });
        // The item layout the byService index and other readers rely on.
        expect(await rawItem(`DEPLOYMENT#${created.deploymentId}`, 'DEPLOYMENT')).toMatchObject({
          gsi1pk: `SERVICE#${service}`,
          gsi1sk: `00${NOW}#${created.deploymentId}`,
        });
      });

      it('does not create a deployment twice; the stored one is unchanged', async () => {
        const original = deployment(newService());
        expect(await deployments.create(original)).toBe(true);
        expect(await deployments.create({ ...original, phase: 'bake', status: 'aborted' })).toBe(false);
        expect(await deployments.get(original.deploymentId)).toStrictEqual(original);
      });

      it('gets null for a deployment that does not exist', async () => {
        expect(await deployments.get(newId())).toBeNull();
      });

      it('updates some fields and returns the deployment as stored', async () => {
        const original = deployment(newService());
        await deployments.create(original);
        const bake = { token: 'token-1', startedAt: NOW + 1, endsAt: NOW + 5 * MINUTE, alarms: ['web-5xx'] };
        const updated = await deployments.update(original.deploymentId, {
          phase: 'bake',
          updatedAt: NOW + 1,
          weights: { stable: 90, candidate: 10 },
          bake,
        });
        const expected = {
          ...original,
          phase: 'bake',
          updatedAt: NOW + 1,
          weights: { stable: 90, candidate: 10 },
          bake,
        };
        expect(updated).toStrictEqual(expected);
        expect(await deployments.get(original.deploymentId)).toStrictEqual(expected);
      });

      it('removes a field whose change is undefined', async () => {
        const original = deployment(newService(), {
          bake: { token: 'token-1', startedAt: NOW, endsAt: NOW + MINUTE, alarms: ['web-5xx'] },
          promoteFull: true,
        });
        await deployments.create(original);
        const updated = await deployments.update(original.deploymentId, {
          bake: undefined,
          phase: 'shift 10%',
        });
        const { bake: _bake, ...unbaked } = original;
        expect(updated).not.toHaveProperty('bake');
        expect(updated).toStrictEqual({ ...unbaked, phase: 'shift 10%' });
        expect(await deployments.get(original.deploymentId)).not.toHaveProperty('bake');
        // Only removals: an update with no values to set.
        const removed = await deployments.update(original.deploymentId, { promoteFull: undefined });
        expect(removed).not.toHaveProperty('promoteFull');
        expect(removed.phase).toBe('shift 10%');
      });

      it('throws DeploymentItemMissing when updating a deployment that does not exist, and creates nothing', async () => {
        const id = newId();
        const error = await deployments.update(id, { phase: 'bake' }).then(
          () => null,
          (thrown: unknown) => thrown,
        );
        expect(error).toBeInstanceOf(DeploymentItemMissing);
        expect((error as Error).name).toBe('DeploymentItemMissing');
        expect((error as Error).message).toContain(id);
        expect(await deployments.get(id)).toBeNull();
        expect(await rawItem(`DEPLOYMENT#${id}`, 'DEPLOYMENT')).toBeUndefined();
        await expect(deployments.update(id, {})).rejects.toBeInstanceOf(DeploymentItemMissing);
      });

      it('returns the stored deployment for an update with no changes', async () => {
        const original = deployment(newService());
        await deployments.create(original);
        expect(await deployments.update(original.deploymentId, {})).toStrictEqual(original);
      });

      it('refuses to remove the fields the index is keyed by', async () => {
        const original = deployment(newService());
        await deployments.create(original);
        await expect(deployments.update(original.deploymentId, { startedAt: undefined })).rejects.toThrow(
          /Cannot remove "startedAt"/,
        );
        expect(await deployments.get(original.deploymentId)).toStrictEqual(original);
      });

      it('lists the deployments of one service newest first, up to the limit', async () => {
        const service = newService();
        // 999 < 1000 < 5000 only if startedAt is zero-padded: as text "999" sorts after "1000".
        const oldest = deployment(service, { startedAt: 999 });
        const middle = deployment(service, { startedAt: 1000 });
        const newest = deployment(service, { startedAt: 5000 });
        for (const d of [middle, newest, oldest]) await deployments.create(d);
        await deployments.create(deployment(newService(), { startedAt: 3000 }));

        expect(await deployments.listByService(service, 10)).toStrictEqual([newest, middle, oldest]);
        expect(await deployments.listByService(service, 2)).toStrictEqual([newest, middle]);
        expect(await deployments.listByService(service, 0)).toEqual([]);
        expect(await deployments.listByService(newService(), 10)).toEqual([]);
      });

      it('keeps the index in step when startedAt changes', async () => {
        const service = newService();
        const first = deployment(service, { startedAt: NOW });
        const second = deployment(service, { startedAt: NOW + MINUTE });
        await deployments.create(first);
        await deployments.create(second);
        const moved = await deployments.update(first.deploymentId, { startedAt: NOW + 2 * MINUTE });
        expect(await deployments.listByService(service, 10)).toStrictEqual([moved, second]);
      });
    });
  });
}
