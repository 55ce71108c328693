// The local cloud's AWS endpoint, for the commands that call it directly (local push, and
// preflight and ledger-key without --aws): --endpoint, else $CUTOVER_LOCAL_ENDPOINT, else the one
// the data folder's endpoints.json names (--data, else $CUTOVER_DATA, else .cutover), else the
// default, http://127.0.0.1:4566. Also the choice those commands share, of the account they
// read: AWS with the caller's own credentials (--aws), or the local cloud.

import { UsageError } from './errors.js';
import { endpointUrl } from './endpoint-url.js';
import { DEFAULT_STAGE, LOCAL_STAGE } from '../shared/domain/stack-names.js';
import { DEFAULT_AWS_ENDPOINT, dataDirFrom, ENDPOINTS_FILE, readEndpoints } from '../local/endpoints.js';

export const LOCAL_AWS_ENDPOINT_HELP = `  --endpoint URL      otherwise, the local cloud's AWS endpoint (default: $CUTOVER_LOCAL_ENDPOINT,
                      else the one its data folder's ${ENDPOINTS_FILE} names, else ${DEFAULT_AWS_ENDPOINT})
  --data DIR          the local cloud's data folder (default: $CUTOVER_DATA, else .cutover)`;

/** The endpoint's origin; a UsageError (exit 2, with `help`) for one that is not an http(s) URL. */
export function localAwsEndpoint(
  values: { endpoint?: string | undefined; data?: string | undefined },
  help: string,
  env: NodeJS.ProcessEnv = process.env,
): string {
  const endpoint =
    values.endpoint ??
    (env.CUTOVER_LOCAL_ENDPOINT || readEndpoints(dataDirFrom(values.data, env))?.aws || DEFAULT_AWS_ENDPOINT);
  return endpointUrl(endpoint, DEFAULT_AWS_ENDPOINT, help).origin;
}

/** The options of the commands that read an account with the caller's own credentials. */
export const ACCOUNT_OPTIONS = {
  aws: { type: 'boolean' },
  endpoint: { type: 'string' },
  data: { type: 'string' },
  region: { type: 'string' },
  stage: { type: 'string' },
  json: { type: 'boolean' },
} as const;

export interface AccountTarget {
  kind: 'aws' | 'local';
  /** The endpoint called; none on AWS (the SDK's own). */
  endpoint?: string;
  region: string;
}

/**
 * The account such a command reads (--aws, else the local cloud), and the stage whose resources
 * it names. `regionFor` gives the region once it is known which; it may throw a UsageError.
 */
export function accountTarget(
  values: { aws?: boolean; endpoint?: string; data?: string; stage?: string },
  help: string,
  regionFor: (local: boolean) => string,
): { target: AccountTarget; stage: string } {
  if (values.aws && values.endpoint !== undefined)
    throw new UsageError('use --aws or --endpoint, not both', help);
  const local = !values.aws;
  const region = regionFor(local);
  const target: AccountTarget = local
    ? { kind: 'local', endpoint: localAwsEndpoint(values, help), region }
    : { kind: 'aws', region };
  return { target, stage: values.stage ?? (local ? LOCAL_STAGE : DEFAULT_STAGE) };
}
