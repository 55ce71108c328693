// The credentials a packaged Lambda function signs with: its role's, which the Lambda runtime
// puts in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
//
// The Lambda bundles are built with this module in place of @aws-sdk/credential-provider-node
// (serverless.yml, custom.esbuild.alias). That package's default chain tries the environment
// first, then profiles, SSO, web identity and the instance metadata service, and carries
// the STS and SSO clients those need: code a Lambda function never runs. This is the chain's
// first link, memoized as the chain is. Were a function ever given its credentials some other
// way (a container credentials endpoint instead of the environment), this would have to go.
// The CLI and the local cloud are not bundled: they keep the full chain (the local cloud
// passes each client its credentials explicitly).

import { fromEnv } from '@aws-sdk/credential-provider-env';
import { doesIdentityRequireRefresh, isIdentityExpired, memoizeIdentityProvider } from '@smithy/core';

/** Same name and signature as @aws-sdk/credential-provider-node's `defaultProvider`. */
export const defaultProvider = (init?: Parameters<typeof fromEnv>[0]) =>
  memoizeIdentityProvider(fromEnv(init), isIdentityExpired, doesIdentityRequireRefresh);
