// One AWS request over HTTP: signed with the AWS SDK's own SigV4 signer, sent over node:https,
// and tried again as the SDK's standard retry mode tries it (up to 3 times in all for
// throttling, a 5xx or a network failure, with full jitter). The S3 requests (s3-requests.ts),
// the JSON-protocol requests (json-requests.ts) and the REST-JSON ones (rest-json-requests.ts)
// are built on it, so that the bundles need none of the SDK's clients for those services.
// Network failures come back as Node raises them (`code: 'ECONNREFUSED'`), so
// translateTransient sorts them as it sorts the SDK's.

import {
  request as httpRequest,
  type Agent as HttpAgent,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type RequestOptions,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { Sha256 } from '@smithy/core/checksum';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, HttpRequest } from '@smithy/types';
import { requireEnv, type Environment } from '../runtime/env.js';
import { credentialsOption } from '../runtime/invocation-credentials.js';
import { isTransient } from './errors.js';

export interface AwsHttpConfig {
  region: string;
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Where to send the requests (the local cloud, an emulator); AWS's regional endpoint if not set. */
  endpoint?: string;
  /** Tries in all for a transient failure; 3, as the SDK's standard retry mode, if not set. */
  maxAttempts?: number;
}

/** How a service is reached and signed for. */
export interface SigningService {
  /** The name requests are signed for (`s3`, `kms`, `states`). */
  signingName: string;
  /** The first label of the regional endpoint's host (`s3`, `kms`, `states`). */
  endpointPrefix: string;
  /** S3 signs the path as sent, not encoded a second time. */
  uriEscapePath?: boolean;
  /**
   * How long an answer may take before the request is abandoned (as transient); 30 s if not
   * set. Lambda's Invoke waits for the function, which may run for up to 15 minutes.
   */
  answerTimeoutMs?: number;
}

export interface SignedRequest {
  method: string;
  /** Already percent-encoded; appended to the endpoint's own path. */
  path: string;
  query?: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

/** An answer outside 2xx, for the caller to name as its service names errors. */
export interface HttpAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** The answer took longer than this: the request is abandoned and counted as transient. */
const TIMEOUT_MS = 30_000;
const MAX_ATTEMPTS = 3;

/**
 * A service's config as the SDK's client would find it in `env`: AWS_REGION, AWS_ENDPOINT_URL_<ID>
 * or AWS_ENDPOINT_URL (the local cloud's), and the credentials: in the local cloud, the
 * invocation's (invocation-credentials.ts); on Lambda, the SDK's chain, which reads the role's
 * from the process's environment. `id` is the SDK's service id in its environment form: `S3`,
 * `KMS`, `SFN`.
 */
export function configFromEnv(id: string, env: Environment): AwsHttpConfig {
  return {
    region: requireEnv('AWS_REGION', env),
    endpoint: env[`AWS_ENDPOINT_URL_${id}`] || env.AWS_ENDPOINT_URL || undefined,
    credentials: credentialsOption(env).credentials ?? defaultProvider(),
  };
}

export class SignedHttp {
  private readonly url: URL;
  private readonly signer: SignatureV4;
  private readonly agent: HttpAgent | undefined;
  private readonly maxAttempts: number;
  private readonly timeoutMs: number;

  constructor(service: SigningService, config: AwsHttpConfig) {
    const { region } = config;
    this.url = new URL(config.endpoint ?? `https://${service.endpointPrefix}.${region}.${dnsSuffix(region)}`);
    this.signer = new SignatureV4({
      service: service.signingName,
      region,
      credentials: config.credentials,
      sha256: Sha256,
      uriEscapePath: service.uriEscapePath ?? true,
      // x-amz-content-sha256, the body's hash, signed as the SDK signs it (S3 requires it).
      applyChecksum: true,
    });
    // One connection kept open across invocations, as the SDK keeps one.
    this.agent = this.url.protocol === 'https:' ? new HttpsAgent({ keepAlive: true }) : undefined;
    this.maxAttempts = config.maxAttempts ?? MAX_ATTEMPTS;
    this.timeoutMs = service.answerTimeoutMs ?? TIMEOUT_MS;
  }

  /**
   * Sends the request and answers a 2xx's body. Any other answer is thrown as `errorOf` names
   * it; a transient failure is tried again first.
   */
  async send(request: SignedRequest, errorOf: (answer: HttpAnswer) => Error): Promise<string> {
    return (await this.answer(request, errorOf)).body;
  }

  /** As send, answering the whole 2xx answer: its status and headers too (Lambda's Invoke reads them). */
  async answer(request: SignedRequest, errorOf: (answer: HttpAnswer) => Error): Promise<HttpAnswer> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const got = await this.attempt(request);
        if (got.status >= 200 && got.status < 300) return got;
        throw errorOf(got);
      } catch (error) {
        if (attempt >= this.maxAttempts || !isTransient(error)) throw error;
        // Full jitter over an exponential base, as the SDK's standard retry strategy.
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 100 * 2 ** attempt));
      }
    }
  }

  private async attempt({ method, path, query = {}, headers, body }: SignedRequest): Promise<HttpAnswer> {
    const unsigned: HttpRequest = {
      method,
      protocol: this.url.protocol,
      hostname: this.url.hostname,
      port: this.url.port === '' ? undefined : Number(this.url.port),
      path: `${this.url.pathname.replace(/\/$/, '')}${path}`,
      query,
      headers: { ...headers, host: this.url.host },
      body,
    };
    // Signed at each try: a retry gets a fresh date, and the invocation's credentials.
    const signed = await this.signer.sign(unsigned);
    const search = Object.entries(query)
      .map(([name, value]) => `${rfc3986(name)}=${rfc3986(value)}`)
      .join('&');
    const options: RequestOptions = {
      method,
      hostname: this.url.hostname,
      port: unsigned.port,
      path: search === '' ? signed.path : `${signed.path}?${search}`,
      headers: signed.headers,
      agent: this.agent,
      timeout: this.timeoutMs,
    };
    return exchange(this.url.protocol === 'https:' ? httpsRequest : httpRequest, options, body);
  }
}

/** Sends one request and reads the whole answer. */
function exchange(request: typeof httpRequest, options: RequestOptions, body?: string) {
  return new Promise<HttpAnswer>((resolve, reject) => {
    const req = request(options, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('timeout', () => {
      const error = new Error(
        `no answer from ${options.hostname} within ${Number(options.timeout) / 1000} s`,
      );
      error.name = 'TimeoutError';
      req.destroy(error);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Percent-encoding as SigV4 and S3 want it: everything but `A-Z a-z 0-9 - _ . ~`. */
export const rfc3986 = (value: string) =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const dnsSuffix = (region: string) => (region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com');
