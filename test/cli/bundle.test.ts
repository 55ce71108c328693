// The `cutover` command runs a prebuilt bundle of the CLI: built when missing, rebuilt when a
// source changed, used as is when current, built once by CLIs started together, and never in
// the way: without a bundle the CLI still runs, from its sources. Each test gets its own
// bundle folder (CUTOVER_CLI_BUILD_DIR), so the repository's own bundle is left alone.

import { execFile } from 'node:child_process';
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest } from '../../cli/bundle/manifest.mjs';

const CLI = new URL('../../cli/cutover.mjs', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const run = promisify(execFile);

let folder: string;
let buildDir: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'cutover-bundle-'));
  buildDir = join(folder, 'cli');
});
afterEach(() => rmSync(folder, { recursive: true, force: true }));

function cutover(args: string[], env: Record<string, string> = {}) {
  return run(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, CUTOVER_CLI_BUILD_DIR: buildDir, ...env },
    timeout: 60_000,
  });
}

function manifest(): Manifest {
  return JSON.parse(readFileSync(join(buildDir, 'manifest.json'), 'utf8')) as Manifest;
}

/** What is in the bundle folder besides the manifest: the build folders, and any leftovers. */
function builds(): string[] {
  return readdirSync(buildDir).filter((name) => name !== 'manifest.json');
}

describe('the CLI bundle', () => {
  it('is built on the first run when missing, with a manifest of its sources', async () => {
    expect(await cutover(['--version'])).toEqual({ stdout: `cutover ${version}\n`, stderr: '' });
    const { build, inputs } = manifest();
    expect(builds()).toEqual([build]);
    expect(inputs['cli/main.ts']).toEqual([expect.any(Number), expect.any(Number)]);
    expect(inputs['cli/commands/plan.ts']).toEqual([expect.any(Number), expect.any(Number)]);
    // Packages are stood for by npm's record of what it installed, not stamped file by file.
    expect(Object.keys(inputs).filter((path) => path.includes('node_modules'))).toEqual([
      'node_modules/.package-lock.json',
    ]);
  });

  it('holds each command in its own chunk and leaves the local cloud out', async () => {
    await cutover(['--version']);
    const folderOfBuild = join(buildDir, manifest().build);
    const files = readdirSync(folderOfBuild);
    expect(files).toContain('main.js');
    expect(files.filter((name) => /^(plan|status|drift)-\w+\.js$/.test(name))).toHaveLength(3);
    const text = files.map((name) => readFileSync(join(folderOfBuild, name), 'utf8')).join('\n');
    expect(text).not.toContain('// local/cloud.ts');
    expect(text).toContain('cli/local-runner.ts is not in the CLI bundle');
    // zod in English only: its other locales are left out.
    expect(text).toContain('zod/v4/locales/en.js');
    expect(text).not.toMatch(/zod\/v4\/locales\/(?!en\.js)/);
  });

  it("still says zod's own problems in English", async () => {
    const broken = cutover(['plan', 'web', '--catalog', 'test/fixtures/catalog/broken.yml']);
    await expect(broken).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('services.web.bakeSeconds: Too small: expected number to be >=0'),
    });
  });

  it('is used as it is while every source is unchanged', async () => {
    await cutover(['--version']);
    const { build } = manifest();
    appendFileSync(join(buildDir, build, 'main.js'), '\nconsole.log("from the bundle");\n');
    const { stdout } = await cutover(['--version']);
    expect(stdout).toBe(`from the bundle\ncutover ${version}\n`);
    expect(manifest().build).toBe(build);
  });

  it('is rebuilt when a source changed since it was built', async () => {
    await cutover(['--version']);
    const before = manifest();
    const real = before.inputs['cli/commands/plan.ts'];
    // As if plan.ts had been edited: its recorded stamp no longer matches the file.
    const edited = { ...before, inputs: { ...before.inputs, 'cli/commands/plan.ts': [1, 1] } };
    writeFileSync(join(buildDir, 'manifest.json'), JSON.stringify(edited));
    // And its build is gone, so the run's output can only come from a new build.
    rmSync(join(buildDir, before.build), { recursive: true });
    expect((await cutover(['plan', 'web', '--catalog', 'examples/catalog.yml'])).stdout).toMatch(
      /^Plan for web:/,
    );
    expect(manifest().inputs['cli/commands/plan.ts']).toEqual(real);
    expect(builds()).toEqual([before.build]);
  });

  it('is built once, whole, by CLIs started at the same time', async () => {
    const runs = await Promise.all([1, 2, 3, 4].map(() => cutover(['--version'])));
    for (const each of runs) expect(each).toEqual({ stdout: `cutover ${version}\n`, stderr: '' });
    // Each CLI may build, but the builds are the same files: one folder, no temporary ones.
    expect(builds()).toEqual([manifest().build]);
  });
});

describe('running from the sources instead', () => {
  it('happens when the bundle cannot be built, and says so on stderr', async () => {
    writeFileSync(join(folder, 'file'), 'not a folder');
    buildDir = join(folder, 'file', 'cli');
    const { stdout, stderr } = await cutover(['--version']);
    expect(stdout).toBe(`cutover ${version}\n`);
    expect(stderr).toMatch(
      /^cutover: could not build or load the CLI bundle \(.*\); running from the sources\n$/,
    );
  });

  it('happens when CUTOVER_CLI_FROM_SOURCE=1, building nothing', async () => {
    const { stdout } = await cutover(['--version'], { CUTOVER_CLI_FROM_SOURCE: '1' });
    expect(stdout).toBe(`cutover ${version}\n`);
    expect(readdirSync(folder)).toEqual([]);
  });

  it('happens for local start, whose handlers are loaded from their sources', async () => {
    const { stdout } = await cutover(['local', 'start', '--help']);
    expect(stdout).toContain('cutover local start [--speed N]');
    expect(readdirSync(folder)).toEqual([]);
  });
});
