// Start vouchers in the deployments table: one item per execution a Cutover starter started,
//   pk EXECUTION#<name>   sk VOUCHER   trigger, actor, expiresAt (s, the table's TTL)
// kept a week, far longer than any execution takes to reach its first step.

import { dynamoDocuments, type DynamoDocuments, type DynamoSource } from './dynamodb-documents.js';
import type { StartVoucher, StartVouchers } from '../ports/deployments.js';
import { translateTransient } from './errors.js';

const WEEK_SECONDS = 7 * 24 * 3600;
const key = (name: string) => ({ pk: `EXECUTION#${name}`, sk: 'VOUCHER' });

export class DynamoStartVouchers implements StartVouchers {
  private readonly documents: DynamoDocuments;

  constructor(
    source: DynamoSource,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {
    this.documents = dynamoDocuments(source);
  }

  async vouch(executionName: string, voucher: StartVoucher): Promise<void> {
    try {
      await this.documents.putItem({
        TableName: this.tableName,
        Item: {
          ...key(executionName),
          trigger: voucher.trigger,
          actor: voucher.actor,
          expiresAt: Math.floor(this.now() / 1000) + WEEK_SECONDS,
        },
      });
    } catch (error) {
      translateTransient(`PutItem voucher on table ${this.tableName}`, error);
    }
  }

  async get(executionName: string): Promise<StartVoucher | null> {
    try {
      const { Item } = await this.documents.getItem({
        TableName: this.tableName,
        Key: key(executionName),
        ConsistentRead: true,
      });
      return Item === undefined ? null : { trigger: String(Item.trigger), actor: String(Item.actor) };
    } catch (error) {
      return translateTransient(`GetItem voucher on table ${this.tableName}`, error);
    }
  }
}
