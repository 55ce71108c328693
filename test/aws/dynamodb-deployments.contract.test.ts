// Contract tests of the deployments-table adapters (locks, deployments, service states, alarm
// watchers) against real DynamoDB emulators: dynalite (the local cloud's DynamoDB) and moto_server
// (skipped, and reported as skipped, where it is not installed). Every case runs against both; where
// an emulator departs from DynamoDB's documented behaviour the case is marked with the gap.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { DescribeTimeToLiveCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DynamoAlarmWatchers } from '../../shared/aws/dynamodb-alarm-watchers.js';
import { DynamoDeploymentLocks } from '../../shared/aws/dynamodb-deployment-locks.js';
import { DeploymentItemMissing, DynamoDeployments } from '../../shared/aws/dynamodb-deployments.js';
import { DynamoServiceStates } from '../../shared/aws/dynamodb-service-states.js';
import { TransientError } from '../../shared/aws/errors.js';
import type { Deployment, StableRelease } from '../../shared/domain/deployment.js';
import type { QueuedPush } from '../../shared/ports/deployments.js';
import { DYNAMODB_EMULATORS, emulatorClientConfig, freePort, type Emulator } from '../support/emulators.js';
import {
  DEPLOYMENTS_TTL_ATTRIBUTE,
  createDeploymentsTable,
  deploymentsTableDefinition,
} from '../../local/aws/dynamodb-tables.js';

const EMULATORS = DYNAMODB_EMULATORS;
type EmulatorName = (typeof EMULATORS)[number]['name'];

const TABLE = 'cutover-test-deployments';
const REPO = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/web';
const image = (n: number) => `${REPO}@sha256:${n.toString(16).padStart(2, '0').repeat(32)}`;
const NOW = 1_741_942_800_000; // 2025-03-14T09:00:00Z
const MINUTE = 60_000;

/** Fresh names per case, so cases share a table without sharing state. */
const newService = () => `svc-${randomUUID()}`;
const newId = () => `dep-${randomUUID()}`;

function stableRelease(release: number): StableRelease {
  return {
    release,
    image: image(release),
    taskSetId: `ecs-svc/${release}`,
    taskDefinitionArn: `arn:aws:ecs:eu-west-1:123456789012:task-definition/web:${release}`,
    targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1',
  };
}

function deployment(service: string, overrides: Partial<Deployment> = {}): Deployment {
  return {
    deploymentId: newId(),
    service,
    release: 8,
    image: image(8),
    strategy: 'canary',
    trigger: 'push',
    actor: 'ecr-push',
    status: 'running',
    phase: 'register-task-definition',
    startedAt: NOW,
    updatedAt: NOW,
    stable: stableRelease(7),
    candidate: {
      targetGroupArn: 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2',
    },
    weights: { stable: 100, candidate: 0 },
    ...overrides,
  };
}

function push(service: string, pushedAt: number, n = pushedAt % 250): QueuedPush {
  return { service, image: image(n), pushedAt, input: { service, image: image(n), trigger: 'push' } };
}

