// The DynamoDB operations the adapters use (GetItem, PutItem, UpdateItem, DeleteItem, Query,
// BatchGetItem), with items, keys and expression values as plain JavaScript values, as the SDK's
// document client took them: they are marshalled to AttributeValues (dynamodb-values.ts) and
// sent as signed JSON 1.0 requests (json-requests.ts), so the Lambda bundles need neither
// @aws-sdk/client-dynamodb nor @aws-sdk/lib-dynamodb. Errors keep DynamoDB's names
// (ConditionalCheckFailedException, ProvisionedThroughputExceededException, ...).

import { marshallItem, unmarshallItem, type AttributeMap } from './dynamodb-values.js';
import { DYNAMODB, jsonCallsOfSdkClient, JsonRequests } from './json-requests.js';
import type { SdkClientLike } from './sdk-client-config.js';
import type { Environment } from '../runtime/env.js';
import { configFromEnv } from './signed-http.js';

export type { SdkClientLike };

export type Item = Record<string, unknown>;

/** One operation of DynamoDB's JSON API, with its input and output as the wire has them. */
export interface DynamoCalls {
  call<Output>(operation: string, input: object): Promise<Output>;
}

interface Expressions {
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Item;
}
interface Conditional extends Expressions {
  ConditionExpression?: string;
}
export interface GetInput {
  TableName: string;
  Key: Item;
  ConsistentRead?: boolean;
}
export interface PutInput extends Conditional {
  TableName: string;
  Item: Item;
}
export interface UpdateInput extends Conditional {
  TableName: string;
  Key: Item;
  UpdateExpression: string;
  ReturnValues?: 'NONE' | 'ALL_OLD' | 'UPDATED_OLD' | 'ALL_NEW' | 'UPDATED_NEW';
}
export interface DeleteInput extends Conditional {
  TableName: string;
  Key: Item;
}
export interface QueryInput extends Expressions {
  TableName: string;
  IndexName?: string;
  KeyConditionExpression: string;
  ScanIndexForward?: boolean;
  ConsistentRead?: boolean;
  Limit?: number;
  ExclusiveStartKey?: Item;
}
export interface BatchGetInput {
  RequestItems: Record<string, { Keys: Item[]; ConsistentRead?: boolean }>;
}
export interface BatchGetOutput {
  Responses?: Record<string, Item[]>;
  UnprocessedKeys?: Record<string, { Keys: Item[] }>;
}

/** What the adapters are given: the documents, or an SDK client to reach DynamoDB as it would. */
export type DynamoSource = DynamoDocuments | SdkClientLike;

export class DynamoDocuments {
  constructor(private readonly calls: DynamoCalls) {}

  async getItem(input: GetInput): Promise<{ Item?: Item }> {
    const output = await this.calls.call<{ Item?: AttributeMap }>('GetItem', {
      ...input,
      Key: marshallItem(input.Key),
    });
    return output.Item === undefined ? {} : { Item: unmarshallItem(output.Item) };
  }

  async putItem(input: PutInput): Promise<void> {
    await this.calls.call('PutItem', { ...withValues(input), Item: marshallItem(input.Item) });
  }

  async updateItem(input: UpdateInput): Promise<{ Attributes?: Item }> {
    const output = await this.calls.call<{ Attributes?: AttributeMap }>('UpdateItem', {
      ...withValues(input),
      Key: marshallItem(input.Key),
    });
    return output.Attributes === undefined ? {} : { Attributes: unmarshallItem(output.Attributes) };
  }

  async deleteItem(input: DeleteInput): Promise<void> {
    await this.calls.call('DeleteItem', { ...withValues(input), Key: marshallItem(input.Key) });
  }

  async query(input: QueryInput): Promise<{ Items: Item[]; LastEvaluatedKey?: Item }> {
    const output = await this.calls.call<{ Items?: AttributeMap[]; LastEvaluatedKey?: AttributeMap }>(
      'Query',
      {
        ...withValues(input),
        ...(input.ExclusiveStartKey === undefined
          ? {}
          : { ExclusiveStartKey: marshallItem(input.ExclusiveStartKey) }),
      },
    );
    return {
      Items: (output.Items ?? []).map(unmarshallItem),
      ...(output.LastEvaluatedKey === undefined
        ? {}
        : { LastEvaluatedKey: unmarshallItem(output.LastEvaluatedKey) }),
    };
  }

  async batchGetItem(input: BatchGetInput): Promise<BatchGetOutput> {
    const requestItems = Object.fromEntries(
      Object.entries(input.RequestItems).map(([table, request]) => [
        table,
        { ...request, Keys: request.Keys.map(marshallItem) },
      ]),
    );
    const output = await this.calls.call<{
      Responses?: Record<string, AttributeMap[]>;
      UnprocessedKeys?: Record<string, { Keys: AttributeMap[] }>;
    }>('BatchGetItem', { RequestItems: requestItems });
    return {
      Responses: mapValues(output.Responses ?? {}, (items) => items.map(unmarshallItem)),
      UnprocessedKeys: mapValues(output.UnprocessedKeys ?? {}, (request) => ({
        ...request,
        Keys: request.Keys.map(unmarshallItem),
      })),
    };
  }
}

/**
 * The documents of `source`: itself, or for an SDK client (the local cloud and the tests build
 * them), requests sent where it sends them, signed with its credentials and tried as often.
 */
export function dynamoDocuments(source: DynamoSource): DynamoDocuments {
  return source instanceof DynamoDocuments
    ? source
    : new DynamoDocuments(jsonCallsOfSdkClient(DYNAMODB, source, 'DYNAMODB'));
}

/** DynamoDB as a Lambda function reaches it: AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB or AWS_ENDPOINT_URL, its credentials. */
export function dynamoDocumentsFromEnv(env: Environment): DynamoDocuments {
  return new DynamoDocuments(new JsonRequests(DYNAMODB, configFromEnv('DYNAMODB', env)));
}

/** The input with its expression values marshalled (and without them when there are none). */
function withValues<T extends Expressions>(
  input: T,
): Omit<T, 'ExpressionAttributeValues'> & {
  ExpressionAttributeValues?: AttributeMap;
} {
  const { ExpressionAttributeValues: values, ...rest } = input;
  return values === undefined ? rest : { ...rest, ExpressionAttributeValues: marshallItem(values) };
}

function mapValues<A, B>(record: Record<string, A>, change: (value: A) => B): Record<string, B> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, change(value)]));
}
