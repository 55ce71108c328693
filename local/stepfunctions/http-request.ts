// An HTTP Task's request, as Step Functions builds it from the Task's resolved Parameters and the
// EventBridge connection: ApiEndpoint, Method, Headers, QueryParameters, RequestBody and
// Transform; the connection's headers, query string and body parameters merged over the Task's
// (the connection wins a conflict); its credentials added (an API key header, or Basic
// authorization); and the headers Step Functions sets itself. What the Task may not do fails it
// with States.Runtime, before anything is sent.
// https://docs.aws.amazon.com/step-functions/latest/dg/call-https-apis.html

import { isRecord } from '../../shared/domain/records.js';
import type { Connection } from '../aws/eventbridge-connections.js';
import { TaskFailure } from '../errors.js';

/** What the Task's Parameters ask for, checked. */
export interface HttpTaskParameters {
  url: URL;
  method: string;
  connectionArn: string;
  headers: Record<string, string>;
  query: [string, string][];
  body: unknown;
  urlEncoded: boolean;
  arrayFormat: ArrayFormat;
}

export interface HttpRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

type ArrayFormat = 'INDICES' | 'REPEAT' | 'COMMAS' | 'BRACKETS';

export const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];
const ARRAY_FORMATS: readonly ArrayFormat[] = ['INDICES', 'REPEAT', 'COMMAS', 'BRACKETS'];
/** The headers an HTTP Task may not set (Step Functions sets some of them itself). */
const FORBIDDEN_HEADERS = new Set(
  [
    'A-IM',
    'Accept-Charset',
    'Accept-Datetime',
    'Accept-Encoding',
    'Authorization',
    'Cache-Control',
    'Connection',
    'Content-Encoding',
    'Content-MD5',
    'Date',
    'Expect',
    'Forwarded',
    'From',
    'Host',
    'HTTP2-Settings',
    'If-Match',
    'If-Modified-Since',
    'If-None-Match',
    'If-Range',
    'If-Unmodified-Since',
    'Max-Forwards',
    'Origin',
    'Pragma',
    'Proxy-Authorization',
    'Referer',
    'Server',
    'TE',
    'Trailer',
    'Transfer-Encoding',
    'Upgrade',
    'Via',
    'Warning',
  ].map((h) => h.toLowerCase()),
);
const FORBIDDEN_PREFIXES = ['x-forwarded-', 'x-amz-', 'x-amzn-'];
/** Step Functions asks for at most this much of the response: its payload quota, 256 KiB. */
export const RESPONSE_RANGE = 'bytes=0-262144';

const runtime = (cause: string) => new TaskFailure('States.Runtime', cause);

/** The Task's resolved Parameters, checked; States.Runtime for what Step Functions refuses. */
export function readHttpParameters(parameters: unknown): HttpTaskParameters {
  if (!isRecord(parameters))
    throw runtime('An HTTP Task needs Parameters with ApiEndpoint, Method and a ConnectionArn.');
  const { ApiEndpoint, Method } = parameters;
  if (typeof ApiEndpoint !== 'string') throw runtime('The HTTP Task’s ApiEndpoint must be a string.');
  let url: URL;
  try {
    url = new URL(ApiEndpoint);
  } catch {
    throw runtime(`The HTTP Task’s ApiEndpoint ${JSON.stringify(ApiEndpoint)} is not a URL.`);
  }
  // Step Functions calls HTTPS endpoints only; the local cloud also calls plain HTTP on this machine.
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw runtime(
      `The HTTP Task’s ApiEndpoint ${ApiEndpoint} must be an https:// URL (plain http:// is allowed locally, to loopback addresses only).`,
    );
  }
  if (typeof Method !== 'string' || !METHODS.includes(Method))
    throw runtime(
      `The HTTP Task’s Method must be one of ${METHODS.join(', ')}, not ${JSON.stringify(Method)}.`,
    );
  const transform = isRecord(parameters.Transform) ? parameters.Transform : {};
  const encoding = transform.RequestBodyEncoding ?? 'NONE';
  if (encoding !== 'NONE' && encoding !== 'URL_ENCODED')
    throw runtime(`RequestBodyEncoding must be NONE or URL_ENCODED, not ${JSON.stringify(encoding)}.`);
  const options = isRecord(transform.RequestEncodingOptions) ? transform.RequestEncodingOptions : {};
  const arrayFormat = options.ArrayFormat ?? 'INDICES';
  if (!ARRAY_FORMATS.includes(arrayFormat as ArrayFormat))
    throw runtime(
      `ArrayFormat must be one of ${ARRAY_FORMATS.join(', ')}, not ${JSON.stringify(arrayFormat)}.`,
    );
  return {
    url,
    method: Method,
    connectionArn: connectionArnOf(parameters),
    headers: readHeaders(parameters.Headers),
    query: readQuery(parameters.QueryParameters),
    body: parameters.RequestBody,
    urlEncoded: encoding === 'URL_ENCODED',
    arrayFormat: arrayFormat as ArrayFormat,
  };
}

