// Which credentials an AWS call signs with. On Lambda each function is its own process and
// signs with its own role's credentials, which the SDK's default chain reads from the
// environment: nothing here is switched on there. The local cloud runs every function in one
// process, so it names each invocation's credentials (runWithCredentials) and switches this
// on in the environment it builds its handlers from (CUTOVER_INVOCATION_CREDENTIALS=true); the
// clients, made when a handler is built, then sign each request with the credentials of the
// invocation that sends it, and the local AWS endpoint holds the call to that function's role.

import { AsyncLocalStorage } from 'node:async_hooks';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { Environment } from './env.js';

export interface InvocationCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** One store per process, even if this module were loaded twice (a test runner may do that). */
const KEY = Symbol.for('cutover.invocation-credentials');
const store = ((globalThis as Record<symbol, unknown>)[KEY] ??=
  new AsyncLocalStorage<InvocationCredentials>()) as AsyncLocalStorage<InvocationCredentials>;

export function runWithCredentials<T>(credentials: InvocationCredentials, run: () => T): T {
  return store.run(credentials, run);
}

/** The credentials option for a client built from `env`: none (the default chain) unless switched on. */
export function credentialsOption(env: Environment): { credentials?: AwsCredentialIdentityProvider } {
  if (env.CUTOVER_INVOCATION_CREDENTIALS !== 'true') return {};
  // Outside an invocation (the local cloud's own calls): the environment's credentials.
  const outside: AwsCredentialIdentity = {
    accessKeyId: env.AWS_ACCESS_KEY_ID ?? 'local',
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? 'local',
  };
  const provider = (): Promise<AwsCredentialIdentity> => Promise.resolve(store.getStore() ?? outside);
  // Marked as memoized so the SDK asks it on every request: a cached identity would sign one
  // function's calls with another's credentials.
  return { credentials: Object.assign(provider, { memoized: true }) };
}
