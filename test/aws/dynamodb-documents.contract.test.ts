// DynamoDocuments, the signed JSON 1.0 requests under the DynamoDB adapters, against dynalite and
// moto_server (skipped where it is not installed): items read back as the SDK's document client
// reads them, whichever of the two wrote them; errors named as the SDK names them, on the same
// request; and, against a stand-in for AWS, requests signed for dynamodb as AWS checks them.

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DynamoDocuments, dynamoDocuments } from '../../shared/aws/dynamodb-documents.js';
import { isConditionalCheckFailed } from '../../shared/aws/errors.js';
import { DYNAMODB, JsonRequests } from '../../shared/aws/json-requests.js';
import { AwsServiceError } from '../../shared/aws/errors.js';
import { createDeploymentsTable } from '../../local/aws/dynamodb-tables.js';
import { DYNAMODB_EMULATORS, emulatorClientConfig, type Emulator } from '../../harness/emulators.js';
import { CREDENTIALS, json, StandInAws } from '../support/stand-in-aws.js';

const TABLE = 'cutover-test-documents';

/** What the adapters store, with the edges: empty strings, nesting, nulls, sets, a bigint, bytes. */
const ITEM = {
  pk: 'EDGE#1',
  sk: 'ITEM',
  empty: '',
  zero: 0,
  negative: -12.5,
  largest: Number.MAX_SAFE_INTEGER,
  huge: 123456789012345678901234567890n,
  flag: false,
  nothing: null,
  nested: { deeper: { list: ['', 1, { x: null }], emptyMap: {}, emptyList: [] } },
  strings: new Set(['a', 'b']),
  numbers: new Set([1, 2.5]),
  bytes: new Uint8Array([0, 1, 255]),
  gone: undefined,
};
const { gone: _gone, ...STORED } = ITEM;

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: Error) => error,
  );
}

for (const emulator of DYNAMODB_EMULATORS) {
  describe.skipIf(!emulator.available)(`DynamoDocuments on ${emulator.name}`, () => {
    let server: Emulator;
    let base: DynamoDBClient;
    let sdk: DynamoDBDocumentClient;
    let documents: DynamoDocuments;

    beforeAll(async () => {
      server = await emulator.start();
      base = new DynamoDBClient(emulatorClientConfig(server.endpoint));
      sdk = DynamoDBDocumentClient.from(base, { marshallOptions: { removeUndefinedValues: true } });
      documents = new DynamoDocuments(new JsonRequests(DYNAMODB, emulatorClientConfig(server.endpoint)));
      await createDeploymentsTable(base, TABLE);
    });

    afterAll(async () => {
      base?.destroy();
      await server?.stop();
    });

    it("reads back what it wrote, as the SDK's document client reads it, undefined left out", async () => {
      await documents.putItem({ TableName: TABLE, Item: ITEM });
      const key = { pk: ITEM.pk, sk: ITEM.sk };
      const ours = await documents.getItem({ TableName: TABLE, Key: key, ConsistentRead: true });
      const theirs = await sdk.send(new GetCommand({ TableName: TABLE, Key: key, ConsistentRead: true }));
      expect(ours.Item).toEqual(STORED);
      expect(ours.Item).toEqual(theirs.Item);
    });

    it("reads what the SDK's document client wrote as it reads it", async () => {
      const item = { ...ITEM, pk: 'EDGE#2' };
      await sdk.send(new PutCommand({ TableName: TABLE, Item: item }));
      const key = { pk: item.pk, sk: item.sk };
      const ours = await documents.getItem({ TableName: TABLE, Key: key, ConsistentRead: true });
      expect(ours.Item).toEqual({ ...STORED, pk: 'EDGE#2' });
      expect(await documents.getItem({ TableName: TABLE, Key: { pk: 'EDGE#none', sk: 'ITEM' } })).toEqual({});
    });

    it('names a failed condition ConditionalCheckFailedException, as the SDK does', async () => {
      const put = {
        TableName: TABLE,
        Item: { pk: 'COND#1', sk: 'ITEM', n: 1 },
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      };
      await documents.putItem(put);
      const ours = await failure(documents.putItem(put));
      const theirs = await failure(sdk.send(new PutCommand(put)));
      expect(ours).toBeInstanceOf(AwsServiceError);
      expect(ours.name).toBe('ConditionalCheckFailedException');
      expect(ours.name).toBe(theirs.name);
      expect(ours.$metadata?.httpStatusCode).toBe(400);
      expect(isConditionalCheckFailed(ours)).toBe(true);

      const update = failure(
        documents.updateItem({
          TableName: TABLE,
          Key: { pk: 'COND#1', sk: 'ITEM' },
          UpdateExpression: 'SET #n = :n',
          ConditionExpression: '#n = :old',
          ExpressionAttributeNames: { '#n': 'n' },
          ExpressionAttributeValues: { ':n': 3, ':old': 2 },
        }),
      );
      expect((await update).name).toBe('ConditionalCheckFailedException');
    });

    it('names a missing table and a bad expression as the SDK does', async () => {
      const missing = { TableName: 'no-such-table', Key: { pk: 'x', sk: 'y' } };
      const ours = await failure(documents.getItem(missing));
      expect(ours.name).toBe('ResourceNotFoundException');
      expect(ours.name).toBe((await failure(sdk.send(new GetCommand(missing)))).name);

      const bad = failure(
        documents.updateItem({
          TableName: TABLE,
          Key: { pk: 'COND#1', sk: 'ITEM' },
          UpdateExpression: 'SET #n = :n',
          ExpressionAttributeNames: { '#n': 'n' },
        }),
      );
      expect((await bad).name).toBe('ValidationException');
    });

    it('refuses a number it would store imprecisely before sending anything', async () => {
      const put = documents.putItem({ TableName: TABLE, Item: { pk: 'BIG#1', sk: 'ITEM', n: 2 ** 53 } });
      await expect(put).rejects.toThrow(RangeError);
      expect(await documents.getItem({ TableName: TABLE, Key: { pk: 'BIG#1', sk: 'ITEM' } })).toEqual({});
    });
  });
}

