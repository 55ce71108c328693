// The credentials a packaged Lambda function signs with: its role's, which the Lambda runtime
// puts in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
//
// The Lambda bundles are built with this module in place of @aws-sdk/credential-provider-node
// (serverless.yml, custom.esbuild.alias). That package's default chain tries the environment
// first, then profiles, SSO, web identity and the instance metadata service, and carries
// the STS and SSO clients those need: code a Lambda function never runs. This is the chain's
// first link, memoized as the chain is. It reads the variables as the SDK's `fromEnv` does,
// without that package, which brings the SDK's client core (its endpoint rules and partitions)
// into every bundle and its start-up. Were a function ever given its credentials some other way
// (a container credentials endpoint instead of the environment), this would have to go.
// The CLI and the local cloud are not bundled: they keep the full chain (the local cloud
// passes each client its credentials explicitly).

import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';
import type { AwsCredentialIdentity } from '@smithy/types';
import { CredentialsMissing } from './errors.js';

/** The credentials in `env` (the process's, as Lambda sets them). */
export function credentialsFrom(env: NodeJS.ProcessEnv): AwsCredentialIdentity {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new CredentialsMissing(
      'no environment variable credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set ' +
        "(Lambda sets them from the function's role)",
    );
  const expiration = env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}

/** Same name as @aws-sdk/credential-provider-node's `defaultProvider`, for the alias. */
export const defaultProvider = () =>
  memoizeIdentityProvider(
    () => Promise.resolve().then(() => credentialsFrom(process.env)),
    isIdentityExpired,
    doesIdentityRequireRefresh,
  );
