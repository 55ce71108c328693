// An --endpoint given to the CLI, checked once for every command that takes one: the HTTP API's
// (api-client.ts) and the local cloud's AWS endpoint (local-aws-endpoint.ts).

import { UsageError } from './errors.js';

/** `endpoint` as a URL; a UsageError (exit 2, with `help`) naming `example` for one that is not http(s). */
export function endpointUrl(endpoint: string, example: string, help?: string): URL {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new UsageError(`--endpoint must be a URL such as ${example}, not "${endpoint}"`, help);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--endpoint must be an http:// or https:// URL, not "${endpoint}"`, help);
  return url;
}