describe('DynamoDocuments against a stand-in for AWS', () => {
  const JSON_10 = { 'content-type': 'application/x-amz-json-1.0' };
  let dynamodb: StandInAws;
  let endpoint: string;

  /** What each request sent, and the region it was signed for. */
  const received = () =>
    dynamodb.received.map((request) => ({
      target: request.headers['x-amz-target'],
      type: request.headers['content-type'],
      body: JSON.parse(request.body) as unknown,
      region: /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(String(request.headers.authorization))?.[1],
      problem: request.problem,
    }));

  beforeAll(async () => {
    dynamodb = await new StandInAws('dynamodb').start();
    endpoint = dynamodb.endpoint;
  });
  afterAll(() => dynamodb.stop());
  beforeEach(() => {
    dynamodb.reset();
    dynamodb.answer = () => json(200, { Item: { pk: { S: 'K' }, n: { N: '7' } } }, JSON_10);
  });

  it('sends DynamoDB_20120810.<Operation> in JSON 1.0, marshalled, signed for dynamodb', async () => {
    const documents = new DynamoDocuments(
      new JsonRequests(DYNAMODB, { endpoint, region: 'eu-west-1', credentials: CREDENTIALS }),
    );
    const output = await documents.getItem({
      TableName: 't',
      Key: { pk: 'K', sk: '' },
      ConsistentRead: true,
    });
    expect(output).toEqual({ Item: { pk: 'K', n: 7 } });
    expect(received()).toEqual([
      {
        target: 'DynamoDB_20120810.GetItem',
        type: 'application/x-amz-json-1.0',
        body: { TableName: 't', Key: { pk: { S: 'K' }, sk: { S: '' } }, ConsistentRead: true },
        region: 'eu-west-1',
        problem: undefined,
      },
    ]);
  });

  it('given an SDK client, sends where it would, signed with its region and credentials, tried as often', async () => {
    const client = new DynamoDBClient({
      endpoint,
      region: 'ap-south-1',
      credentials: CREDENTIALS,
      maxAttempts: 2,
    });
    const documents = dynamoDocuments(client);
    expect(await documents.getItem({ TableName: 't', Key: { pk: 'K' } })).toEqual({
      Item: { pk: 'K', n: 7 },
    });
    expect(received().map(({ region, problem }) => ({ region, problem }))).toEqual([
      { region: 'ap-south-1', problem: undefined },
    ]);

    dynamodb.received.length = 0;
    dynamodb.answer = () =>
      json(
        500,
        { __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: 'try again' },
        JSON_10,
      );
    const failed = documents.getItem({ TableName: 't', Key: { pk: 'K' } });
    await expect(failed).rejects.toMatchObject({
      name: 'InternalServerError',
      $metadata: { httpStatusCode: 500 },
    });
    expect(dynamodb.received).toHaveLength(2);
    client.destroy();
  });
});
