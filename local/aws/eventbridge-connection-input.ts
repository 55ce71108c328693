// Reading CreateConnection's request, refused the way EventBridge refuses it: the constraints of
// the API reference (names, lengths, header patterns, at most 100 parameters of each kind), and
// what the local cloud does not do (OAuth client credentials, private APIs, a customer KMS key),
// each with a ValidationException that says so.
// https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_CreateConnection.html

import { isRecord } from '../../shared/domain/records.js';
import { optionalString, requireString, validation } from './service.js';

/** One header, query string or body parameter a connection adds to every request. */
export interface ConnectionParameter {
  key: string;
  value: string;
  /** A secret value is never shown by DescribeConnection. */
  secret: boolean;
}

export interface InvocationParameters {
  headers: ConnectionParameter[];
  query: ConnectionParameter[];
  body: ConnectionParameter[];
}

export type ConnectionAuthorization =
  | { type: 'API_KEY'; apiKeyName: string; apiKeyValue: string }
  | { type: 'BASIC'; username: string; password: string };

export interface ConnectionRequest {
  name: string;
  description?: string;
  authorization: ConnectionAuthorization;
  invocation: InvocationParameters;
}

/** The name of a connection: 1 to 64 letters, digits, '.', '-' or '_'. */
const CONNECTION_NAME = /^[.\-_A-Za-z0-9]{1,64}$/;
// The API reference's own patterns, which name control characters to exclude them.
/* eslint-disable no-control-regex */
/** ApiKeyName, ApiKeyValue, Username and Password: printable text with no ':' (a header's name or value). */
const AUTH_HEADER = /^[ \t]*[^\x00-\x1F:\x7F]+([ \t]+[^\x00-\x1F:\x7F]+)*[ \t]*$/;
const HEADER_KEY = /^[!#$%&'*+\-.^_`|~0-9a-zA-Z]+$/;
const HEADER_VALUE = /^[ \t]*[\x20-\x7E]+([ \t]+[\x20-\x7E]+)*[ \t]*$/;
const QUERY_KEY = /^[^\x00-\x1F\x7F]+$/;
const QUERY_VALUE = /^[^\x00-\x09\x0B\x0C\x0E-\x1F\x7F]+$/;
/* eslint-enable no-control-regex */
const MAX_PARAMETERS = 100;
const AUTHORIZATION_TYPES = ['BASIC', 'OAUTH_CLIENT_CREDENTIALS', 'API_KEY'] as const;

function constraint(value: unknown, at: string, rule: string): Error {
  const shown = typeof value === 'string' ? `Value '${value}' at` : 'Value at';
  return validation(`1 validation error detected: ${shown} '${at}' failed to satisfy constraint: ${rule}`);
}

/** A connection's name, as CreateConnection, DescribeConnection and DeleteConnection take it. */
export function connectionName(input: Record<string, unknown>): string {
  const name = requireString(input, 'Name');
  if (!CONNECTION_NAME.test(name)) {
    throw constraint(
      name,
      'name',
      'Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+ and have length between 1 and 64',
    );
  }
  return name;
}

export function readConnectionRequest(input: Record<string, unknown>): ConnectionRequest {
  const name = connectionName(input);
  const description = optionalString(input, 'Description');
  if (description !== undefined && description.length > 512)
    throw constraint(undefined, 'description', 'Member must have length less than or equal to 512');
  const type = requireString(input, 'AuthorizationType');
  if (!(AUTHORIZATION_TYPES as readonly string[]).includes(type)) {
    throw constraint(
      type,
      'authorizationType',
      `Member must satisfy enum value set: [${AUTHORIZATION_TYPES.join(', ')}]`,
    );
  }
  for (const unserved of ['InvocationConnectivityParameters', 'KmsKeyIdentifier']) {
    if (input[unserved] !== undefined && input[unserved] !== null) {
      throw validation(
        `${unserved} is not served by the local cloud: it has no private APIs and no customer managed keys. Create the connection without it.`,
      );
    }
  }
  const parameters = input.AuthParameters;
  if (!isRecord(parameters)) throw constraint(undefined, 'authParameters', 'Member must not be null');
  if (parameters.ConnectivityParameters !== undefined && parameters.ConnectivityParameters !== null) {
    throw validation('ConnectivityParameters is not served by the local cloud: it has no private APIs.');
  }
  return {
    name,
    ...(description === undefined ? {} : { description }),
    authorization: readAuthorization(type, parameters),
    invocation: readInvocation(parameters.InvocationHttpParameters),
  };
}

function readAuthorization(type: string, parameters: Record<string, unknown>): ConnectionAuthorization {
  if (type === 'OAUTH_CLIENT_CREDENTIALS') {
    throw validation(
      'The local cloud does not do OAUTH_CLIENT_CREDENTIALS connections (it would have to fetch tokens from an authorization endpoint): use API_KEY or BASIC locally.',
    );
  }
  const wanted = type === 'API_KEY' ? 'ApiKeyAuthParameters' : 'BasicAuthParameters';
  const others = ['ApiKeyAuthParameters', 'BasicAuthParameters', 'OAuthParameters'].filter(
    (key) => key !== wanted && parameters[key] !== undefined && parameters[key] !== null,
  );
  if (others.length > 0)
    throw validation(`${others.join(', ')} cannot be used with authorization type ${type}.`);
  const auth = parameters[wanted];
  if (!isRecord(auth)) throw validation(`${wanted} must be specified for authorization type ${type}.`);
  const field = (key: string) => {
    const value = auth[key];
    const at = `authParameters.${lowerFirst(wanted)}.${lowerFirst(key)}`;
    if (typeof value !== 'string' || value === '') throw constraint(undefined, at, 'Member must not be null');
    // The secret halves are never echoed back, not even in an error.
    const shown = key === 'ApiKeyValue' || key === 'Password' ? undefined : value;
    if (value.length > 512) throw constraint(shown, at, 'Member must have length less than or equal to 512');
    if (!AUTH_HEADER.test(value)) {
      throw constraint(
        shown,
        at,
        'Member must satisfy regular expression pattern: ^[ \\t]*[^\\x00-\\x1F:\\x7F]+([ \\t]+[^\\x00-\\x1F:\\x7F]+)*[ \\t]*$',
      );
    }
    return value;
  };
  return type === 'API_KEY'
    ? { type, apiKeyName: field('ApiKeyName'), apiKeyValue: field('ApiKeyValue') }
    : { type: 'BASIC', username: field('Username'), password: field('Password') };
}

function readInvocation(value: unknown): InvocationParameters {
  if (value === undefined || value === null) return { headers: [], query: [], body: [] };
  if (!isRecord(value))
    throw validation("Value at 'authParameters.invocationHttpParameters' must be an object");
  return {
    headers: readParameters(value.HeaderParameters, 'headerParameters', HEADER_KEY, HEADER_VALUE),
    query: readParameters(value.QueryStringParameters, 'queryStringParameters', QUERY_KEY, QUERY_VALUE),
    body: readParameters(value.BodyParameters, 'bodyParameters'),
  };
}

function readParameters(value: unknown, list: string, key?: RegExp, text?: RegExp): ConnectionParameter[] {
  if (value === undefined || value === null) return [];
  const at = `authParameters.invocationHttpParameters.${list}`;
  if (!Array.isArray(value)) throw validation(`Value at '${at}' must be a list`);
  if (value.length > MAX_PARAMETERS)
    throw constraint(undefined, at, `Member must have length less than or equal to ${MAX_PARAMETERS}`);
  return value.map((item: unknown, i) => {
    const where = `${at}.${i + 1}`;
    if (!isRecord(item) || typeof item.Key !== 'string' || typeof item.Value !== 'string')
      throw validation(`Value at '${where}' must have a Key and a Value, both strings`);
    if (item.Key.length > 512 || (key !== undefined && !key.test(item.Key)))
      throw constraint(
        item.Key,
        `${where}.key`,
        `Member must satisfy regular expression pattern: ${String(key ?? '.*')} and have length at most 512`,
      );
    if (item.Value.length > 512 && key !== undefined)
      throw constraint(undefined, `${where}.value`, 'Member must have length less than or equal to 512');
    if (text !== undefined && !text.test(item.Value))
      throw constraint(
        undefined,
        `${where}.value`,
        `Member must satisfy regular expression pattern: ${String(text)}`,
      );
    // Shown by DescribeConnection only when the request says it is not a secret.
    return { key: item.Key, value: item.Value, secret: item.IsValueSecret !== false };
  });
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
