// Starts a local AWS endpoint with the given routes on a free loopback port.

import type { Server } from 'node:http';
import { createAwsServer, type Routes } from '../../local/aws/server.js';
import { freePort } from './emulators.js';

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
