// The local cloud's AWS endpoint, for the commands that call it directly (local push, and
// preflight and ledger-key without --aws): --endpoint, else $CUTOVER_LOCAL_ENDPOINT, else the one
// the data folder's endpoints.json names (--data, else $CUTOVER_DATA, else .cutover), else the
// default, http://127.0.0.1:4566.

import { UsageError } from './errors.js';
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
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as ${DEFAULT_AWS_ENDPOINT}, not "${endpoint}"`, help);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--endpoint must be an http:// or https:// URL, not "${endpoint}"`, help);
  return url.origin;
}