for (const emulator of EMULATORS) {
  describe.skipIf(!emulator.available)(`deployments table adapters on ${emulator.name}`, () => {
    let server: Emulator;
    let base: DynamoDBClient;
    let documents: DynamoDBDocumentClient;
    let locks: DynamoDeploymentLocks;
    let deployments: DynamoDeployments;
    let states: DynamoServiceStates;
    let watchers: DynamoAlarmWatchers;
    /** A case that this emulator gets wrong; each use says how, and which AWS document it breaks. */
    const itUnlessGapOn = (gapOn: EmulatorName) => (gapOn === emulator.name ? it.fails : it);

    beforeAll(async () => {
      server = await emulator.start();
      base = new DynamoDBClient(emulatorClientConfig(server.endpoint));
      // Default marshalling on purpose: the adapters must not need removeUndefinedValues.
      documents = DynamoDBDocumentClient.from(base);
      await createDeploymentsTable(base, TABLE);
      locks = new DynamoDeploymentLocks(documents, TABLE);
      deployments = new DynamoDeployments(documents, TABLE);
      states = new DynamoServiceStates(documents, TABLE);
      watchers = new DynamoAlarmWatchers(documents, TABLE);
    });

    afterAll(async () => {
      base?.destroy();
      await server?.stop();
    });

    /** The raw item, read around the adapters, to pin the table layout other readers rely on. */
    async function rawItem(pk: string, sk: string): Promise<Record<string, unknown> | undefined> {
      const output = await documents.send(new GetCommand({ TableName: TABLE, Key: { pk, sk } }));
      return output.Item;
    }

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
        const updated = await deployments.update(original.deploymentId, { bake: undefined, phase: 'shift 10%' });
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

    describe('ServiceStates', () => {
      it('has no stable release and no ledger head for a service never deployed', async () => {
        expect(await states.get(newService())).toEqual({ stable: null, ledgerHead: null });
      });

      it('keeps the stable release and the ledger head side by side', async () => {
        const service = newService();
        await states.setStable(service, stableRelease(7));
        await states.advanceLedgerHead(service, { seq: 1, hash: 'a'.repeat(64) });
        expect(await states.get(service)).toEqual({
          stable: stableRelease(7),
          ledgerHead: { seq: 1, hash: 'a'.repeat(64) },
        });
        await states.setStable(service, stableRelease(8));
        expect(await states.get(service)).toEqual({
          stable: stableRelease(8),
          ledgerHead: { seq: 1, hash: 'a'.repeat(64) },
        });
      });

      it('never moves the ledger head backwards', async () => {
        const service = newService();
        await states.advanceLedgerHead(service, { seq: 3, hash: '3'.repeat(64) });
        await states.advanceLedgerHead(service, { seq: 2, hash: '2'.repeat(64) });
        expect((await states.get(service)).ledgerHead).toEqual({ seq: 3, hash: '3'.repeat(64) });
        await states.advanceLedgerHead(service, { seq: 3, hash: 'f'.repeat(64) });
        expect((await states.get(service)).ledgerHead).toEqual({ seq: 3, hash: '3'.repeat(64) });
        await states.advanceLedgerHead(service, { seq: 4, hash: '4'.repeat(64) });
        expect(await states.get(service)).toEqual({
          stable: null,
          ledgerHead: { seq: 4, hash: '4'.repeat(64) },
        });
      });

      it('ends at the newest head when advances finish out of order', async () => {
        const service = newService();
        const seqs = [5, 9, 2, 10, 7, 1, 8];
        const advance = (seq: number) =>
          states.advanceLedgerHead(service, { seq, hash: `${seq % 10}`.repeat(64) });
        // moto_server applies a conditional UpdateItem as a separate read and write, so two at once
        // can both pass the condition (seen on a loaded machine); DynamoDB evaluates the condition
        // and the write atomically ("condition expressions ... are evaluated as part of the write":
        // https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html).
        // On moto the same out-of-order heads are sent one after another.
        if (emulator.name === 'moto_server') for (const seq of seqs) await advance(seq);
        else await Promise.all(seqs.map(advance));
        expect((await states.get(service)).ledgerHead).toEqual({ seq: 10, hash: '0'.repeat(64) });
      });

      it('gives release numbers after the floor, one per deployment, the same one again on a retry', async () => {
        const service = newService();
        const [a, b] = [newId(), newId()];
        expect(await states.allocateRelease(service, a, 3)).toBe(4);
        expect(await states.allocateRelease(service, a, 3)).toBe(4);
        // The floor only starts the counter; it never moves it back.
        expect(await states.allocateRelease(service, b, 0)).toBe(5);
        expect((await states.get(service)).lastRelease).toBe(5);
      });

      it('gives deployments asking at once different numbers', async () => {
        const service = newService();
        const ids = Array.from({ length: 6 }, newId);
        // As above: moto applies a conditional UpdateItem as a separate read and write.
        const given =
          emulator.name === 'moto_server'
            ? await ids.reduce<Promise<number[]>>(
                async (done, id) => [...(await done), await states.allocateRelease(service, id, 0)],
                Promise.resolve([]),
              )
            : await Promise.all(ids.map((id) => states.allocateRelease(service, id, 0)));
        expect([...given].sort((x, y) => x - y)).toEqual([1, 2, 3, 4, 5, 6]);
      });
    });

    describe('AlarmWatchers', () => {
      it('finds the watchers of an alarm by its name, and unwatch removes only that deployment', async () => {
        const alarm = `web-5xx-${randomUUID()}`;
        const other = `web-latency-${randomUUID()}`;
        const [a, b] = [newId(), newId()];
        const expiresAt = Math.floor(NOW / 1000) + 600;
        await watchers.watch(
          [
            { alarmName: alarm, deploymentId: a, service: 'web', token: 'token-a' },
            { alarmName: other, deploymentId: a, service: 'web', token: 'token-a' },
          ],
          expiresAt,
        );
        await watchers.watch(
          [{ alarmName: alarm, deploymentId: b, service: 'api', token: 'token-b' }],
          expiresAt,
        );

        const found = await watchers.watchersOf(alarm);
        expect(found.sort((x, y) => x.token.localeCompare(y.token))).toEqual([
          { alarmName: alarm, deploymentId: a, service: 'web', token: 'token-a' },
          { alarmName: alarm, deploymentId: b, service: 'api', token: 'token-b' },
        ]);
        expect(await watchers.watchersOf(`nobody-${randomUUID()}`)).toEqual([]);

        await watchers.unwatch(a, [alarm, other]);
        expect(await watchers.watchersOf(alarm)).toEqual([
          { alarmName: alarm, deploymentId: b, service: 'api', token: 'token-b' },
        ]);
        expect(await watchers.watchersOf(other)).toEqual([]);
      });

      it('is idempotent: a retried watch stores one watcher, a new bake replaces its token', async () => {
        const alarm = `web-5xx-${randomUUID()}`;
        const id = newId();
        const watcher = { alarmName: alarm, deploymentId: id, service: 'web', token: 'token-1' };
        await watchers.watch([watcher], 1_741_943_400);
        await watchers.watch([watcher], 1_741_943_400);
        expect(await watchers.watchersOf(alarm)).toEqual([watcher]);
        await watchers.watch([{ ...watcher, token: 'token-2' }], 1_741_944_000);
        expect(await watchers.watchersOf(alarm)).toEqual([{ ...watcher, token: 'token-2' }]);
        // Stored under ALARM#<name> / DEPLOYMENT#<id>, with the TTL attribute in epoch seconds.
        expect(await rawItem(`ALARM#${alarm}`, `DEPLOYMENT#${id}`)).toMatchObject({
          [DEPLOYMENTS_TTL_ATTRIBUTE]: 1_741_944_000,
          token: 'token-2',
        });
        await expect(watchers.unwatch(id, [alarm, `never-watched-${randomUUID()}`])).resolves.toBeUndefined();
        expect(await watchers.watchersOf(alarm)).toEqual([]);
      });

      // known dynalite gap: it has no UpdateTimeToLive and DescribeTimeToLive always says DISABLED, vs
      // AWS docs https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateTimeToLive.html
      // (TTL only cleans up finished bakes; no adapter relies on items expiring).
      itUnlessGapOn('dynalite')(
        'has TTL enabled on expiresAt, so watchers go away after the bake',
        async () => {
          const output = await base.send(new DescribeTimeToLiveCommand({ TableName: TABLE }));
          expect(output.TimeToLiveDescription).toMatchObject({
            TimeToLiveStatus: 'ENABLED',
            AttributeName: DEPLOYMENTS_TTL_ATTRIBUTE,
          });
        },
      );
    });
  });
}

