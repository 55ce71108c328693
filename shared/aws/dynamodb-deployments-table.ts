// The deployments table on DynamoDB: its keys, and what its adapters share. One adapter class per
// port, one item kind per class, each in its own file: dynamodb-deployment-locks.ts,
// dynamodb-deployments.ts, dynamodb-service-states.ts, dynamodb-alarm-watchers.ts (and the start
// vouchers, dynamodb-vouchers.ts).
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

import { batchGetItems, type TableKey } from './dynamodb-batch-get.js';
import {
  dynamoDocuments,
  type DynamoDocuments,
  type DynamoSource,
  type QueryInput,
} from './dynamodb-documents.js';
import { isConditionalCheckFailed, translateTransient } from './errors.js';

/** The index that lists a service's deployments newest first. */
export const BY_SERVICE_INDEX = 'byService';

export type Item = Record<string, unknown>;

export const servicePk = (service: string) => `SERVICE#${service}`;
const deploymentPk = (deploymentId: string) => `DEPLOYMENT#${deploymentId}`;
export const alarmPk = (alarmName: string) => `ALARM#${alarmName}`;
export const lockKey = (service: string) => ({ pk: servicePk(service), sk: 'LOCK' });
export const queuedKey = (service: string) => ({ pk: servicePk(service), sk: 'QUEUED' });
export const stateKey = (service: string) => ({ pk: servicePk(service), sk: 'STATE' });
export const deploymentKey = (deploymentId: string) => ({ pk: deploymentPk(deploymentId), sk: 'DEPLOYMENT' });
export const watcherKey = (alarmName: string, deploymentId: string) => ({
  pk: alarmPk(alarmName),
  sk: deploymentPk(deploymentId),
});
/** Zero-padded so the index sorts by startedAt as text (15 digits of ms last until the year 33658). */
export const byServiceSk = (startedAt: number, deploymentId: string) =>
  `${String(startedAt).padStart(15, '0')}#${deploymentId}`;

/**
 * What the four adapters share: the injected documents (or an SDK client to reach DynamoDB as it
 * would), the table, and the edge where DynamoDB's errors are translated (a failed condition
 * becomes null; throttling and 5xx become TransientError).
 */
export abstract class DeploymentsTableAdapter {
  protected readonly documents: DynamoDocuments;

  constructor(
    source: DynamoSource,
    protected readonly tableName: string,
  ) {
    this.documents = dynamoDocuments(source);
  }

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
      this.documents.getItem({ TableName, Key: key, ConsistentRead: true }),
    );
    return output?.Item ?? null;
  }

  /** The items under `keys`, by pk: BatchGetItem, 100 keys a call, strongly consistent like `getItem`. */
  protected async getItems(what: string, keys: TableKey[]): Promise<Map<string, Item>> {
    const items = await batchGetItems(this.documents, this.tableName, what, keys, { consistentRead: true });
    return new Map(items.map((item) => [item.pk as string, item]));
  }

  /** Every item a query matches, page by page, stopping at `limit` items when one is given. */
  protected async queryAll(
    operation: string,
    input: Omit<QueryInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>,
    limit?: number,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let startKey: Item | undefined;
    do {
      const output = await this.attempt(operation, (TableName) =>
        this.documents.query({
          ...input,
          TableName,
          ExclusiveStartKey: startKey,
          Limit: limit === undefined ? undefined : limit - items.length,
        }),
      );
      items.push(...(output?.Items ?? []));
      startKey = output?.LastEvaluatedKey;
    } while (startKey !== undefined && (limit === undefined || items.length < limit));
    return items;
  }
}
