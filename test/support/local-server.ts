// Starts a local AWS endpoint with the given routes on a free loopback port.

import type { Server } from 'node:http';
import { createAwsServer, type Routes } from '../../local/aws/server.js';
import { freePort } from '../../harness/emulators.js';

export interface RunningServer {
  endpoint: string;
  close(): Promise<void>;
}

export async function serve(routes: Partial<Routes>): Promise<RunningServer> {
  const server: Server = createAwsServer({ json: {}, query: {}, ...routes });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export const clientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});

/**
 * An Authorization header shaped as SigV4's, for tests that speak the wire protocol by hand:
 * the local endpoint refuses requests without one, as AWS does (it identifies the caller from
 * the access key id and does not check the signature).
 */
export function sigV4Authorization(service: string, accessKeyId = 'AKIDLOCALTEST'): string {
  return (
    `AWS4-HMAC-SHA256 Credential=${accessKeyId}/20261206/us-east-1/${service}/aws4_request, ` +
    'SignedHeaders=content-type;host;x-amz-date, Signature=0000000000000000000000000000000000000000000000000000000000000000'
  );
}
