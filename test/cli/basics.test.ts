// The CLI's basics, each checked by its whole output: --version, "did you mean" for a
// mistyped command, parseArgs' errors said for a person naming the command's --help, and
// an unknown preset listing the valid ones, and no AWS SDK notice about Node versions. None
// needs a local cloud.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../cli/command-list.js';
import { main } from '../../cli/main.js';
import { editDistance, nearest } from '../../cli/nearest.js';
import type { Output } from '../../cli/output.js';

const example = new URL('../../examples/catalog.yml', import.meta.url).pathname;
const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
const PRESETS =
  'AllAtOnce, Canary10Percent5Minutes, Canary10Percent15Minutes, Linear10PercentEvery1Minutes, Linear10PercentEvery3Minutes';
const IMAGE = `123456789012.dkr.ecr.us-east-1.amazonaws.com/web@sha256:${'ab'.repeat(32)}`;

async function cutover(args: string[]) {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const io: Output = {
    json: args.includes('--json'),
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
  };
  const code = await main(args, io);
  return { code, stdout: stdout.join('\n'), stderr: stderr.join('\n') };
}

describe('cutover --version', () => {
  it.each([['--version'], ['-V']])('%s prints the package version, exit 0', async (flag) => {
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(await cutover([flag])).toEqual({ code: 0, stdout: `cutover ${version}`, stderr: '' });
  });

  it('with --json, as JSON', async () => {
    const run = await cutover(['--version', '--json']);
    expect(run).toEqual({ code: 0, stdout: JSON.stringify({ version }, null, 2), stderr: '' });
  });
});

describe('an unknown command', () => {
  it('suggests the nearest one, exit 2', async () => {
    expect(await cutover(['stauts'])).toEqual({
      code: 2,
      stdout: '',
      stderr:
        'cutover: unknown command "stauts"; did you mean status?\n\nRun "cutover --help" to see every command.',
    });
  });

  it('suggests nothing when nothing is near', async () => {
    expect(await cutover(['frobnicate'])).toEqual({
      code: 2,
      stdout: '',
      stderr: 'cutover: unknown command "frobnicate"\n\nRun "cutover --help" to see every command.',
    });
  });

  it('finds the nearest name by edits, a swap of neighbours counting as one', () => {
    expect(editDistance('stauts', 'status')).toBe(1);
    expect(editDistance('deploi', 'deploy')).toBe(1);
    expect(editDistance('plan', 'plan')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    const names = ['plan', 'deploy', 'status', 'rollback', 'releases'];
    expect(nearest('rollbak', names)).toBe('rollback');
    expect(nearest('relases', names)).toBe('releases');
    expect(nearest('ab', names)).toBeUndefined();
    expect(nearest('x', ['y'])).toBeUndefined();
  });
});

describe("parseArgs' errors, said for a person", () => {
  const hint = (command: string) => `\nRun "cutover ${command} --help" to see its options.`;
  it.each([
    [
      ['plan', 'web', '--colour', '--catalog', example],
      `Unknown option '--colour' for cutover plan${hint('plan')}`,
    ],
    [['plan', 'web', '-x', '--catalog', example], `Unknown option '-x' for cutover plan${hint('plan')}`],
    [['deploy', 'web', '--image'], `Option '--image' needs a value: --image <value>${hint('deploy')}`],
    [
      ['deploy', 'web', '--image', '--wait'],
      `Option '--image' needs a value: --image <value>${hint('deploy')}`,
    ],
    [['judge', '--colour=red'], `Unknown option '--colour' for cutover judge${hint('judge')}`],
    [
      ['judge', 'extra'],
      `Unexpected argument 'extra': cutover judge takes no arguments besides its options${hint('judge')}`,
    ],
  ])('%j', async (args, expected) => {
    const run = await cutover(args);
    expect(run).toEqual({ code: 2, stdout: '', stderr: `cutover: ${expected}` });
  });

  it('a boolean given a value', async () => {
    expect(await cutover(['promote', 'd-1', '--full=yes'])).toEqual({
      code: 2,
      stdout: '',
      stderr: `cutover: Option '--full' takes no value${hint('promote')}`,
    });
  });

  it('with --json, the same message as a UsageError', async () => {
    const run = await cutover(['plan', '--colour', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toEqual({
      error: { code: 'UsageError', message: "Unknown option '--colour' for cutover plan" },
    });
  });
});

describe('an unknown preset lists the valid ones', () => {
  const expected = `cutover: the deployment request is not valid:\npreset: unknown preset "Fast"; the presets are ${PRESETS}`;

  it('in plan', async () => {
    const run = await cutover(['plan', 'web', '--preset', 'Fast', '--catalog', example]);
    expect(run).toEqual({ code: 2, stdout: '', stderr: expected });
  });

  it('in deploy, before any call to the API', async () => {
    const run = await cutover(['deploy', 'web', '--image', IMAGE, '--preset', 'Fast']);
    expect(run).toEqual({ code: 2, stdout: '', stderr: expected });
  });
});

describe('the list of commands', () => {
  // Each command's module is loaded only when it runs: the list's name must be the module's.
  it.each(COMMANDS.map((entry) => [entry.name, entry] as const))(
    '%s loads the command of that name',
    async (name, entry) => {
      const command = await entry.load();
      expect(command.name).toBe(name);
      expect(command.help).toMatch(/^Usage: cutover /);
    },
  );

  it('lists each command once, each with a summary', () => {
    const names = COMMANDS.map((entry) => entry.name);
    expect(new Set(names).size).toBe(names.length);
    for (const entry of COMMANDS) expect(entry.summary.length).toBeGreaterThan(10);
  });
});

describe('docs/cli.md', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const session = /```console\n([\s\S]*?)```/.exec(doc)![1]!;
  const examples = session
    .split(/^\$ npx /m)
    .filter(Boolean)
    .map((block) => {
      const [line, ...printed] = block.trimEnd().split('\n');
      return [line!, printed.join('\n')] as const;
    });

  it.each(examples)('shows what `%s` prints', async (line, printed) => {
    const [name, ...args] = line.split(' ');
    expect(name).toBe('cutover');
    const run = await cutover(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(printed);
  });
});

describe('the cutover command on Node 20', () => {
  it("prints the command's own words, not the AWS SDK's notice about Node versions", () => {
    const env = { ...process.env };
    delete env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED;
    // A KMS client is made and called (port 9 refuses): the SDK's notice would come then.
    const run = spawnSync(
      process.execPath,
      [
        new URL('../../cli/cutover.mjs', import.meta.url).pathname,
        'ledger-key',
        '--endpoint',
        'http://127.0.0.1:9',
      ],
      { encoding: 'utf8', env, timeout: 60_000 },
    );
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('did not give the public key');
    expect(run.stderr).not.toContain('NodeVersionSupportWarning');
  });
});
