// The deployments table on DynamoDB: one adapter class per port, one item kind per class.
// Every write is a single conditional write (dynalite, the local cloud's DynamoDB, has no
// transactions), so each race is closed by the condition on that one write.
//
//   lock           pk SERVICE#<service>   sk LOCK                  deploymentId, leaseUntil (ms)
//   queued push    pk SERVICE#<service>   sk QUEUED                service, image, pushedAt (ms), input
//   service state  pk SERVICE#<service>   sk STATE                 stable?, ledgerHead?, lastRelease?,
//                                                                  lastReleaseBy? (the deployment that took it)
//   deployment     pk DEPLOYMENT#<id>     sk DEPLOYMENT            the Deployment, plus gsi1pk
//                                                                  SERVICE#<service>, gsi1sk <startedAt>#<id>
//   alarm watcher  pk ALARM#<alarmName>   sk DEPLOYMENT#<id>       deploymentId, service, token,
//                                                                  expiresAt (s, the table's TTL)

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Deployment, StableRelease } from '../domain/deployment.js';
import type { ChainHead } from '../domain/ledger.js';
import type {
  AlarmWatcher,
  AlarmWatchers,
  DeploymentLocks,
  DeploymentCondition,
  Deployments,
  LockResult,
  QueuedPush,
  ServiceState,
  ServiceStates,
} from '../ports/deployments.js';
import { batchGetItems, type TableKey } from './dynamodb-batch-get.js';
import { TransientError, translateTransient } from './errors.js';

/** The index that lists a service's deployments newest first. */
export const BY_SERVICE_INDEX = 'byService';

/** An update named a deployment that was never created (or whose item is gone). */
export class DeploymentNotFound extends Error {
  override readonly name = 'DeploymentNotFound' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

type Item = Record<string, unknown>;
type Holder = { deploymentId: string; leaseUntil: number };

const servicePk = (service: string) => `SERVICE#${service}`;
const deploymentPk = (deploymentId: string) => `DEPLOYMENT#${deploymentId}`;
const alarmPk = (alarmName: string) => `ALARM#${alarmName}`;
const lockKey = (service: string) => ({ pk: servicePk(service), sk: 'LOCK' });
const queuedKey = (service: string) => ({ pk: servicePk(service), sk: 'QUEUED' });
const stateKey = (service: string) => ({ pk: servicePk(service), sk: 'STATE' });
const deploymentKey = (deploymentId: string) => ({ pk: deploymentPk(deploymentId), sk: 'DEPLOYMENT' });
const watcherKey = (alarmName: string, deploymentId: string) => ({
  pk: alarmPk(alarmName),
  sk: deploymentPk(deploymentId),
});
/** Zero-padded so the index sorts by startedAt as text (15 digits of ms last until the year 33658). */
const byServiceSk = (startedAt: number, deploymentId: string) =>
  `${String(startedAt).padStart(15, '0')}#${deploymentId}`;

/** How often acquire retries when the lock changes hands between its write and its read. */
const ACQUIRE_ATTEMPTS = 3;

/**
 * What the four adapters share: the injected client, the table, and the edge where SDK errors are
 * translated (a failed condition becomes null; throttling and 5xx become TransientError).
 */
abstract class DeploymentsTableAdapter {
  constructor(
    protected readonly client: DynamoDBDocumentClient,
    protected readonly tableName: string,
  ) {}

  /** Sends one request; null when its condition failed. */
  protected async attempt<T>(operation: string, call: (tableName: string) => Promise<T>): Promise<T | null> {
    try {
      return await call(this.tableName);
    } catch (error) {
      if (isConditionalCheckFailed(error)) return null;
      return translateTransient(`${operation} on table ${this.tableName}`, error);
    }
  }

  protected async getItem(operation: string, key: Item): Promise<Item | null> {
    const output = await this.attempt(operation, (TableName) =>
      this.client.send(new GetCommand({ TableName, Key: key, ConsistentRead: true })),
    );
    return output?.Item ?? null;
  }

