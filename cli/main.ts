// Entry point of the `cutover` CLI: finds the command (or the nearest, for a mistyped one),
// runs it, and turns every error into a clear message and an exit code (0 ok, 1 failed,
// 2 bad usage or input). `--version` prints package.json's version.

import { readFileSync } from 'node:fs';
import { UsageError, EXIT_BAD_INPUT, EXIT_FAILED } from './errors.js';
import { nearest } from './nearest.js';
import { processOutput, type Output } from './output.js';
import { jsonText, printableOutput } from './printable.js';
import { errorReport } from './error-report.js';
import type { Command } from './command.js';
import { COMMANDS } from './command-list.js';

const HELP = `cutover: immutable, event-driven deployments for Amazon ECS

Usage: cutover <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Every command takes --json for machine-readable output and --help for details.
cutover --version (or -V) prints the version.
Exit codes: 0 ok, 1 failed or rolled back, 2 bad usage or input.`;

/** The version in package.json, found from this file (in the bundle too: its import.meta.url is this file's). */
export function cliVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  return (JSON.parse(text) as { version: string }).version;
}

function unknownCommand(name: string): UsageError {
  const names = COMMANDS.map((c) => c.name);
  const meant = nearest(name, names);
  const guess = meant === undefined ? '' : `; did you mean ${meant}?`;
  return new UsageError(`unknown command "${name}"${guess}`, 'Run "cutover --help" to see every command.');
}

export async function main(argv: readonly string[], output?: Output): Promise<number> {
  const json = argv.includes('--json');
  // Every line any command prints goes through here: what came from the API is shown, not obeyed.
  const io = printableOutput(output ?? processOutput(json));
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.out(HELP);
    return name === undefined ? EXIT_BAD_INPUT : 0;
  }
  if (name === '--version' || name === '-V') {
    io.out(io.json ? jsonText({ version: cliVersion() }, 2) : `cutover ${cliVersion()}`);
    return 0;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  let command: Command | undefined;
  try {
    if (entry === undefined) throw unknownCommand(name);
    command = await entry.load();
    if (rest.includes('--help') || rest.includes('-h')) {
      io.out(command.help);
      return 0;
    }
    return await command.run(rest, io);
  } catch (error) {
    const report = errorReport(error, command);
    if (io.json) io.out(jsonText({ error: report.body }, 2));
    else io.err(report.text);
    return report.exitCode;
  }
}

export { EXIT_BAD_INPUT, EXIT_FAILED };
