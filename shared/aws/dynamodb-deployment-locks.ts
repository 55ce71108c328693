// DeploymentLocks on the deployments table (dynamodb-deployments-table.ts): a service's lock,
//   pk SERVICE#<service>   sk LOCK     deploymentId, leaseUntil (ms)
// and the push that waits for it,
//   pk SERVICE#<service>   sk QUEUED   service, image, pushedAt (ms), input

import { withoutUndefined } from '../domain/records.js';
import type { DeploymentLocks, LockResult, QueuedPush } from '../ports/deployments.js';
import {
  DeploymentsTableAdapter,
  lockKey,
  queuedKey,
  servicePk,
  type Item,
} from './dynamodb-deployments-table.js';
import { TransientError } from './errors.js';

type Holder = { deploymentId: string; leaseUntil: number };

/** How often acquire retries when the lock changes hands between its write and its read. */
const ACQUIRE_ATTEMPTS = 3;

export class DynamoDeploymentLocks extends DeploymentsTableAdapter implements DeploymentLocks {
  async acquire(service: string, deploymentId: string, leaseUntil: number, now: number): Promise<LockResult> {
    for (let round = 1; round <= ACQUIRE_ATTEMPTS; round++) {
      const taken = await this.attempt('UpdateItem lock', (TableName) =>
        this.documents.updateItem({
          TableName,
          Key: lockKey(service),
          UpdateExpression: 'SET #deploymentId = :deploymentId, #leaseUntil = :leaseUntil',
          // Closes the double-start race: of two deployments of a service started together only
          // one gets the lock; a retried step of the holder gets it again; an abandoned
          // (expired) lease can be taken over.
          ConditionExpression:
            'attribute_not_exists(#pk) OR #deploymentId = :deploymentId OR #leaseUntil < :now',
          ExpressionAttributeNames: {
            '#pk': 'pk',
            '#deploymentId': 'deploymentId',
            '#leaseUntil': 'leaseUntil',
          },
          ExpressionAttributeValues: {
            ':deploymentId': deploymentId,
            ':leaseUntil': leaseUntil,
            ':now': now,
          },
        }),
      );
      if (taken !== null) return { acquired: true };
      const holder = await this.holder(service);
      // Freed (or taken by a retry of ours) between the write and the read: try again.
      if (holder !== null && holder.deploymentId !== deploymentId) return { acquired: false, holder };
    }
    throw new TransientError(
      `The lock of service "${service}" kept changing hands while ${deploymentId} tried to take it; ` +
        'the step will retry',
    );
  }

  async renew(service: string, deploymentId: string, leaseUntil: number): Promise<boolean> {
    const renewed = await this.attempt('UpdateItem lock', (TableName) =>
      this.documents.updateItem({
        TableName,
        Key: lockKey(service),
        UpdateExpression: 'SET #leaseUntil = :leaseUntil',
        // Closes the lost-lease race: once another deployment has taken over an expired lease, the
        // old holder must not extend it (and renewing a released lock must not recreate it).
        ConditionExpression: '#deploymentId = :deploymentId',
        ExpressionAttributeNames: { '#deploymentId': 'deploymentId', '#leaseUntil': 'leaseUntil' },
        ExpressionAttributeValues: { ':deploymentId': deploymentId, ':leaseUntil': leaseUntil },
      }),
    );
    return renewed !== null;
  }

  async release(service: string, deploymentId: string): Promise<void> {
    // A failed condition means the lock is not ours: nothing to do, as the port says.
    await this.attempt('DeleteItem lock', (TableName) =>
      this.documents.deleteItem({
        TableName,
        Key: lockKey(service),
        // Closes the late-release race: a deployment that lost its lease, or a retried release
        // step, must not free a lock that another deployment now holds.
        ConditionExpression: '#deploymentId = :deploymentId',
        ExpressionAttributeNames: { '#deploymentId': 'deploymentId' },
        ExpressionAttributeValues: { ':deploymentId': deploymentId },
      }),
    );
  }

  async transfer(service: string, from: string, to: string, leaseUntil: number): Promise<boolean> {
    const moved = await this.attempt('UpdateItem lock', (TableName) =>
      this.documents.updateItem({
        TableName,
        Key: lockKey(service),
        UpdateExpression: 'SET #deploymentId = :to, #leaseUntil = :leaseUntil',
        // Closes the handover race: the lock moves only from the deployment that holds it (or is
        // already with `to`, a retry), never from a third deployment that took an expired lease,
        // and a released lock is not recreated.
        ConditionExpression: '#deploymentId IN (:from, :to)',
        ExpressionAttributeNames: { '#deploymentId': 'deploymentId', '#leaseUntil': 'leaseUntil' },
        ExpressionAttributeValues: { ':from': from, ':to': to, ':leaseUntil': leaseUntil },
      }),
    );
    return moved !== null;
  }

  async holder(service: string): Promise<Holder | null> {
    const item = await this.getItem('GetItem lock', lockKey(service));
    if (item === null) return null;
    return toHolder(item);
  }

  async holders(services: readonly string[]): Promise<Map<string, Holder | null>> {
    const items = await this.getItems('locks', services.map(lockKey));
    return new Map(services.map((service) => [service, toHolderOrNull(items.get(servicePk(service)))]));
  }

  async queue(push: QueuedPush): Promise<boolean> {
    const kept = await this.attempt('PutItem queued push', (TableName) =>
      this.documents.putItem({
        TableName,
        Item: {
          ...queuedKey(push.service),
          service: push.service,
          image: push.image,
          pushedAt: push.pushedAt,
          input: withoutUndefined(push.input),
        },
        // Closes the out-of-order race: EventBridge may deliver an older push after a newer one,
        // and only the newest may wait. The same push delivered again is kept again (EventBridge
        // delivers at least once).
        ConditionExpression:
          'attribute_not_exists(#pk) OR #pushedAt < :pushedAt OR (#pushedAt = :pushedAt AND #image = :image)',
        ExpressionAttributeNames: { '#pk': 'pk', '#pushedAt': 'pushedAt', '#image': 'image' },
        ExpressionAttributeValues: { ':pushedAt': push.pushedAt, ':image': push.image },
      }),
    );
    return kept !== null;
  }

  async queued(service: string): Promise<QueuedPush | null> {
    const output = await this.attempt('GetItem queued push', (TableName) =>
      this.documents.getItem({ TableName, Key: queuedKey(service), ConsistentRead: true }),
    );
    const item = output?.Item;
    if (item === undefined) return null;
    return {
      service: item.service as string,
      image: item.image as string,
      pushedAt: item.pushedAt as number,
      input: item.input as Record<string, unknown>,
    };
  }

  async dequeue(service: string, pushedAt: number): Promise<void> {
    await this.attempt('DeleteItem queued push', (TableName) =>
      this.documents.deleteItem({
        TableName,
        Key: queuedKey(service),
        // Closes the race with a newer push queued while the waiting one was being started:
        // only the push that was started is removed; the newer one keeps waiting.
        ConditionExpression: '#pushedAt = :pushedAt',
        ExpressionAttributeNames: { '#pushedAt': 'pushedAt' },
        ExpressionAttributeValues: { ':pushedAt': pushedAt },
      }),
    );
  }
}

function toHolder(item: Item): Holder {
  return { deploymentId: item.deploymentId as string, leaseUntil: item.leaseUntil as number };
}

function toHolderOrNull(item: Item | undefined): Holder | null {
  return item === undefined ? null : toHolder(item);
}
