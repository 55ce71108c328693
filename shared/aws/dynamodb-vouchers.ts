// Start vouchers in the deployments table: one item per execution a Cutover starter started,
//   pk EXECUTION#<name>   sk VOUCHER   trigger, actor, expiresAt (s, the table's TTL)
// kept a week, far longer than any execution takes to reach its first step.

import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { StartVoucher, StartVouchers } from '../ports/deployments.js';
import { translateTransient } from './errors.js';

const WEEK_SECONDS = 7 * 24 * 3600;
const key = (name: string) => ({ pk: `EXECUTION#${name}`, sk: 'VOUCHER' });

export class DynamoStartVouchers implements StartVouchers {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly now: () => number = Date.now,
  ) {}

  async vouch(executionName: string, voucher: StartVoucher): Promise<void> {
    try {
      await this.client.send(
        new PutCommand({
          TableName: this.tableName,
          Item: {
            ...key(executionName),
            trigger: voucher.trigger,
            actor: voucher.actor,
            expiresAt: Math.floor(this.now() / 1000) + WEEK_SECONDS,
          },
        }),
      );
    } catch (error) {
      translateTransient(`PutItem voucher on table ${this.tableName}`, error);
    }
  }

  async get(executionName: string): Promise<StartVoucher | null> {
    try {
      const { Item } = await this.client.send(
        new GetCommand({ TableName: this.tableName, Key: key(executionName), ConsistentRead: true }),
      );
      return Item === undefined ? null : { trigger: String(Item.trigger), actor: String(Item.actor) };
    } catch (error) {
      return translateTransient(`GetItem voucher on table ${this.tableName}`, error);
    }
  }
}
