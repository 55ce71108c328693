// Where an AWS SDK client would send its requests, and how it would sign and retry them, read
// from its config: the local cloud, the CLI and the tests build SDK clients, and the adapters
// that send signed requests of their own (signed-http.ts) take one to stand for its endpoint,
// region, credentials and tries.

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
