import { cpSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main.js';
import type { Output } from '../../cli/output.js';
import { formatDuration } from '../../shared/domain/step-words.js';

const root = new URL('../..', import.meta.url).pathname;
const example = join(root, 'examples/catalog.yml');
const broken = join(root, 'test/fixtures/catalog/broken.yml');

function capture(json = false): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { json, stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l) };
}

/** Every file below a folder with its size and modification time, to prove nothing was written. */
function snapshot(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => {
      const s = statSync(join(dir, f));
      return `${f}:${s.size}:${s.mtimeMs}`;
    })
    .sort();
}

describe('cutover plan', () => {
  it('prints the steps of the service from the catalog', async () => {
    const io = capture();
    const code = await main(['plan', 'web', '--catalog', example], io);
    expect(code).toBe(0);
    expect(io.stdout[0]).toBe('Plan for web: linear (Linear10PercentEvery1Minutes), at least 19m');
    expect(io.stdout).toContain(' 24. shift 100% of production traffic to the new task set (t+9m)');
    expect(io.stdout.at(-1)).toBe('Nothing was changed.');
  });

  it('prints the plan as JSON with --json', async () => {
    const io = capture(true);
    expect(await main(['plan', 'api', '--catalog', example, '--json'], io)).toBe(0);
    const plan = JSON.parse(io.stdout.join('\n')) as { strategy: string; steps: { kind: string }[] };
    expect(plan.strategy).toBe('blue-green');
    expect(plan.steps.map((s) => s.kind)).toContain('approval');
  });

  it('takes a preset and a batch size', async () => {
    const io = capture(true);
    await main(['plan', 'worker', '--batch-percent', '50', '--catalog', example, '--json'], io);
    const plan = JSON.parse(io.stdout.join('\n')) as { steps: { kind: string }[] };
    expect(plan.steps.filter((s) => s.kind === 'scale-batch')).toHaveLength(2);
  });

  it.each([
    [['plan'], 'exactly one service'],
    [['plan', 'web', 'api', '--catalog', example], 'exactly one service'],
    [['plan', 'web', '--colour', '--catalog', example], "Unknown option '--colour'"],
    [['plan', 'nope', '--catalog', example], 'no service "nope" in the catalog; it has: web, api, worker'],
    [['plan', 'web', '--preset', 'Linear5', '--catalog', example], 'unknown preset "Linear5"'],
    [['plan', 'web', '--batch-percent', 'ten', '--catalog', example], 'batchPercent: must be a whole number'],
    [['plan', 'web', '--catalog', '/nonexistent/catalog.yml'], 'no such file. Pass --catalog FILE'],
    [['deploi'], 'unknown command "deploi"'],
  ])('exits 2 with a clear message for %j', async (args, words) => {
    const io = capture();
    expect(await main(args, io)).toBe(2);
    expect(io.stderr.join('\n')).toContain(words);
    expect(io.stderr.join('\n')).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('answers --help with usage and examples, exit 0', async () => {
    const io = capture();
    expect(await main(['plan', '--help'], io)).toBe(0);
    expect(io.stdout.join('\n')).toMatch(/Usage: cutover plan <service>[\s\S]*Examples:/);
  });
});

describe('a broken catalog on the real command line', () => {
  it('prints every problem with its path, exits 2 and writes nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cutover-cli-'));
    cpSync(broken, join(dir, 'catalog.yml'));
    const before = snapshot(dir);
    const run = spawnSync(process.execPath, [join(root, 'cli/cutover.mjs'), 'plan', 'web'], {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, CUTOVER_CATALOG: '' },
    });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trim().split('\n');
    expect(lines[0]).toBe('cutover: catalog.yml has 9 problems:');
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf(': ')))).toEqual([
      'services.web.ecs.container',
      'services.web.traffic.targetGroups[1]',
      'services.web.bakeSeconds',
      'services.web.images.repositories[0]',
      'services.api.images.tagFilter',
      'services.api',
      'services.web.schedule.steps[2].weight',
      'services.api.preset',
      'services.api.hooks.AfterAllowTestTraffic',
    ]);
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [45, '45s'],
    [60, '1m'],
    [90, '1m 30s'],
    [3600, '1h'],
    [5400, '1h 30m'],
    [172800, '48h'],
  ])('%i s → %s', (seconds, text) => expect(formatDuration(seconds)).toBe(text));
});
