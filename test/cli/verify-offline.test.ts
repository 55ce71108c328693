// `cutover verify --offline` and the Python checker in docs/ledger.md (docs/verify_ledger.py),
// run on every signed test vector in test/fixtures/ledger/signed/: each must reach the outcome
// the vector expects (verified, or broken at the expected seq with the expected problem), so
// the two agree with each other. Also: their canonical encodings agree on generated JSON, and
// bad files and arguments exit 2 in both.

import { spawnSync } from 'node:child_process';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import { canonicalJson } from '../../shared/domain/canonical-json.js';
import { verify, type LedgerRecord } from '../../shared/domain/ledger.js';
import { signatureCheck, signingMessage } from '../../shared/domain/ledger-signature.js';
import { capture } from '../support/cli.js';

const dir = fileURLToPath(new URL('../fixtures/ledger/signed/', import.meta.url));
const CHECKER = fileURLToPath(new URL('../../docs/verify_ledger.py', import.meta.url));
const KEY = join(dir, 'ledger-key.public.pem');
const OTHER_KEY = join(dir, 'other-key.public.pem');

interface Vector {
  file: string;
  about: string;
  expect: { ok: true; count: number; anchored: number } | { ok: false; seq: number; problem: string };
}
const { vectors } = JSON.parse(readFileSync(join(dir, 'vectors.json'), 'utf8')) as { vectors: Vector[] };

const python = spawnSync('python3', ['-c', 'import cryptography'], { encoding: 'utf8' });
const hasPython = python.status === 0;
if (!hasPython) {
  console.warn(
    `SKIPPED: the Python ledger checker's tests need python3 with the cryptography package on PATH (${python.error?.message ?? python.stderr.trim()})`,
  );
}

interface Outcome {
  code: number;
  line: string;
}

async function cutover(args: string[]): Promise<Outcome> {
  const io = capture(args.includes('--json'));
  const code = await main(args, io);
  return { code, line: [...io.stdout, ...io.stderr].join('\n') };
}

function checker(args: string[]): Outcome {
  const run = spawnSync('python3', [CHECKER, ...args], { encoding: 'utf8' });
  return { code: run.status ?? -1, line: `${run.stdout}${run.stderr}`.trim() };
}

/** What a run found: `ok 5 records, anchor 5`, or `seq 3 signature-invalid`. */
function found({ code, line }: Outcome): string {
  const ok =
    /^✓ the ledger of \S+ verifies offline: (\d+) records signed.*reaching the anchor at seq (\d+)$/.exec(
      line,
    );
  if (code === 0 && ok) return `ok ${ok[1]} records, anchor ${ok[2]}`;
  const broken = /^✗ the ledger of \S+ is broken at seq (\d+|\?), ([a-z-]+): /.exec(line);
  if (code === 1 && broken) return `seq ${broken[1]} ${broken[2]}`;
  return `exit ${code}: ${line}`;
}

const expected = (v: Vector) =>
  v.expect.ok
    ? `ok ${v.expect.count} records, anchor ${v.expect.anchored}`
    : `seq ${v.expect.seq} ${v.expect.problem}`;

describe('every signed vector', () => {
  it('there is one of each kind the format must catch, and the chain-only vector is still a valid chain', () => {
    expect(vectors.map((v) => v.file)).toEqual([
      'export-v1.json',
      'appended-after-anchor.json',
      'edited-rehashed.json',
      'missing-signature.json',
      'signed-by-other-key.json',
      'newest-removed.json',
      'forged-anchor.json',
      'unsigned-v1.json',
    ]);
  });

  for (const vector of vectors) {
    it(`${vector.file} (${vector.about}): cutover verify --offline finds ${expected(vector)}`, async () => {
      const run = await cutover(['verify', '--offline', join(dir, vector.file), '--public-key', KEY]);
      expect(found(run)).toBe(expected(vector));
    });

    it.skipIf(!hasPython)(`${vector.file}: the Python checker finds the same`, () => {
      expect(found(checker([join(dir, vector.file), '--public-key', KEY]))).toBe(expected(vector));
    });
  }

  it('a record signed by a key it replaced verifies when both keys are given, in both', async () => {
    const args = [join(dir, 'signed-by-other-key.json'), '--public-key', KEY, '--public-key', OTHER_KEY];
    expect(found(await cutover(['verify', '--offline', ...args]))).toBe('ok 5 records, anchor 5');
    if (hasPython) expect(found(checker(args))).toBe('ok 5 records, anchor 5');
  });

  it('--json gives the result with the first broken record, its index and problem', async () => {
    const run = await cutover([
      'verify',
      '--offline',
      join(dir, 'newest-removed.json'),
      '--public-key',
      KEY,
      '--json',
    ]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.line)).toMatchObject({
      service: 'web',
      offline: true,
      ok: false,
      index: 3,
      seq: 4,
    });
  });
});

