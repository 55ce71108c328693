// Starts the AWS emulators that adapter contract tests run against, on loopback
// ports chosen by the OS, and stops them afterwards.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import dynalite from 'dynalite';

export interface Emulator {
  endpoint: string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Whether `moto_server` can be run here. Contract tests against moto are skipped, loudly, if not. */
export function motoAvailable(): boolean {
  return spawnSync('moto_server', ['--help'], { stdio: 'ignore' }).status === 0;
}

/** A fresh moto_server on a free port; every test file gets its own, so no state leaks between them. */
export async function startMoto(): Promise<Emulator> {
  const port = await freePort();
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const endpoint = `http://127.0.0.1:${port}`;
  await waitUntilUp(`${endpoint}/moto-api/`, child, () => stderr);
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** An in-memory dynalite on a free port. */
export async function startDynalite(): Promise<Emulator> {
  const port = await freePort();
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function waitUntilUp(url: string, child: ChildProcess, stderr: () => string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`moto_server exited early:\n${stderr()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`moto_server did not start within 20 s:\n${stderr()}`);
}

/** Credentials and region for SDK clients pointed at an emulator. */
export const emulatorClientConfig = (endpoint: string) => ({
  endpoint,
  region: 'us-east-1',
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
});

/** The DynamoDB emulators contract tests run against: dynalite always, moto_server where installed. */
export const DYNAMODB_EMULATORS = [
  { name: 'dynalite', available: true, start: startDynalite },
  { name: 'moto_server', available: motoAvailable(), start: startMoto },
] as const;

/** A call to a moto service this project has no SDK client for; moto does not check signatures. */
export async function motoQuery(
  endpoint: string,
  service: string,
  params: Record<string, string>,
): Promise<string> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20240101/us-east-1/${service}/aws4_request, SignedHeaders=host, Signature=unsigned`,
    },
    body: new URLSearchParams(params),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${service} ${params.Action} answered ${response.status}: ${text}`);
  return text;
}

/** moto's default VPC: two of its subnets and its default security group. */
export async function motoDefaultNetwork(
  endpoint: string,
): Promise<{ vpcId: string; subnets: string[]; securityGroup: string }> {
  const subnetsXml = await motoQuery(endpoint, 'ec2', {
    Action: 'DescribeSubnets',
    Version: '2016-11-15',
    'Filter.1.Name': 'default-for-az',
    'Filter.1.Value.1': 'true',
  });
  const groupsXml = await motoQuery(endpoint, 'ec2', {
    Action: 'DescribeSecurityGroups',
    Version: '2016-11-15',
    'Filter.1.Name': 'group-name',
    'Filter.1.Value.1': 'default',
  });
  const subnets = [...subnetsXml.matchAll(/<subnetId>([^<]+)<\/subnetId>/g)].map((match) => match[1] ?? '');
  return {
    vpcId: /<vpcId>([^<]+)<\/vpcId>/.exec(subnetsXml)?.[1] ?? '',
    subnets: subnets.slice(0, 2),
    securityGroup: /<groupId>([^<]+)<\/groupId>/.exec(groupsXml)?.[1] ?? '',
  };
}
