// What every command does first with its arguments: Node's parseArgs over the command's own
// options (strict: an unknown option, or one missing its value, throws Node's error, which
// error-report.ts says for a person), then a check of the positionals it takes.

import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>;

/** The command's options and positionals. */
export function parseCommandLine<const Options extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: Options,
) {
  return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
}

/** The command's options, for a command that takes no positionals (Node refuses one). */
export function parseOptionsOnly<const Options extends ParseArgsOptionsConfig>(
  args: readonly string[],
  options: Options,
) {
  return parseArgs({ args: [...args], options, strict: true }).values;
}

/** The one positional a command takes: else `deploy takes exactly one service name`, and the help. */
export function onePositional(
  positionals: readonly string[],
  command: string,
  what: string,
  help: string,
): string {
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one ${what}`, help);
  return positionals[0]!;
}

/** A command that takes options only: else `local time takes no arguments, not <them>`, and the help. */
export function noPositionals(positionals: readonly string[], command: string, help: string): void {
  if (positionals.length > 0)
    throw new UsageError(`${command} takes no arguments, not ${positionals.join(' ')}`, help);
}

/** The options `deploy` and `plan` share: the strategy and schedule to deploy by. */
export const STRATEGY_OPTIONS = {
  strategy: { type: 'string' },
  preset: { type: 'string' },
  'batch-percent': { type: 'string' },
} as const;

/** Their lines in `--help`. */
export const STRATEGY_OPTIONS_HELP = `  --strategy S        blue-green | canary | linear | all-at-once | rolling
                      (default: the service's strategy in the catalog; another must
                      keep every gate the catalog requires: see docs/catalog.md#gates)
  --preset P          AllAtOnce | Canary10Percent5Minutes | Canary10Percent15Minutes |
                      Linear10PercentEvery1Minutes | Linear10PercentEvery3Minutes
  --batch-percent N   rolling only: the share of tasks replaced per batch (1-100)`;
