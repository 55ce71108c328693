// The CLI's side of the HTTP API (docs/api.md). Locally the API wants the bearer token the
// local cloud wrote to its data folder; on AWS it wants requests signed with SigV4 (service
// execute-api) by the caller's AWS credentials. Every answer that is not a success becomes
// an ApiFailure carrying the exit code the CLI contract gives it: 4xx → 2 (fix the input),
// 409 → 1 (busy, or not actionable now), 5xx or no answer → 1.

import { existsSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { SignatureV4Init } from '@smithy/signature-v4';
import type { Command } from './command.js';
import { send as sendRequest } from './http-request.js';
import { ApiFailure, EXIT_BAD_INPUT, EXIT_FAILED, UsageError } from './errors.js';
import { endpointUrl } from './endpoint-url.js';
import { printJson, type Output } from './output.js';
import type { Problem } from '../shared/domain/errors.js';
import {
  DEFAULT_API_ENDPOINT,
  DEFAULT_DATA_DIR,
  ENDPOINTS_FILE,
  dataDirFrom,
  readEndpoints,
} from '../local/endpoints.js';

export { DEFAULT_API_ENDPOINT, DEFAULT_DATA_DIR };
const TIMEOUT_MS = 30_000;
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

type Credentials = SignatureV4Init['credentials'];
type CredentialIdentity = Exclude<Credentials, (...args: never[]) => unknown>;

export type ApiAuth =
  | { kind: 'bearer'; token: string; /** Where the token came from, for the 401 hint. */ source: string }
  | { kind: 'sigv4'; region: string; credentials: Credentials; /** The signing clock. */ now?: () => Date };

export interface ApiClientOptions {
  endpoint: string;
  auth: ApiAuth;
  /** Who acts, recorded in the ledger (locally; on AWS the API uses the caller's IAM ARN). */
  actor?: string;
}

/** A request ready for fetch: signed on AWS, with the bearer token locally. */
export interface PreparedRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

export class ApiClient {
  readonly endpoint: URL;

  constructor(private readonly options: ApiClientOptions) {
    this.endpoint = new URL(options.endpoint);
  }

  get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  post<T>(path: string, body: object = {}): Promise<T> {
    return this.send<T>('POST', path, body);
  }

  /** The request as it will be sent: URL, headers (signed on AWS) and body. */
  async prepare(method: string, path: string, body?: object): Promise<PreparedRequest> {
    const base = this.endpoint.pathname.replace(/\/+$/, '');
    const url = new URL(`${base}${path}`, this.endpoint);
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-cutover-actor': this.options.actor ?? operatorActor(),
    };
    const { auth } = this.options;
    if (auth.kind === 'bearer') {
      headers.authorization = `Bearer ${auth.token}`;
      return { url: url.href, method, headers, ...(text === undefined ? {} : { body: text }) };
    }
    const { SignatureV4, Sha256 } = await import('./sdk/signing.js');
    const signer = new SignatureV4({
      service: 'execute-api',
      region: auth.region,
      credentials: auth.credentials,
      sha256: Sha256,
    });
    let signed: { headers: Record<string, string> };
    try {
      signed = await signer.sign(
        {
          method,
          protocol: url.protocol,
          hostname: url.hostname,
          ...(url.port === '' ? {} : { port: Number(url.port) }),
          path: url.pathname,
          query: Object.fromEntries(url.searchParams),
          headers: { ...headers, host: url.host },
          body: text,
        },
        { signingDate: auth.now?.() ?? new Date() },
      );
    } catch (error) {
      throw new ApiFailure(
        'NoCredentials',
        `no AWS credentials to sign the request to ${url.host}: ${(error as Error).message}`,
        EXIT_FAILED,
        {
          hint: 'Configure them as for the AWS CLI (AWS_PROFILE, aws sso login, environment variables), or use the local cloud (npm start) without --endpoint.',
          cause: error,
        },
      );
    }
    // node:http sets Host from the URL, to the same value that was signed.
    const { host: _host, ...sent } = signed.headers;
    return { url: url.href, method, headers: sent, ...(text === undefined ? {} : { body: text }) };
  }

  private async send<T>(method: string, path: string, body?: object): Promise<T> {
    const request = await this.prepare(method, path, body);
    let response: Awaited<ReturnType<typeof sendRequest>>;
    try {
      response = await sendRequest({ ...request, timeoutMs: TIMEOUT_MS });
    } catch (error) {
      throw this.unreachable(error);
    }
    const payload = parseJson(response.text);
    if (response.ok && payload !== undefined) return payload as T;
    throw this.failure(response.status, payload);
  }

  private isLocal(): boolean {
    return LOCAL_HOSTS.has(this.endpoint.hostname);
  }

  private unreachable(error: unknown): ApiFailure {
    const why = (error as Error).name === 'TimeoutError' ? 'no answer within 30 s' : 'connection failed';
    const message = this.isLocal()
      ? `no Cutover API answers at ${this.endpoint.origin} (${why}); start the local cloud with npm start (or cutover local start), pass --data DIR (or CUTOVER_DATA) if it keeps its data in another folder, or point --endpoint (or CUTOVER_ENDPOINT) at the API`
      : `could not reach the Cutover API at ${this.endpoint.href} (${why}); check --endpoint (or CUTOVER_ENDPOINT) and your network`;
    return new ApiFailure('Unreachable', message, EXIT_FAILED, { cause: error });
  }

  private failure(status: number, payload: unknown): ApiFailure {
    const error = (payload as { error?: { code?: unknown; message?: unknown; problems?: unknown } })?.error;
    if (typeof error?.code === 'string' && typeof error.message === 'string') {
      const problems = Array.isArray(error.problems) ? (error.problems as Problem[]) : undefined;
      return new ApiFailure(error.code, error.message, exitCodeFor(status), {
        status,
        ...(problems ? { problems } : {}),
        // Cutover's own refusal (four eyes) is not a matter of credentials.
        ...(error.code === 'SeparateApproverRequired' ? {} : this.hintFor(status)),
      });
    }
    // Not Cutover's error shape: API Gateway's own answers ({"message": "Forbidden"}), or
    // something else listening at the endpoint.
    const message = (payload as { message?: unknown } | undefined)?.message;
    if (typeof message === 'string') {
      return new ApiFailure(
        `HTTP${status}`,
        `${this.endpoint.host} answered ${status}: ${message}`,
        exitCodeFor(status),
        {
          status,
          ...this.hintFor(status),
        },
      );
    }
    return new ApiFailure(
      'NotCutover',
      `the answer from ${this.endpoint.origin} (HTTP ${status}) is not from Cutover's API; check --endpoint (or CUTOVER_ENDPOINT)`,
      EXIT_FAILED,
      { status },
    );
  }

  private hintFor(status: number): { hint?: string } {
    const { auth } = this.options;
    if (status === 401 && auth.kind === 'bearer') {
      return {
        hint: `The token came from ${auth.source}. The local cloud writes its token to <data folder>/token when it starts: pass --data DIR if it runs from another folder, or --token T.`,
      };
    }
    if (status === 403 && auth.kind === 'sigv4') {
      return {
        hint: `Your AWS credentials need execute-api:Invoke on this API, in region ${auth.region}.`,
      };
    }
    if (status >= 500) {
      return {
        hint: this.isLocal()
          ? 'The local cloud logs what failed in the terminal running npm start (restart it there if this persists); or check --endpoint.'
          : "The API function's logs in CloudWatch say what failed; or check --endpoint.",
      };
    }
    return {};
  }
}

