import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Output } from '../../cli/output.js';

const root = new URL('../..', import.meta.url).pathname;

function capture(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { json, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

let dir: string;
/** Writes content to a file in the test's folder and returns its path. */
function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

const LATENCY = [100, 102, 98, 101, 99, 103, 97, 100, 101, 99, 102, 98];
let baseline: string;
let slower: string;
let faster: string;
let same: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cutover-judge-'));
  baseline = file('baseline.json', LATENCY);
  slower = file(
    'slower.json',
    LATENCY.map((v) => v * 1.2),
  );
  faster = file(
    'faster.json',
    LATENCY.map((v) => v * 0.8),
  );
  same = file('same.json', [...LATENCY].reverse());
});

interface JsonResult {
  classification: string;
  reason: string;
  u: number;
  pValue: number;
  method: string;
  interval: [number, number];
  estimate: number;
  ratio: number;
  confidence: number;
  baseline: { n: number; mean: number };
  canary: { n: number; mean: number };
  rules: { direction: string; allowedIncrease: number; allowedDecrease: number; outliers: string };
}

async function judgeJson(args: string[]): Promise<{ code: number; result: JsonResult }> {
  const io = capture(true);
  const code = await main(['judge', ...args, '--json'], io);
  return { code, result: JSON.parse(io.stdout.join('\n')) as JsonResult };
}

describe('cutover judge', () => {
  it('prints the classification, U, the p-value, the interval and the ratio; High exits 1', async () => {
    const io = capture();
    const code = await main(['judge', '--baseline', baseline, '--canary', slower], io);
    expect(code).toBe(1);
    expect(io.stdout[0]).toBe('High');
    const text = io.stdout.join('\n');
    expect(text).toContain('Mann-Whitney U (canary): 144, two-sided p = 0.0000351787 (asymptotic method)');
    expect(text).toContain('Hodges-Lehmann shift canary - baseline: 20, 98% interval [17.8, 22.2]');
    expect(text).toContain('mean ratio canary/baseline: 1.2');
    expect(text).toContain('baseline: 12 values, mean 100');
    expect(text).toContain(
      'settings: direction increase, allowed increase 1.1, allowed decrease 0.9, outliers keep',
    );
  });

  it('exits 0 for Pass', async () => {
    const io = capture();
    expect(await main(['judge', '--baseline', baseline, '--canary', same], io)).toBe(0);
    expect(io.stdout[0]).toBe('Pass');
    expect(io.stdout[1]).toBe('  the canary and baseline data are identical');
  });

  it('lets a user tune --allowed-increase until the change is tolerated', async () => {
    expect(
      (await judgeJson(['--baseline', baseline, '--canary', slower, '--allowed-increase', '1.19'])).code,
    ).toBe(1);
    const tolerant = await judgeJson([
      '--baseline',
      baseline,
      '--canary',
      slower,
      '--allowed-increase',
      '1.25',
    ]);
    expect(tolerant.code).toBe(0);
    expect(tolerant.result.classification).toBe('Pass');
    expect(tolerant.result.reason).toContain('below allowedIncrease 1.25');
    expect(tolerant.result.rules.allowedIncrease).toBe(1.25);
  });

  it('takes --direction and --allowed-decrease for a metric where a fall is bad', async () => {
    expect((await judgeJson(['--baseline', baseline, '--canary', faster])).code).toBe(0); // increase only
    const either = await judgeJson(['--baseline', baseline, '--canary', faster, '--direction', 'either']);
    expect(either).toMatchObject({ code: 1, result: { classification: 'Low' } });
    const tolerant = await judgeJson([
      '--baseline',
      baseline,
      '--canary',
      faster,
      '--direction',
      'decrease',
      '--allowed-decrease',
      '0.7',
    ]);
    expect(tolerant).toMatchObject({ code: 0, result: { classification: 'Pass' } });
  });

  it('removes outliers with --outliers remove', async () => {
    const spiky = file('spiky.json', [...LATENCY.map((v) => v * 1.2), 5000]);
    const args = ['--baseline', baseline, '--canary', spiky, '--allowed-increase', '1.5'];
    expect((await judgeJson(args)).result.classification).toBe('High');
    const removed = await judgeJson([...args, '--outliers', 'remove']);
    expect(removed.result).toMatchObject({ classification: 'Pass', canary: { n: 12 } });
  });

  it('exits 1 with Nodata for an empty array', async () => {
    const empty = file('empty.json', []);
    const { code, result } = await judgeJson(['--baseline', baseline, '--canary', empty]);
    expect(code).toBe(1);
    expect(result).toMatchObject({ classification: 'Nodata', u: null, pValue: null, interval: null });
  });

  it('reports the full result as JSON', async () => {
    const { result } = await judgeJson(['--baseline', baseline, '--canary', slower]);
    expect(result).toMatchObject({
      classification: 'High',
      u: 144,
      method: 'asymptotic',
      estimate: 20,
      ratio: 1.2,
      confidence: 0.98,
      baseline: { n: 12, mean: 100 },
      canary: { n: 12, mean: 120 },
    });
    expect(result.interval[0]).toBeCloseTo(17.8, 10);
    expect(result.interval[1]).toBeCloseTo(22.2, 10);
  });
});

