import type { Output } from './output.js';

/** One CLI command: its help text and how to run it on its arguments. */
export interface Command {
  name: string;
  help: string;
  run(args: readonly string[], output: Output): Promise<number>;
}

/**
 * A line of `cutover --help` and how to load the command it names. Each command's module is
 * imported only when that command runs, so `cutover plan` never loads the AWS SDK clients
 * `cutover drift` needs, and `cutover --help` loads none of them.
 */
export interface CommandEntry {
  name: string;
  summary: string;
  load(): Promise<Command>;
}
