// ReleaseLedger on DynamoDB. One item per record, keyed by (service, seq), the record's fields as
// top-level attributes. The ledger's IAM role grants only PutItem, GetItem and Query, so this
// adapter sends nothing else: records are created, never updated or deleted.

import { ledgerRecordSchema, type LedgerRecord } from '../domain/ledger.js';
import { withoutUndefined } from '../domain/records.js';
import type { ReleaseLedger } from '../ports/ledger.js';
import { dynamoDocuments, type DynamoDocuments, type DynamoSource } from './dynamodb-documents.js';
import { isConditionalCheckFailed, LedgerCorrupt, translateTransient } from './errors.js';

export class DynamoReleaseLedger implements ReleaseLedger {
  private readonly documents: DynamoDocuments;

  constructor(
    source: DynamoSource,
    private readonly tableName: string,
  ) {
    this.documents = dynamoDocuments(source);
  }

  async head(service: string): Promise<LedgerRecord | null> {
    const newest = await this.queryPage(service, { newestFirst: true, limit: 1 });
    const item = newest.items[0];
    if (item === undefined) return null;
    const parsed = ledgerRecordSchema.safeParse(item);
    if (!parsed.success) {
      throw new LedgerCorrupt(
        `The newest ledger record of service "${service}" in table ${this.tableName} is not a valid ` +
          `record (${parsed.error.issues.length} problem(s)); run \`cutover verify ${service}\` to find ` +
          'the first broken record.',
        { cause: parsed.error },
      );
    }
    return parsed.data;
  }

  async put(record: LedgerRecord): Promise<boolean> {
    try {
      await this.documents.putItem({
        TableName: this.tableName,
        Item: withoutUndefined(record),
        // Closes the append race: two writers that read the same head both build seq N+1;
        // only the first put lands, so the chain never forks and no record is overwritten.
        ConditionExpression: 'attribute_not_exists(#seq)',
        ExpressionAttributeNames: { '#seq': 'seq' },
      });
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      return translateTransient(`PutItem on ledger table ${this.tableName}`, error);
    }
  }

  async list(service: string): Promise<unknown[]> {
    const records: unknown[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.queryPage(service, { newestFirst: false, startKey });
      records.push(...page.items);
      startKey = page.nextKey;
    } while (startKey !== undefined);
    return records;
  }

  async listBack(service: string, until: (stored: unknown) => boolean): Promise<unknown[]> {
    const records: unknown[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.queryPage(service, { newestFirst: true, limit: 50, startKey });
      for (const item of page.items) {
        records.push(item);
        if (until(item)) return records;
      }
      startKey = page.nextKey;
    } while (startKey !== undefined);
    return records;
  }

  /** One page of a service's records, read strongly consistent so a just-appended head is seen. */
  private async queryPage(
    service: string,
    options: { newestFirst: boolean; limit?: number; startKey?: Record<string, unknown> | undefined },
  ): Promise<{ items: Record<string, unknown>[]; nextKey: Record<string, unknown> | undefined }> {
    try {
      const output = await this.documents.query({
        TableName: this.tableName,
        KeyConditionExpression: '#service = :service',
        ExpressionAttributeNames: { '#service': 'service' },
        ExpressionAttributeValues: { ':service': service },
        ScanIndexForward: !options.newestFirst,
        ConsistentRead: true,
        Limit: options.limit,
        ExclusiveStartKey: options.startKey,
      });
      return { items: output.Items, nextKey: output.LastEvaluatedKey };
    } catch (error) {
      return translateTransient(`Query on ledger table ${this.tableName}`, error);
    }
  }
}