describe('deployments table adapters at the edge', () => {
  it('turn an unreachable endpoint into TransientError, so the step retries', async () => {
    // A port nobody listens on: a real connection refusal, not a mocked one.
    const endpoint = `http://127.0.0.1:${await freePort()}`;
    const client = DynamoDBDocumentClient.from(
      new DynamoDBClient({ ...emulatorClientConfig(endpoint), maxAttempts: 1 }),
    );
    try {
      await expect(
        new DynamoDeploymentLocks(client, TABLE).acquire('web', 'dep-a', NOW, NOW),
      ).rejects.toMatchObject({
        name: 'TransientError',
        message: expect.stringContaining(`UpdateItem lock on table ${TABLE}`),
      });
      await expect(new DynamoDeployments(client, TABLE).get('dep-a')).rejects.toBeInstanceOf(TransientError);
      await expect(new DynamoAlarmWatchers(client, TABLE).watchersOf('web-5xx')).rejects.toBeInstanceOf(
        TransientError,
      );
    } finally {
      client.destroy();
    }
  });

  it('creates the deployments table exactly as serverless.yml declares it', () => {
    const template = parse(readFileSync(new URL('../../serverless.yml', import.meta.url), 'utf8'), {
      logLevel: 'error',
    }) as { resources: { Resources: { DeploymentsTable: { Properties: Record<string, unknown> } } } };
    const declared = template.resources.Resources.DeploymentsTable.Properties;
    const definition = deploymentsTableDefinition(TABLE);
    expect(definition.AttributeDefinitions).toEqual(declared.AttributeDefinitions);
    expect(definition.KeySchema).toEqual(declared.KeySchema);
    expect(definition.GlobalSecondaryIndexes).toEqual(declared.GlobalSecondaryIndexes);
    expect(definition.BillingMode).toBe(declared.BillingMode);
    expect(declared.TimeToLiveSpecification).toEqual({
      AttributeName: DEPLOYMENTS_TTL_ATTRIBUTE,
      Enabled: true,
    });
  });
});
