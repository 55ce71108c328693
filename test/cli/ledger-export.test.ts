// The offline check end to end, against a real local cloud (test/support/cli.ts): a release
// ends and is anchored in the local S3, `cutover ledger-key` reads the ledger key's public key
// from the local KMS, `cutover releases --export` writes the chain and its anchor through
// GET /services/{name}/ledger, and `cutover verify --offline` (and the Python checker, when
// python3 with cryptography is there) checks the export, untouched and with its newest
// records cut off.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LedgerExport } from '../../shared/domain/ledger-export.js';
import { startCliCloud, type CliCloud } from '../support/cli.js';

const CHECKER = fileURLToPath(new URL('../../docs/verify_ledger.py', import.meta.url));
const hasPython = spawnSync('python3', ['-c', 'import cryptography']).status === 0;
if (!hasPython)
  console.warn('SKIPPED in ledger-export.test.ts: python3 with cryptography, for docs/verify_ledger.py');

let cloud: CliCloud;
const scratch = mkdtempSync(join(tmpdir(), 'cutover-export-'));
const keyFile = join(scratch, 'ledger-key.pem');
const exportFile = join(scratch, 'allatonce.json');

beforeAll(async () => {
  vi.stubEnv('CUTOVER_POLL_MS', '50');
  cloud = await startCliCloud();
  const id = await cloud.deploy('allatonce', cloud.pushed('allatonce', 'v2'));
  await cloud.untilExecutionEnded(id);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await cloud?.stop();
});

/** The local cloud's AWS endpoint, for the commands that read AWS rather than the API. */
const aws = () => ['--endpoint', cloud.handle.cloud.endpoint];

describe('ledger-key, releases --export, verify --offline', () => {
  it('ledger-key prints the ledger key as a P-256 PEM public key; --json names its ARN', async () => {
    const run = await cloud.cutover(['ledger-key', ...aws()], { connect: false });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n[A-Za-z0-9+/=\n]+\n-----END PUBLIC KEY-----$/);
    writeFileSync(keyFile, `${run.stdout}\n`);
    const json = await cloud.cutover(['ledger-key', ...aws(), '--json'], { connect: false });
    expect(JSON.parse(json.stdout)).toMatchObject({
      keyId: expect.stringMatching(/^arn:aws:kms:[a-z0-9-]+:\d{12}:key\//),
      keySpec: 'ECC_NIST_P256',
      publicKeyPem: `${run.stdout}\n`,
    });
  });

  it('releases --export writes the chain as stored, the anchor the release left, and the key ARN', async () => {
    const run = await cloud.cutover(['releases', 'allatonce', '--export', exportFile]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^Wrote the ledger of allatonce to .*: \d+ records, 1 anchor version\(s\), signed by arn:aws:kms:/,
    );
    const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as LedgerExport;
    expect(exported).toMatchObject({ format: 'cutover-ledger-export-v1', service: 'allatonce' });
    expect(exported.records.length).toBeGreaterThan(2);
    expect(exported.anchors).toHaveLength(1);
    const key = JSON.parse(
      (await cloud.cutover(['ledger-key', ...aws(), '--json'], { connect: false })).stdout,
    ) as {
      keyId: string;
    };
    expect(exported.keyIds).toEqual([key.keyId]);

    const toStdout = await cloud.cutover(['releases', 'allatonce', '--export', '-']);
    expect((JSON.parse(toStdout.stdout) as LedgerExport).records).toEqual(exported.records);
  });

  it('verify --offline checks the export with the key alone, and so does the Python checker', async () => {
    const run = await cloud.cutover(['verify', '--offline', exportFile, '--public-key', keyFile], {
      connect: false,
    });
    expect(run.code, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^✓ the ledger of allatonce verifies offline: \d+ records signed, .*reaching the anchor at seq \d+$/,
    );
    if (hasPython) {
      const python = spawnSync('python3', [CHECKER, exportFile, '--public-key', keyFile], {
        encoding: 'utf8',
      });
      expect(python.status, python.stdout + python.stderr).toBe(0);
    }
  });

  it('an export whose newest records were cut off fails at the first missing seq, in both', async () => {
    const exported = JSON.parse(readFileSync(exportFile, 'utf8')) as LedgerExport;
    const cut = join(scratch, 'cut.json');
    writeFileSync(cut, JSON.stringify({ ...exported, records: exported.records.slice(0, 1) }));
    const run = await cloud.cutover(['verify', '--offline', cut, '--public-key', keyFile], {
      connect: false,
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^✗ the ledger of allatonce is broken at seq 2, head-mismatch: /);
    if (hasPython) {
      const python = spawnSync('python3', [CHECKER, cut, '--public-key', keyFile], { encoding: 'utf8' });
      expect(python.status).toBe(1);
      expect(python.stdout).toMatch(/broken at seq 2, head-mismatch: /);
    }
  });

  it('--help says what each option does: ledger-key, releases --export, verify --offline', async () => {
    const help = async (...args: string[]) =>
      (await cloud.cutover([...args, '--help'], { connect: false })).stdout;
    expect(await help('ledger-key')).toMatch(
      /^Usage: cutover ledger-key \[options\][\s\S]*GetPublicKey[\s\S]*--key-id ID[\s\S]*alias\/cutover-<stage>-ledger[\s\S]*--aws[\s\S]*Exit codes:[\s\S]*Examples:/,
    );
    expect(await help('releases')).toMatch(
      /--export FILE {7}instead, write the ledger of <service> to FILE \(- for standard output\)/,
    );
    expect(await help('verify')).toMatch(
      /cutover verify --offline FILE --public-key KEY[\s\S]*--offline FILE[\s\S]*--public-key KEY[\s\S]*2 bad usage, unknown service, or an export or key file that cannot be read/,
    );
  });

  it('an unknown service, an unknown key and an export file that cannot be written exit 2', async () => {
    const service = await cloud.cutover(['releases', 'nope', '--export', join(scratch, 'nope.json')]);
    expect(service).toMatchObject({ code: 2, stderr: expect.stringMatching(/no service "nope"/) });
    const key = await cloud.cutover(['ledger-key', ...aws(), '--key-id', 'alias/no-such-key'], {
      connect: false,
    });
    expect(key).toMatchObject({ code: 2, stderr: expect.stringMatching(/has no key alias\/no-such-key/) });
    const file = await cloud.cutover(['releases', 'allatonce', '--export', join(scratch, 'no', 'dir.json')]);
    expect(file).toMatchObject({ code: 2, stderr: expect.stringMatching(/cannot write the export/) });
  });
});