/** The request to send: the Task's, with the connection's parameters and credentials merged in. */
export function buildHttpRequest(
  task: HttpTaskParameters,
  connection: Connection,
  region: string,
): HttpRequest {
  const headers: Record<string, string> = {};
  const set = (name: string, value: string) => {
    for (const key of Object.keys(headers)) if (key.toLowerCase() === name.toLowerCase()) delete headers[key];
    headers[name] = value;
  };
  for (const [name, value] of Object.entries(task.headers)) set(name, value);
  for (const header of connection.invocation.headers) set(header.key, header.value);
  const auth = connection.authorization;
  if (auth.type === 'API_KEY') set(auth.apiKeyName, auth.apiKeyValue);
  else set('Authorization', `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`);
  set('User-Agent', `Amazon|StepFunctions|HttpInvoke|${region}`);
  set('Range', RESPONSE_RANGE);

  const query = new Map<string, string[]>();
  for (const [key, value] of task.query) query.set(key, [...(query.get(key) ?? []), value]);
  for (const parameter of connection.invocation.query) query.set(parameter.key, [parameter.value]);
  const url = new URL(task.url);
  for (const [key, values] of query) for (const value of values) url.searchParams.append(key, value);

  const body = mergedBody(task.body, connection);
  if (body === undefined) return { url, method: task.method, headers };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  if (!hasType) set('Content-Type', 'application/json; charset=UTF-8');
  const text =
    typeof body === 'string'
      ? body
      : task.urlEncoded && isRecord(body)
        ? urlEncode(body, task.arrayFormat)
        : JSON.stringify(body);
  // Whatever the method: Node sends a GET's body unframed unless told its length.
  set('Content-Length', String(Buffer.byteLength(text)));
  return { url, method: task.method, headers, body: text };
}

function mergedBody(body: unknown, connection: Connection): unknown {
  const extra = connection.invocation.body;
  if (extra.length === 0) return body;
  if (typeof body === 'string') {
    throw runtime(
      'The HTTP Task’s RequestBody is a string and its connection has body parameters: Step Functions cannot merge them.',
    );
  }
  const merged: Record<string, unknown> = isRecord(body) ? { ...body } : {};
  for (const parameter of extra) merged[parameter.key] = parameter.value;
  return merged;
}

function connectionArnOf(parameters: Record<string, unknown>): string {
  const arns = [parameters.Authentication, parameters.InvocationConfig]
    .filter(isRecord)
    .map((field) => field.ConnectionArn);
  if (arns.length !== 1 || typeof arns[0] !== 'string' || arns[0] === '') {
    throw runtime(
      'An HTTP Task needs a ConnectionArn, in exactly one of Authentication and InvocationConfig.',
    );
  }
  return arns[0];
}

function readHeaders(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw runtime('The HTTP Task’s Headers must be an object.');
  const headers: Record<string, string> = {};
  for (const [name, raw] of Object.entries(value)) {
    const lower = name.toLowerCase();
    if (FORBIDDEN_HEADERS.has(lower) || FORBIDDEN_PREFIXES.some((p) => lower.startsWith(p)))
      throw runtime(`An HTTP Task may not set the header ${name}.`);
    headers[name] = Array.isArray(raw) ? raw.map(scalar).join(',') : scalar(raw);
  }
  return headers;
}

function readQuery(value: unknown): [string, string][] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [...new URLSearchParams(value)];
  if (!isRecord(value)) throw runtime('The HTTP Task’s QueryParameters must be an object or a string.');
  return Object.entries(value).flatMap(([key, raw]) =>
    (Array.isArray(raw) ? raw : [raw]).map((item): [string, string] => [key, scalar(item)]),
  );
}

function scalar(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw runtime(
    `An HTTP Task’s header or query value must be a string, number or boolean, not ${JSON.stringify(value)}.`,
  );
}

/** `form-urlencoded`, nested objects as `a[b]`, arrays as ArrayFormat says. */
export function urlEncode(body: Record<string, unknown>, format: ArrayFormat): string {
  const pairs: [string, string][] = [];
  const add = (key: string, value: unknown): void => {
    if (Array.isArray(value)) {
      if (format === 'COMMAS') return void pairs.push([key, value.map(String).join(',')]);
      value.forEach((item, i) =>
        add(format === 'INDICES' ? `${key}[${i}]` : format === 'BRACKETS' ? `${key}[]` : key, item),
      );
    } else if (isRecord(value)) {
      for (const [inner, item] of Object.entries(value)) add(`${key}[${inner}]`, item);
    } else if (value !== undefined) {
      // A number or a boolean as JSON writes it; null as nothing.
      pairs.push([key, value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value)]);
    }
  };
  for (const [key, value] of Object.entries(body)) add(key, value);
  return pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
