// The adapters that send signed requests (json-requests.ts, rest-json-requests.ts) are also
// given SDK clients: the local cloud, the harness and the tests build those. Such a client
// stands for where its service is and how it is signed for: its endpoint, region, credentials
// and tries, read from its config at the first call. Nothing of the SDK is imported here.

import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsHttpConfig } from './signed-http.js';

/** The parts of an SDK client's config read here. */
export interface SdkClientLike {
  config: {
    region: () => Promise<string>;
    credentials: AwsCredentialIdentityProvider | (() => Promise<AwsCredentialIdentity>);
    endpoint?: () => Promise<{ protocol: string; hostname: string; port?: number; path: string }>;
    maxAttempts?: () => Promise<number>;
  };
}

/** Whether `source` is an SDK client rather than the requests an adapter sends itself. */
export function isSdkClient(source: object): source is SdkClientLike {
  return 'config' in source && 'send' in source;
}

/**
 * The client's config; without an endpoint of its own, the endpoint the SDK's client would take
 * from the environment: AWS_ENDPOINT_URL_<id> (`id` as configFromEnv's), else AWS_ENDPOINT_URL.
 */
export async function configOfSdkClient(
  client: SdkClientLike,
  id: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<AwsHttpConfig> {
  const { config } = client;
  const given = await config.endpoint?.();
  const endpoint =
    given === undefined
      ? env[`AWS_ENDPOINT_URL_${id}`] || env.AWS_ENDPOINT_URL || undefined
      : `${given.protocol}//${given.hostname}${given.port === undefined ? '' : `:${given.port}`}${given.path}`;
  return {
    region: await config.region(),
    credentials: config.credentials,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(config.maxAttempts === undefined ? {} : { maxAttempts: await config.maxAttempts() }),
  };
}

/** `open`'s answer, made at the first call and kept; made again at the next call if it failed. */
export function openedOnce<T>(open: () => Promise<T>): () => Promise<T> {
  let opened: Promise<T> | undefined;
  return () =>
    (opened ??= open().catch((error: unknown) => {
      opened = undefined;
      throw error;
    }));
}
