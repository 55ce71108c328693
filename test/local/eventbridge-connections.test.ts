// The local EventBridge's connections over the JSON 1.1 protocol: created, described without
// their secrets, listed, deleted and kept in a snapshot as EventBridge keeps them; bad requests
// refused in AWS's shape, changing nothing. Their use by an HTTP Task: stepfunctions-http.test.ts.

import type { Server } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../local/clock.js';
import { LocalEventBridge } from '../../local/aws/eventbridge.js';
import { authorizationsFor } from '../../local/iam/requests.js';
import { hasBotocore, serviceModel, shapeProblems } from '../support/botocore-shapes.js';
import { ACCOUNT, REGION, START, startWorld, type World } from '../support/eventbridge-world.js';

const apiKey = {
  Name: 'smoke-tests',
  Description: 'the smoke-test service',
  AuthorizationType: 'API_KEY',
  AuthParameters: {
    ApiKeyAuthParameters: { ApiKeyName: 'x-api-key', ApiKeyValue: 'key-value-secret' },
    InvocationHttpParameters: {
      HeaderParameters: [
        { Key: 'x-team', Value: 'platform', IsValueSecret: false },
        { Key: 'x-tenant-token', Value: 'tenant-secret', IsValueSecret: true },
      ],
      QueryStringParameters: [{ Key: 'region', Value: 'eu', IsValueSecret: false }],
    },
  },
};
const basic = {
  Name: 'tickets',
  AuthorizationType: 'BASIC',
  AuthParameters: { BasicAuthParameters: { Username: 'cutover', Password: 'password-secret' } },
};
const ARN = new RegExp(
  `^arn:aws:events:${REGION}:${ACCOUNT}:connection/smoke-tests/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`,
);