/** 409 is a busy service or a deployment that cannot take the action now: a failure, not bad input. */
function exitCodeFor(status: number): number {
  if (status === 409 || status === 429 || status >= 500) return EXIT_FAILED;
  return status >= 400 ? EXIT_BAD_INPUT : EXIT_FAILED;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `operator:<user name>`, spelled with the characters the API accepts in X-Cutover-Actor. */
export function operatorActor(): string {
  let name: string;
  try {
    name = userInfo().username;
  } catch {
    name = process.env.USER ?? process.env.USERNAME ?? '';
  }
  const clean = name.replace(/[^A-Za-z0-9._@+-]/g, '-');
  return `operator:${clean || 'unknown'}`.slice(0, 100);
}

// --- The options every API command takes ---

export const CONNECTION_OPTIONS = {
  endpoint: { type: 'string' },
  token: { type: 'string' },
  data: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const CONNECTION_HELP = `Connection options (every API command):
  --endpoint URL      the Cutover API (default: $CUTOVER_ENDPOINT, else the local cloud's: the
                      one its data folder's ${ENDPOINTS_FILE} names, else ${DEFAULT_API_ENDPOINT}).
                      Any other URL, such as the API on AWS
                      (https://<id>.execute-api.<region>.amazonaws.com), is called with
                      SigV4 using your AWS credentials, found as the AWS CLI finds them
  --token T           the local API's bearer token (default: $CUTOVER_TOKEN, else the token file)
  --data DIR          the local cloud's data folder, which holds its token and where it listens
                      (default: $CUTOVER_DATA, else ${DEFAULT_DATA_DIR})
  --json              print the API's JSON`;

export interface ConnectionValues {
  endpoint?: string | undefined;
  token?: string | undefined;
  data?: string | undefined;
}

/** A client for the endpoint the options and environment name, with its credentials. */
export function clientFrom(values: ConnectionValues, env: NodeJS.ProcessEnv = process.env): ApiClient {
  const endpoint =
    values.endpoint ??
    (env.CUTOVER_ENDPOINT || readEndpoints(dataDirFrom(values.data, env))?.api || DEFAULT_API_ENDPOINT);
  const url = endpointUrl(endpoint, DEFAULT_API_ENDPOINT);
  if (LOCAL_HOSTS.has(url.hostname)) {
    return new ApiClient({ endpoint, auth: { kind: 'bearer', ...localToken(values, env) } });
  }
  if (values.token !== undefined) {
    throw new UsageError(
      '--token is for the local cloud; the API on AWS is called with SigV4 using your AWS credentials',
    );
  }
  return new ApiClient({
    endpoint,
    auth: { kind: 'sigv4', region: regionOf(url, env), credentials: awsCredentialChain() },
  });
}

function localToken(values: ConnectionValues, env: NodeJS.ProcessEnv): { token: string; source: string } {
  if (values.token !== undefined) return { token: values.token, source: '--token' };
  if (env.CUTOVER_TOKEN) return { token: env.CUTOVER_TOKEN, source: 'CUTOVER_TOKEN' };
  const path = join(dataDirFrom(values.data, env), 'token');
  if (!existsSync(path)) {
    throw new ApiFailure(
      'NoToken',
      `no token file at ${path}: the local cloud writes it when it starts. Start it with npm start (or cutover local start), pass --data DIR if it runs from another folder, or --token T`,
      EXIT_FAILED,
    );
  }
  return { token: readFileSync(path, 'utf8').trim(), source: path };
}

/** `<id>.execute-api.<region>.amazonaws.com` names its region; otherwise AWS_REGION does. */
function regionOf(url: URL, env: NodeJS.ProcessEnv): string {
  const fromHost = /\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
  const region = fromHost ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  if (region === undefined || region === '') {
    throw new UsageError(
      `cannot tell the AWS region of ${url.host}: use the API's execute-api URL, or set AWS_REGION`,
    );
  }
  return region;
}

/** The standard AWS credential chain, loaded only when an AWS endpoint is called. */
function awsCredentialChain(): () => Promise<CredentialIdentity> {
  let provider: (() => Promise<CredentialIdentity>) | undefined;
  return async () => {
    provider ??= (await import('./sdk/credentials.js')).defaultProvider();
    return provider();
  };
}

// --- What the user sees when a call fails ---

/** Prints the failure as `cutover: <message>` (or the API's JSON with --json); returns the exit code. */
export function reportApiFailure(failure: ApiFailure, output: Output): number {
  const { problems, hint } = failure.extra;
  if (output.json) {
    printJson(output, {
      error: { code: failure.code, message: failure.message, ...(problems ? { problems } : {}) },
    });
    return failure.exitCode;
  }
  output.err(`cutover: ${failure.message}`);
  // 422 messages already list their problems; print only those they do not.
  for (const problem of problems ?? []) {
    if (!failure.message.includes(problem.message))
      output.err(`  ${problem.path || '(body)'}: ${problem.message}`);
  }
  if (hint !== undefined) output.err(hint);
  return failure.exitCode;
}

/** Wraps a command's run so that an ApiFailure is reported, never thrown to the top. */
export function reportingApiFailures(run: Command['run']): Command['run'] {
  return async (args, output) => {
    try {
      return await run(args, output);
    } catch (error) {
      if (error instanceof ApiFailure) return reportApiFailure(error, output);
      throw error;
    }
  };
}

/** A path segment from user input, e.g. a service name or a deployment id. */
export function segment(value: string): string {
  return encodeURIComponent(value);
}
