// The local EventBridge's connections: the credentials an HTTP Task of Step Functions sends to an
// endpoint (an API key header or Basic authorization), with the headers, query string and body
// parameters the connection adds. CreateConnection, DescribeConnection, DeleteConnection and
// ListConnections answer as EventBridge does, and DescribeConnection never shows a secret: not
// the API key's value, not the password, not a parameter marked secret. On AWS the secrets are
// kept in a Secrets Manager secret named `events!connection/<name>/<uuid>-<suffix>`, which is
// what the caller of an HTTP Task needs IAM permissions on; here they are kept with the rest of
// the local cloud's state (state.json, readable by its owner alone).
// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-target-connection.html

import { randomBytes, randomUUID } from 'node:crypto';
import { optional } from '../../shared/domain/records.js';
import type { SimClock } from '../clock.js';
import {
  connectionName,
  readConnectionRequest,
  type ConnectionAuthorization,
  type ConnectionParameter,
  type InvocationParameters,
} from './eventbridge-connection-input.js';
import { paginate } from './eventbridge-input.js';
import { optionalString, validation } from './service.js';
import { AwsError } from '../errors.js';

/** A connection, with its secrets: what an HTTP Task sends. */
export interface Connection {
  name: string;
  arn: string;
  /** The Secrets Manager secret AWS would keep the credentials in (for IAM). */
  secretArn: string;
  description?: string;
  authorization: ConnectionAuthorization;
  invocation: InvocationParameters;
  createdAt: number;
}

export interface ConnectionsSnapshot {
  connections: Connection[];
}

/** EventBridge's default quota: 3,000 connections per account and Region. */
const MAX_CONNECTIONS = 3_000;
/** API_KEY and BASIC connections are authorized as they are created: no token to fetch. */
const STATE = 'AUTHORIZED';
const STATES = [
  'CREATING',
  'UPDATING',
  'DELETING',
  'AUTHORIZED',
  'DEAUTHORIZED',
  'AUTHORIZING',
  'DEAUTHORIZING',
  'ACTIVE',
  'FAILED_CONNECTIVITY',
];

export class Connections {
  private readonly byName = new Map<string, Connection>();

  constructor(private readonly options: { clock: SimClock; region: string; account: string }) {}

  /** The connection an HTTP Task names by its ARN, or undefined (an ARN with another uuid names none). */
  byArn(arn: string): Connection | undefined {
    const name = /^arn:aws[a-z-]*:events:[^:]*:[^:]*:connection\/([^/]+)\/[^/]+$/.exec(arn)?.[1];
    const connection = name === undefined ? undefined : this.byName.get(name);
    return connection?.arn === arn ? connection : undefined;
  }

  /** The ARN of the connection of this name, if there is one (IAM authorizes against it). */
  arnOfName(name: string): string | undefined {
    return this.byName.get(name)?.arn;
  }

  create(input: Record<string, unknown>) {
    const request = readConnectionRequest(input);
    if (this.byName.has(request.name))
      throw new AwsError('ResourceAlreadyExistsException', `Connection ${request.name} already exists.`);
    if (this.byName.size >= MAX_CONNECTIONS) {
      throw new AwsError(
        'LimitExceededException',
        `The requested resource exceeds the maximum number allowed (${MAX_CONNECTIONS} connections).`,
      );
    }
    const { region, account } = this.options;
    const id = `${request.name}/${randomUUID()}`;
    const connection: Connection = {
      ...request,
      arn: `arn:aws:events:${region}:${account}:connection/${id}`,
      // Secrets Manager ends every secret's ARN with six random characters.
      secretArn: `arn:aws:secretsmanager:${region}:${account}:secret:events!connection/${id}-${randomBytes(6).toString('base64url').slice(0, 6)}`,
      createdAt: this.options.clock.now(),
    };
    this.byName.set(connection.name, connection);
    const at = new Date(connection.createdAt);
    return { ConnectionArn: connection.arn, ConnectionState: STATE, CreationTime: at, LastModifiedTime: at };
  }

  describe(input: Record<string, unknown>) {
    const connection = this.find(connectionName(input), 'describe');
    return {
      ConnectionArn: connection.arn,
      Name: connection.name,
      ...optional('Description', connection.description),
      ConnectionState: STATE,
      AuthorizationType: connection.authorization.type,
      SecretArn: connection.secretArn,
      AuthParameters: authParametersView(connection),
      ...this.times(connection),
    };
  }

  delete(input: Record<string, unknown>) {
    const connection = this.find(connectionName(input), 'delete');
    this.byName.delete(connection.name);
    return { ConnectionArn: connection.arn, ConnectionState: 'DELETING', ...this.times(connection) };
  }

  list(input: Record<string, unknown>) {
    const prefix = optionalString(input, 'NamePrefix') ?? '';
    const state = optionalString(input, 'ConnectionState');
    if (state !== undefined && !STATES.includes(state)) {
      throw validation(
        `1 validation error detected: Value '${state}' at 'connectionState' failed to satisfy constraint: Member must satisfy enum value set: [${STATES.join(', ')}]`,
      );
    }
    const connections = [...this.byName.values()]
      .filter((c) => c.name.startsWith(prefix) && (state === undefined || state === STATE))
      .sort((a, b) => a.name.localeCompare(b.name));
    const { page, next } = paginate(connections, input);
    return {
      Connections: page.map((c) => ({
        ConnectionArn: c.arn,
        Name: c.name,
        ConnectionState: STATE,
        AuthorizationType: c.authorization.type,
        ...this.times(c),
      })),
      ...optional('NextToken', next),
    };
  }

  snapshot(): ConnectionsSnapshot {
    return { connections: [...this.byName.values()].map((c) => structuredClone(c)) };
  }

  /** Replaces every connection with those of a snapshot (none, from a state saved before connections). */
  restore(snapshot: ConnectionsSnapshot | undefined): void {
    this.byName.clear();
    for (const connection of snapshot?.connections ?? []) {
      if (typeof connection?.name !== 'string' || typeof connection.arn !== 'string')
        throw new Error('restore: a saved connection has no name or ARN');
      this.byName.set(connection.name, structuredClone(connection));
    }
  }

  private find(name: string, verb: string): Connection {
    const connection = this.byName.get(name);
    if (connection === undefined) {
      throw new AwsError(
        'ResourceNotFoundException',
        `Failed to ${verb} the connection(s). Connection '${name}' does not exist.`,
      );
    }
    return connection;
  }

  private times(connection: Connection) {
    const at = new Date(connection.createdAt);
    return { CreationTime: at, LastModifiedTime: at, LastAuthorizedTime: at };
  }
}

/** What DescribeConnection shows of the credentials: their names, never their secrets. */
function authParametersView(connection: Connection) {
  const { authorization, invocation } = connection;
  const shown = (list: ConnectionParameter[]) =>
    list.map((p) => ({ Key: p.key, IsValueSecret: p.secret, ...(p.secret ? {} : { Value: p.value }) }));
  const http = {
    ...(invocation.headers.length > 0 ? { HeaderParameters: shown(invocation.headers) } : {}),
    ...(invocation.query.length > 0 ? { QueryStringParameters: shown(invocation.query) } : {}),
    ...(invocation.body.length > 0 ? { BodyParameters: shown(invocation.body) } : {}),
  };
  return {
    ...(authorization.type === 'API_KEY'
      ? { ApiKeyAuthParameters: { ApiKeyName: authorization.apiKeyName } }
      : { BasicAuthParameters: { Username: authorization.username } }),
    ...(Object.keys(http).length > 0 ? { InvocationHttpParameters: http } : {}),
  };
}