describe('EventBridge connections on the local cloud', () => {
  let world: World & { server: Server };

  beforeEach(async () => {
    world = await startWorld();
  });

  afterEach(async () => {
    await new Promise((resolve) => world.server.close(resolve));
  });

  it('creates an API_KEY connection, AUTHORIZED at once, with an ARN ending in a fresh id', async () => {
    const created = await world.call('CreateConnection', apiKey);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      ConnectionArn: expect.stringMatching(ARN),
      ConnectionState: 'AUTHORIZED',
      CreationTime: START / 1000,
      LastModifiedTime: START / 1000,
    });
  });

  it('describes a connection without any secret: not the key, not the password, not a secret parameter', async () => {
    const { body: created } = await world.call('CreateConnection', apiKey);
    await world.call('CreateConnection', basic);
    const described = await world.call('DescribeConnection', { Name: 'smoke-tests' });
    expect(described.body).toEqual({
      ConnectionArn: created.ConnectionArn,
      Name: 'smoke-tests',
      Description: 'the smoke-test service',
      ConnectionState: 'AUTHORIZED',
      AuthorizationType: 'API_KEY',
      SecretArn: expect.stringMatching(
        new RegExp(
          `^arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:events!connection/smoke-tests/[-0-9a-f]{36}-[A-Za-z0-9_-]{6}$`,
        ),
      ),
      AuthParameters: {
        ApiKeyAuthParameters: { ApiKeyName: 'x-api-key' },
        InvocationHttpParameters: {
          HeaderParameters: [
            { Key: 'x-team', Value: 'platform', IsValueSecret: false },
            { Key: 'x-tenant-token', IsValueSecret: true },
          ],
          QueryStringParameters: [{ Key: 'region', Value: 'eu', IsValueSecret: false }],
        },
      },
      CreationTime: START / 1000,
      LastModifiedTime: START / 1000,
      LastAuthorizedTime: START / 1000,
    });
    const text = JSON.stringify((await world.call('DescribeConnection', { Name: 'tickets' })).body);
    expect(text).toContain('"BasicAuthParameters":{"Username":"cutover"}');
    for (const secret of ['key-value-secret', 'tenant-secret', 'password-secret'])
      expect(JSON.stringify(described.body) + text).not.toContain(secret);
  });

  it.skipIf(!hasBotocore)('answers in the shapes of botocore’s model', async () => {
    const model = serviceModel('events');
    const created = await world.call('CreateConnection', apiKey);
    expect(shapeProblems(model, 'CreateConnection', created.body)).toEqual([]);
    const described = await world.call('DescribeConnection', { Name: 'smoke-tests' });
    expect(shapeProblems(model, 'DescribeConnection', described.body)).toEqual([]);
    const listed = await world.call('ListConnections', {});
    expect(shapeProblems(model, 'ListConnections', listed.body)).toEqual([]);
    const deleted = await world.call('DeleteConnection', { Name: 'smoke-tests' });
    expect(shapeProblems(model, 'DeleteConnection', deleted.body)).toEqual([]);
  });

  it('lists connections by name prefix and state, a page at a time', async () => {
    await world.call('CreateConnection', apiKey);
    await world.call('CreateConnection', basic);
    await world.call('CreateConnection', { ...basic, Name: 'tickets-eu' });
    const first = await world.call('ListConnections', { NamePrefix: 'tickets', Limit: 1 });
    const names = (body: Record<string, unknown>) =>
      (body.Connections as { Name: string }[]).map((c) => c.Name);
    expect(names(first.body)).toEqual(['tickets']);
    const second = await world.call('ListConnections', {
      NamePrefix: 'tickets',
      NextToken: first.body.NextToken,
    });
    expect(names(second.body)).toEqual(['tickets-eu']);
    expect(second.body.NextToken).toBeUndefined();
    expect(names((await world.call('ListConnections', { ConnectionState: 'DEAUTHORIZED' })).body)).toEqual(
      [],
    );
    expect((await world.call('ListConnections', { ConnectionState: 'SLEEPY' })).errorType).toBe(
      'ValidationException',
    );
  });

  it('deletes a connection: DELETING, then gone', async () => {
    const { body: created } = await world.call('CreateConnection', basic);
    const deleted = await world.call('DeleteConnection', { Name: 'tickets' });
    expect(deleted.body).toMatchObject({ ConnectionArn: created.ConnectionArn, ConnectionState: 'DELETING' });
    const again = await world.call('DescribeConnection', { Name: 'tickets' });
    expect(again).toMatchObject({
      status: 400,
      errorType: 'ResourceNotFoundException',
      body: { message: "Failed to describe the connection(s). Connection 'tickets' does not exist." },
    });
    expect((await world.call('DeleteConnection', { Name: 'tickets' })).errorType).toBe(
      'ResourceNotFoundException',
    );
  });

  it('refuses a second connection of the same name, leaving the first as it was', async () => {
    const { body: first } = await world.call('CreateConnection', basic);
    const second = await world.call('CreateConnection', { ...apiKey, Name: 'tickets' });
    expect(second).toMatchObject({ status: 400, errorType: 'ResourceAlreadyExistsException' });
    const described = await world.call('DescribeConnection', { Name: 'tickets' });
    expect(described.body).toMatchObject({ ConnectionArn: first.ConnectionArn, AuthorizationType: 'BASIC' });
  });

  const refusals: [string, Record<string, unknown>, RegExp][] = [
    ['a name with a slash', { ...basic, Name: 'a/b' }, /at 'name' failed to satisfy constraint/],
    ['a name of 65 characters', { ...basic, Name: 'n'.repeat(65) }, /length between 1 and 64/],
    [
      'an unknown authorization type',
      { ...basic, AuthorizationType: 'TOKEN' },
      /enum value set: \[BASIC, OAUTH_CLIENT_CREDENTIALS, API_KEY\]/,
    ],
    [
      'no AuthParameters',
      { Name: 'x', AuthorizationType: 'BASIC' },
      /'authParameters' failed to satisfy constraint: Member must not be null/,
    ],
    [
      'BASIC without a password',
      { ...basic, AuthParameters: { BasicAuthParameters: { Username: 'u' } } },
      /basicAuthParameters.password/,
    ],
    [
      'BASIC with API key parameters',
      { ...basic, AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'k', ApiKeyValue: 'v' } } },
      /ApiKeyAuthParameters cannot be used with authorization type BASIC/,
    ],
    [
      'an API key name with a colon',
      { ...apiKey, AuthParameters: { ApiKeyAuthParameters: { ApiKeyName: 'x:y', ApiKeyValue: 'v' } } },
      /apiKeyAuthParameters.apiKeyName/,
    ],
    [
      'a header key with a space',
      {
        ...basic,
        AuthParameters: {
          ...basic.AuthParameters,
          InvocationHttpParameters: { HeaderParameters: [{ Key: 'a b', Value: 'v' }] },
        },
      },
      /headerParameters.1.key/,
    ],
    [
      'OAuth client credentials',
      {
        Name: 'oauth',
        AuthorizationType: 'OAUTH_CLIENT_CREDENTIALS',
        AuthParameters: { OAuthParameters: {} },
      },
      /local cloud does not do OAUTH_CLIENT_CREDENTIALS/,
    ],
    [
      'a private API',
      {
        ...basic,
        InvocationConnectivityParameters: { ResourceParameters: { ResourceConfigurationArn: 'arn:x' } },
      },
      /not served by the local cloud: it has no private APIs/,
    ],
  ];
  it.each(refusals)(
    'refuses %s with a ValidationException, creating nothing',
    async (_what, input, message) => {
      const answer = await world.call('CreateConnection', input);
      expect(answer.status).toBe(400);
      expect(answer.errorType).toBe('ValidationException');
      expect(answer.body.message).toMatch(message);
      expect((await world.call('ListConnections', {})).body.Connections).toEqual([]);
    },
  );

  it('never quotes a password or an API key value in a refusal', async () => {
    const answer = await world.call('CreateConnection', {
      ...basic,
      AuthParameters: { BasicAuthParameters: { Username: 'u', Password: 'bad\u0001secret' } },
    });
    expect(answer.errorType).toBe('ValidationException');
    expect(JSON.stringify(answer.body)).not.toContain('secret');
  });

  it('keeps connections, secrets included, in its snapshot, and restores them', async () => {
    const { body: created } = await world.call('CreateConnection', apiKey);
    const snapshot = JSON.parse(JSON.stringify(world.bus.snapshot())) as unknown;
    const other = new LocalEventBridge({
      clock: new ManualClock(START),
      region: REGION,
      account: ACCOUNT,
      deliver: async () => {},
    });
    other.restore(snapshot);
    const connection = other.connections.byArn(created.ConnectionArn as string);
    expect(connection?.authorization).toEqual({
      type: 'API_KEY',
      apiKeyName: 'x-api-key',
      apiKeyValue: 'key-value-secret',
    });
    // An ARN one character off is no connection (the id's last character changed, whatever it was).
    const arn = String(created.ConnectionArn);
    const off = `${arn.slice(0, -1)}${arn.endsWith('0') ? '1' : '0'}`;
    expect(other.connections.byArn(off)).toBeUndefined();
    // A state saved before connections existed restores none.
    other.restore({ ...(snapshot as object), connections: undefined });
    expect(other.connections.byArn(created.ConnectionArn as string)).toBeUndefined();
  });

  it('is authorized against the connection’s ARN, or a fresh id for one not created yet', async () => {
    const { body: created } = await world.call('CreateConnection', basic);
    const scope = {
      partition: 'aws',
      region: REGION,
      account: ACCOUNT,
      connectionArn: (name: string) => world.bus.connections.arnOfName(name),
    };
    expect(authorizationsFor('events', 'DescribeConnection', { Name: 'tickets' }, scope)).toEqual([
      { action: 'events:DescribeConnection', resource: created.ConnectionArn },
    ]);
    const [create] = authorizationsFor('events', 'CreateConnection', { Name: 'new-one' }, scope);
    expect(create!.resource).toMatch(
      new RegExp(`^arn:aws:events:${REGION}:${ACCOUNT}:connection/new-one/[-0-9a-f]{36}$`),
    );
    expect(authorizationsFor('events', 'ListConnections', {}, scope)).toEqual([
      { action: 'events:ListConnections', resource: '*' },
    ]);
  });
});