describe('chain-signed-v1.json', () => {
  const chain = JSON.parse(readFileSync(join(dir, 'chain-signed-v1.json'), 'utf8')) as {
    keyId: string;
    records: LedgerRecord[];
    messages: string[];
  };
  const v1 = JSON.parse(readFileSync(join(dir, '../chain-v1.json'), 'utf8')) as { records: LedgerRecord[] };

  it("holds chain-v1.json's records with the same hashes, each signed over the documented message", () => {
    expect(chain.records.map((r) => r.hash)).toEqual(v1.records.map((r) => r.hash));
    expect(chain.messages).toEqual(chain.records.map((r) => signingMessage(r).toString('utf8')));
    expect(chain.messages[0]).toBe(`cutover-ledger-v1\nweb\n1\n${v1.records[0]!.hash}`);
    const keys = new Map([[chain.keyId, createPublicKey(readFileSync(KEY, 'utf8'))]]);
    expect(verify(chain.records, { service: 'web', signatures: signatureCheck(keys) })).toMatchObject({
      ok: true,
    });
  });

  it('its TEST-ONLY private keys are the pairs of the public keys, so anyone can make more vectors', () => {
    for (const [secret, known] of [
      ['TEST-ONLY-ledger-key.private.pem', KEY],
      ['TEST-ONLY-other-key.private.pem', OTHER_KEY],
    ] as const) {
      const derived = createPublicKey(createPrivateKey(readFileSync(join(dir, secret), 'utf8')));
      expect(derived.export({ type: 'spki', format: 'pem' })).toBe(readFileSync(known, 'utf8'));
    }
  });
});

describe('bad files and arguments exit 2', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'cutover-offline-'));
  const notExport = join(scratch, 'not-export.json');
  writeFileSync(notExport, JSON.stringify({ records: [] }));
  const notJson = join(scratch, 'not-json.json');
  writeFileSync(notJson, '{ records');
  const rsaKey = join(scratch, 'not-a-key.pem');
  writeFileSync(rsaKey, 'hello');
  const exportFile = join(dir, 'export-v1.json');

  const cases: [string, string[], RegExp][] = [
    [
      'an export that is missing',
      [join(scratch, 'missing.json'), '--public-key', KEY],
      /cannot read|No such file/,
    ],
    ['a file that is not an export', [notExport, '--public-key', KEY], /not a ledger export/],
    ['a file that is not JSON', [notJson, '--public-key', KEY], /not JSON|Expecting|not a ledger export/],
    [
      'a key file that is not a PEM key',
      [exportFile, '--public-key', rsaKey],
      /PEM|public key|Unable|Could not|key/i,
    ],
    ['no --public-key', [exportFile], /--public-key/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: cutover says so, exits 2`, async () => {
      const run = await cutover(['verify', '--offline', ...args]);
      expect(run.code, run.line).toBe(2);
      expect(run.line).toMatch(message);
      expect(run.line).not.toMatch(/\n\s+at /);
    });
    it.skipIf(!hasPython)(`${what}: the Python checker exits 2 too`, () => {
      expect(checker(args).code).toBe(2);
    });
  }

  it('a service name or a connection option with --offline is a usage error', async () => {
    const withService = await cutover(['verify', 'web', '--offline', exportFile, '--public-key', KEY]);
    expect(withService).toMatchObject({ code: 2, line: expect.stringMatching(/takes no service name/) });
    const withEndpoint = await cutover([
      'verify',
      '--offline',
      exportFile,
      '--public-key',
      KEY,
      '--endpoint',
      'http://x',
    ]);
    expect(withEndpoint).toMatchObject({ code: 2, line: expect.stringMatching(/calls no API/) });
    const keyAlone = await cutover(['verify', 'web', '--public-key', KEY]);
    expect(keyAlone).toMatchObject({ code: 2, line: expect.stringMatching(/goes with --offline/) });
  });
});

describe.skipIf(!hasPython)('the Python canonical encoding', () => {
  it('writes what canonicalJson writes, for generated JSON values with any text and numbers', () => {
    const values = fc
      .sample(fc.jsonValue({ stringUnit: 'binary', maxDepth: 3 }), { numRuns: 300, seed: 8785 })
      .concat([
        4.5,
        1e-7,
        1e21,
        1e20,
        0.000001,
        -0,
        2 ** 60,
        0.1 + 0.2,
        { '\u{1F600}': 1, '\uFB33': 2 },
        '\u007f/\u0001',
      ]);
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(join(CHECKER, '..'))})`,
      'from verify_ledger import canonical',
      'for value in json.load(sys.stdin): print(json.dumps(canonical(value)))',
    ].join('\n');
    const run = spawnSync('python3', ['-c', script], { input: JSON.stringify(values), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const fromPython = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as string);
    expect(fromPython).toEqual(values.map((value) => canonicalJson(JSON.parse(JSON.stringify(value)))));
  });
});

describe('docs/ledger.md', () => {
  it('shows docs/verify_ledger.py as it is', () => {
    const doc = readFileSync(new URL('../../docs/ledger.md', import.meta.url), 'utf8');
    const block = /```python\n(#!\/usr\/bin\/env python3[\s\S]*?)```/.exec(doc)?.[1];
    expect(block).toBe(readFileSync(CHECKER, 'utf8'));
  });
});