describe('cutover judge agrees with scipy on the fixture series', () => {
  const fixtures = JSON.parse(readFileSync(join(root, 'test/fixtures/judge/mannwhitneyu.json'), 'utf8')) as {
    cases: { name: string; x: number[]; y: number[]; u: number; pValue: number; method: string }[];
  };
  // The canary is scipy's x (U is the canary's), the baseline its y.
  const cases = fixtures.cases.filter((_, i) => i % 3 === 0);

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (name, c) => {
    const slug = name.replace(/[^a-z0-9]+/gi, '-');
    mkdirSync(join(dir, slug), { recursive: true });
    const x = file(join(slug, 'canary.json'), c.x);
    const y = file(join(slug, 'baseline.json'), c.y);
    const { result } = await judgeJson(['--baseline', y, '--canary', x, '--direction', 'either']);
    expect(result.u).toBe(c.u);
    expect(result.method).toBe(c.method);
    expect(Math.abs(result.pValue - c.pValue)).toBeLessThanOrEqual(1e-6);
  });
});

describe('cutover judge: bad input exits 2 with a clear message', () => {
  it.each([
    [['judge'], 'judge needs both --baseline FILE and --canary FILE'],
    [['judge', '--baseline', 'b.json'], 'judge needs both --baseline FILE and --canary FILE'],
    [['judge', '--baseline', '/nonexistent/b.json', '--canary', '/nonexistent/c.json'], 'no such file'],
    [['judge', '--colour'], "Unknown option '--colour'"],
    [['judge', 'extra'], 'Unexpected argument'],
  ])('%j', async (args, words) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
    expect(io.stderr.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
  });

  it.each([
    ['not JSON', '[1, 2,', 'is not valid JSON'],
    ['an object', '{"values": [1, 2]}', 'holds an object, not an array'],
    ['a number', '42', 'holds a number, not an array'],
    ['a string element', '[1, "2", 3]', 'element [1] is the string "2", not a number'],
    ['a null element', '[1, null]', 'element [1] is null, not a number'],
    ['a nested array', '[[1, 2]]', 'element [0] is an array, not a number'],
  ])('a file holding %s', async (_what, content, words) => {
    const bad = file('bad.json', content);
    const io = capture();
    expect(await main(['judge', '--baseline', baseline, '--canary', bad], io)).toBe(2);
    const message = io.stderr.join('\n');
    expect(message).toContain(`--canary ${bad}`);
    expect(message).toContain(words);
    expect(message).toContain('the file must hold a JSON array of numbers');
  });

  it('reports a folder given as a file', async () => {
    const io = capture();
    expect(await main(['judge', '--baseline', dir, '--canary', baseline], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(`cannot read --baseline ${dir}: it is a folder`);
  });

  it.each([
    [['--direction', 'up'], '--direction must be one of increase, decrease, either, not "up"'],
    [['--allowed-increase', 'lots'], '--allowed-increase must be a number, such as 1.2, not "lots"'],
    [['--allowed-increase', '0.9'], '--allowed-increase must be at least 1'],
    [['--allowed-decrease', '0'], '--allowed-decrease must be above 0 and at most 1'],
    [['--allowed-decrease', '1.5'], '--allowed-decrease must be above 0 and at most 1'],
    [['--outliers', 'drop'], '--outliers must be one of keep, remove, not "drop"'],
  ])('refuses %j', async (extra, words) => {
    const io = capture();
    expect(await main(['judge', '--baseline', baseline, '--canary', slower, ...extra], io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
  });

  it('puts the error in JSON with --json', async () => {
    const io = capture(true);
    expect(await main(['judge', '--baseline', baseline, '--canary', '/nonexistent.json', '--json'], io)).toBe(
      2,
    );
    const body = JSON.parse(io.stdout.join('\n')) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('InputFileInvalid');
    expect(body.error.message).toBe('cannot read --canary /nonexistent.json: no such file');
  });

  it('answers --help with usage, options, exit codes and examples, exit 0', async () => {
    const io = capture();
    expect(await main(['judge', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(
      /Usage: cutover judge --baseline FILE --canary FILE[\s\S]*Options:[\s\S]*Exit codes: 0 Pass, 1 High, Low or no data, 2 bad usage or input[\s\S]*Examples:/,
    );
  });

  it('is listed in the main help', async () => {
    const io = capture();
    await main(['--help'], io);
    expect(io.stdout.join('\n')).toMatch(/\n {2}judge {6}judge a canary metric against its baseline/);
  });
});

describe('cutover judge on the real command line', () => {
  it('sets the exit code a script can test', () => {
    const run = (canary: string) =>
      spawnSync(
        process.execPath,
        [join(root, 'cli/cutover.mjs'), 'judge', '--baseline', baseline, '--canary', canary],
        {
          encoding: 'utf8',
        },
      );
    const high = run(slower);
    expect(high.status).toBe(1);
    expect(high.stdout.split('\n')[0]).toBe('High');
    const pass = run(same);
    expect(pass.status).toBe(0);
    const bad = run(join(dir, 'missing.json'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('no such file');
  });
});