  /** The items under `keys`, by pk: BatchGetItem, 100 keys a call, strongly consistent like `getItem`. */
  protected async getItems(what: string, keys: TableKey[]): Promise<Map<string, Item>> {
    const items = await batchGetItems(this.client, this.tableName, what, keys, { consistentRead: true });
    return new Map(items.map((item) => [item.pk as string, item]));
  }

  /** Every item a query matches, page by page, stopping at `limit` items when one is given. */
  protected async queryAll(
    operation: string,
    input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
    limit?: number,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.attempt(operation, (TableName) =>
        this.client.send(
          new QueryCommand({
            ...input,
            TableName,
            ExclusiveStartKey: startKey,
            Limit: limit === undefined ? undefined : limit - items.length,
          }),
        ),
      );
      items.push(...(output?.Items ?? []));
      startKey = output?.LastEvaluatedKey;
    } while (startKey !== undefined && (limit === undefined || items.length < limit));
    return items;
  }
}

export class DynamoDeploymentLocks extends DeploymentsTableAdapter implements DeploymentLocks {
  async acquire(service: string, deploymentId: string, leaseUntil: number, now: number): Promise<LockResult> {
    for (let round = 1; round <= ACQUIRE_ATTEMPTS; round++) {
      const taken = await this.attempt('UpdateItem lock', (TableName) =>
        this.client.send(
          new UpdateCommand({
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
        ),
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
      this.client.send(
        new UpdateCommand({
          TableName,
          Key: lockKey(service),
          UpdateExpression: 'SET #leaseUntil = :leaseUntil',
          // Closes the lost-lease race: once another deployment has taken over an expired lease, the
          // old holder must not extend it (and renewing a released lock must not recreate it).
          ConditionExpression: '#deploymentId = :deploymentId',
          ExpressionAttributeNames: { '#deploymentId': 'deploymentId', '#leaseUntil': 'leaseUntil' },
          ExpressionAttributeValues: { ':deploymentId': deploymentId, ':leaseUntil': leaseUntil },
        }),
      ),
    );
    return renewed !== null;
  }

  async release(service: string, deploymentId: string): Promise<void> {
    // A failed condition means the lock is not ours: nothing to do, as the port says.
    await this.attempt('DeleteItem lock', (TableName) =>
      this.client.send(
        new DeleteCommand({
          TableName,
          Key: lockKey(service),
          // Closes the late-release race: a deployment that lost its lease, or a retried release
          // step, must not free a lock that another deployment now holds.
          ConditionExpression: '#deploymentId = :deploymentId',
          ExpressionAttributeNames: { '#deploymentId': 'deploymentId' },
          ExpressionAttributeValues: { ':deploymentId': deploymentId },
        }),
      ),
    );
  }

  async transfer(service: string, from: string, to: string, leaseUntil: number): Promise<boolean> {
    const moved = await this.attempt('UpdateItem lock', (TableName) =>
      this.client.send(
        new UpdateCommand({
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
      ),
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
      this.client.send(
        new PutCommand({
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
      ),
    );
    return kept !== null;
  }

  async queued(service: string): Promise<QueuedPush | null> {
    const output = await this.attempt('GetItem queued push', (TableName) =>
      this.client.send(new GetCommand({ TableName, Key: queuedKey(service), ConsistentRead: true })),
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
      this.client.send(
        new DeleteCommand({
          TableName,
          Key: queuedKey(service),
          // Closes the race with a newer push queued while the waiting one was being started:
          // only the push that was started is removed; the newer one keeps waiting.
          ConditionExpression: '#pushedAt = :pushedAt',
          ExpressionAttributeNames: { '#pushedAt': 'pushedAt' },
          ExpressionAttributeValues: { ':pushedAt': pushedAt },
        }),
      ),
    );
  }
}

export class DynamoDeployments extends DeploymentsTableAdapter implements Deployments {
  async create(deployment: Deployment): Promise<boolean> {
    const created = await this.attempt('PutItem deployment', (TableName) =>
      this.client.send(
        new PutCommand({
          TableName,
          Item: {
            ...withoutUndefined(deployment),
            ...deploymentKey(deployment.deploymentId),
            gsi1pk: servicePk(deployment.service),
            gsi1sk: byServiceSk(deployment.startedAt, deployment.deploymentId),
          },
          // Closes the duplicate-start race: a retried create (or two starts with one id) must not
          // overwrite a deployment that has already moved on.
          ConditionExpression: 'attribute_not_exists(#pk)',
          ExpressionAttributeNames: { '#pk': 'pk' },
        }),
      ),
    );
    return created !== null;
  }

  async get(deploymentId: string): Promise<Deployment | null> {
    const item = await this.getItem('GetItem deployment', deploymentKey(deploymentId));
    return item === null ? null : toDeployment(item);
  }

  async getMany(deploymentIds: readonly string[]): Promise<Map<string, Deployment>> {
    const items = await this.getItems('deployments', deploymentIds.map(deploymentKey));
    return new Map([...items.values()].map((item) => [item.deploymentId as string, toDeployment(item)]));
  }

  async update(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
  ): Promise<Deployment> {
    const updated = await this.write(deploymentId, changes, {});
    if (updated === null) throw notFound(deploymentId);
    return updated;
  }

  updateIf(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
    when: DeploymentCondition,
  ): Promise<Deployment | null> {
    return this.write(deploymentId, changes, when);
  }

  private async write(
    deploymentId: string,
    changes: Partial<Omit<Deployment, 'deploymentId'>>,
    when: DeploymentCondition,
  ): Promise<Deployment | null> {
    const expression = updateExpression(deploymentId, changes);
    if (expression === null) return this.get(deploymentId);
    const condition = conditionExpression(when);
    const values = { ...expression.ExpressionAttributeValues, ...condition.values };
    const output = await this.attempt('UpdateItem deployment', (TableName) =>
      this.client.send(
        new UpdateCommand({
          TableName,
          Key: deploymentKey(deploymentId),
          UpdateExpression: expression.UpdateExpression,
          // attribute_exists closes the update-of-a-missing-deployment race: UpdateItem would otherwise
          // create a partial deployment from the changes alone when the id is wrong or the item is gone.
          ConditionExpression: ['attribute_exists(#pk)', ...condition.clauses].join(' AND '),
          ExpressionAttributeNames: {
            ...expression.ExpressionAttributeNames,
            ...condition.names,
            '#pk': 'pk',
          },
          // DynamoDB rejects an empty ExpressionAttributeValues, as when every change is a removal.
          ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: values } : {}),
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return output?.Attributes === undefined ? null : toDeployment(output.Attributes);
  }

  async listByService(service: string, limit: number): Promise<Deployment[]> {
    if (limit < 1) return [];
    const items = await this.queryAll(
      `Query ${BY_SERVICE_INDEX} index`,
      {
        IndexName: BY_SERVICE_INDEX,
        KeyConditionExpression: '#gsi1pk = :gsi1pk',
        ExpressionAttributeNames: { '#gsi1pk': 'gsi1pk' },
        ExpressionAttributeValues: { ':gsi1pk': servicePk(service) },
        ScanIndexForward: false,
      },
      limit,
    );
    return items.map(toDeployment);
  }
}

export class DynamoServiceStates extends DeploymentsTableAdapter implements ServiceStates {
  async get(service: string): Promise<ServiceState> {
    return toServiceState(await this.getItem('GetItem service state', stateKey(service)));
  }

  async getMany(services: readonly string[]): Promise<Map<string, ServiceState>> {
    const items = await this.getItems('service states', services.map(stateKey));
    return new Map(services.map((service) => [service, toServiceState(items.get(servicePk(service)))]));
  }

  async allocateRelease(service: string, deploymentId: string, floor: number): Promise<number> {
    const output = await this.attempt('UpdateItem service state', (TableName) =>
      this.client.send(
        new UpdateCommand({
          TableName,
          Key: stateKey(service),
          // One atomic increment, never a read and then a write: of two deployments asking at
          // once, each gets its own number.
          UpdateExpression: 'SET #last = if_not_exists(#last, :floor) + :one, #by = :deploymentId',
          // Closes the retry race: a retried step of the deployment that took the last number
          // must not take a second one (and leave a gap in what it recorded).
          ConditionExpression: 'attribute_not_exists(#by) OR #by <> :deploymentId',
          ExpressionAttributeNames: { '#last': 'lastRelease', '#by': 'lastReleaseBy' },
          ExpressionAttributeValues: { ':floor': floor, ':one': 1, ':deploymentId': deploymentId },
          ReturnValues: 'UPDATED_NEW',
        }),
      ),
    );
    const given: unknown = output?.Attributes?.lastRelease;
    if (typeof given === 'number') return given;
    // The condition failed: this deployment holds the last number already.
    const item = await this.getItem('GetItem service state', stateKey(service));
    if (typeof item?.lastRelease !== 'number') {
      throw new TransientError(
        `The release counter of service "${service}" is missing after a failed condition; the step will retry`,
      );
    }
    return item.lastRelease;
  }

  async setStable(service: string, stable: StableRelease): Promise<void> {
    await this.attempt('UpdateItem service state', (TableName) =>
      this.client.send(
        new UpdateCommand({
          TableName,
          Key: stateKey(service),
          // No condition: only the lock holder promotes or rolls back, so no writer competes.
          // SET rather than PutItem, so the ledger head kept in the same item is left alone.
          UpdateExpression: 'SET #stable = :stable',
          ExpressionAttributeNames: { '#stable': 'stable' },
          ExpressionAttributeValues: { ':stable': withoutUndefined(stable) },
        }),
      ),
    );
  }

  async advanceLedgerHead(service: string, head: ChainHead): Promise<void> {
    // A failed condition means a newer head is stored: ignored, as the port says.
    await this.attempt('UpdateItem service state', (TableName) =>
      this.client.send(
        new UpdateCommand({
          TableName,
          Key: stateKey(service),
          UpdateExpression: 'SET #ledgerHead = :head',
          // Closes the stale-anchor race: two appends finishing out of order (or a retried step)
          // must never move the anchor back, or verify would call the newer records foreign.
          ConditionExpression: 'attribute_not_exists(#ledgerHead) OR #ledgerHead.#seq < :seq',
          ExpressionAttributeNames: { '#ledgerHead': 'ledgerHead', '#seq': 'seq' },
          ExpressionAttributeValues: { ':head': { seq: head.seq, hash: head.hash }, ':seq': head.seq },
        }),
      ),
    );
  }
}

export class DynamoAlarmWatchers extends DeploymentsTableAdapter implements AlarmWatchers {
  /** `expiresAt` is in epoch seconds, the unit of DynamoDB's TTL, which removes the items after the bake. */
  async watch(watchers: readonly AlarmWatcher[], expiresAt: number): Promise<void> {
    // Unconditional puts: a retried step writes the same items again, and a new bake of the same
    // deployment replaces the old token with the one that must now be failed.
    await Promise.all(
      watchers.map((watcher) =>
        this.attempt('PutItem alarm watcher', (TableName) =>
          this.client.send(
            new PutCommand({
              TableName,
              Item: {
                ...watcherKey(watcher.alarmName, watcher.deploymentId),
                deploymentId: watcher.deploymentId,
                service: watcher.service,
                token: watcher.token,
                expiresAt,
              },
            }),
          ),
        ),
      ),
    );
  }

  async watchersOf(alarmName: string): Promise<AlarmWatcher[]> {
    const items = await this.queryAll('Query alarm watchers', {
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: { '#pk': 'pk' },
      ExpressionAttributeValues: { ':pk': alarmPk(alarmName) },
      // Strongly consistent: an alarm firing right after a bake stored its token must find it.
      ConsistentRead: true,
    });
    return items.map((item) => ({
      alarmName,
      deploymentId: item.deploymentId as string,
      service: item.service as string,
      token: item.token as string,
    }));
  }

  async unwatch(deploymentId: string, alarmNames: readonly string[]): Promise<void> {
    await Promise.all(
      alarmNames.map((alarmName) =>
        this.attempt('DeleteItem alarm watcher', (TableName) =>
          this.client.send(new DeleteCommand({ TableName, Key: watcherKey(alarmName, deploymentId) })),
        ),
      ),
    );
  }
}

type Expression = {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Item;
};

/** SET for each defined change, REMOVE for each `undefined` one; null when there is nothing to do. */
function updateExpression(
  deploymentId: string,
  changes: Partial<Omit<Deployment, 'deploymentId'>>,
): Expression | null {
  for (const indexed of ['service', 'startedAt'] as const) {
    if (indexed in changes && changes[indexed] === undefined) {
      throw new TypeError(
        `Cannot remove "${indexed}" from deployment ${deploymentId}: every deployment has one, and the ` +
          `${BY_SERVICE_INDEX} index is keyed by it`,
      );
    }
  }
  const names: Record<string, string> = {};
  const values: Item = {};
  const sets: string[] = [];
  const removes: string[] = [];
  Object.entries(changes).forEach(([field, value], i) => {
    names[`#f${i}`] = field;
    if (value === undefined) {
      removes.push(`#f${i}`);
    } else {
      values[`:v${i}`] = withoutUndefined(value);
      sets.push(`#f${i} = :v${i}`);
    }
  });
  // The index keys follow the fields they are made of.
  if (changes.service !== undefined) {
    names['#gsi1pk'] = 'gsi1pk';
    values[':gsi1pk'] = servicePk(changes.service);
    sets.push('#gsi1pk = :gsi1pk');
  }
  if (changes.startedAt !== undefined) {
    names['#gsi1sk'] = 'gsi1sk';
    values[':gsi1sk'] = byServiceSk(changes.startedAt, deploymentId);
    sets.push('#gsi1sk = :gsi1sk');
  }
  if (sets.length === 0 && removes.length === 0) return null;
  const clauses = [
    sets.length > 0 ? `SET ${sets.join(', ')}` : '',
    removes.length > 0 ? `REMOVE ${removes.join(', ')}` : '',
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    // DynamoDB rejects an empty ExpressionAttributeValues, as when every change is a removal.
    ...(sets.length > 0 ? { ExpressionAttributeValues: values } : {}),
  };
}

/** A conditional update's clauses: `#cN = :cN` for a value, `attribute_not_exists(#cN)` for null. */
function conditionExpression(when: DeploymentCondition): {
  clauses: string[];
  names: Record<string, string>;
  values: Item;
} {
  const clauses: string[] = [];
  const names: Record<string, string> = {};
  const values: Item = {};
  Object.entries(when).forEach(([field, value], i) => {
    names[`#c${i}`] = field;
    if (value === null) clauses.push(`attribute_not_exists(#c${i})`);
    else {
      values[`:c${i}`] = value;
      clauses.push(`#c${i} = :c${i}`);
    }
  });
  return { clauses, names, values };
}

function notFound(deploymentId: string): DeploymentNotFound {
  return new DeploymentNotFound(
    `Deployment ${deploymentId} does not exist; it must be created before it can be updated`,
  );
}

function toServiceState(item: Item | null | undefined): ServiceState {
  return {
    stable: (item?.stable as StableRelease | undefined) ?? null,
    ledgerHead: (item?.ledgerHead as ChainHead | undefined) ?? null,
    ...(typeof item?.lastRelease === 'number' ? { lastRelease: item.lastRelease } : {}),
  };
}

function toHolder(item: Item): Holder {
  return { deploymentId: item.deploymentId as string, leaseUntil: item.leaseUntil as number };
}

function toHolderOrNull(item: Item | undefined): Holder | null {
  return item === undefined ? null : toHolder(item);
}

const KEY_ATTRIBUTES = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];

/** The stored item without the table's key and index attributes. */
function toDeployment(item: Item): Deployment {
  const deployment: Item = { ...item };
  for (const key of KEY_ATTRIBUTES) delete deployment[key];
  return deployment as unknown as Deployment;
}

/**
 * A copy without `undefined` properties, at any depth. The ports use `undefined` for "absent", and
 * the document client rejects it unless configured otherwise; removing it here keeps the adapter
 * correct whatever marshalling options the injected client has.
 */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member !== undefined) copy[key] = withoutUndefined(member);
  }
  return copy as T;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
