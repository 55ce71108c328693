// The AWS CLI (v1, on PATH on these machines) against a local endpoint, run without blocking:
// the local cloud answering it lives in the test's own process.

import { execFile, spawnSync } from 'node:child_process';

export const hasAwsCli = spawnSync('aws', ['--version'], { stdio: 'ignore' }).status === 0;

export interface CliAnswer {
  status: number;
  json: Record<string, unknown>;
  stderr: string;
}

/** `aws --endpoint-url <endpoint> --output json <args>`, with the local cloud's administrator credentials. */
export function awsCli(endpoint: string, ...args: string[]): Promise<CliAnswer> {
  const env = {
    PATH: process.env.PATH,
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  return new Promise((resolve) => {
    execFile(
      'aws',
      ['--endpoint-url', endpoint, '--output', 'json', ...args],
      { env, timeout: 30_000 },
      (error, stdout, stderr) => {
        const status = error ? Number((error as { code?: number }).code ?? 1) : 0;
        resolve({
          status,
          json: stdout.trim() ? (JSON.parse(stdout) as Record<string, unknown>) : {},
          stderr,
        });
      },
    );
  });
}
